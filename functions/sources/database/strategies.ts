import type { DatabaseKind } from '../../core/model/target';
import { mysqlStrategy } from '../mysql/strategy';
import { postgresStrategy } from '../postgres/strategy';
import type { DatabaseStrategy } from './strategy';

const STRATEGIES: Record<DatabaseKind, DatabaseStrategy> = {
  postgres: postgresStrategy,
  mysql: mysqlStrategy,
};

/** The strategy of a database kind (functions/sources/<kind>). */
export function databaseStrategy(kind: DatabaseKind): DatabaseStrategy {
  return STRATEGIES[kind];
}
