import type { DatabaseKind } from '../../core/model/target';
import { mongodbStrategy } from '../mongodb/strategy';
import { mysqlStrategy } from '../mysql/strategy';
import { postgresStrategy } from '../postgres/strategy';
import type { DatabaseStrategy } from './strategy';

const STRATEGIES: Record<DatabaseKind, DatabaseStrategy> = {
  postgres: postgresStrategy,
  mysql: mysqlStrategy,
  mongodb: mongodbStrategy,
};

/** The strategy of a database kind (functions/sources/<kind>). */
export function databaseStrategy(kind: DatabaseKind): DatabaseStrategy {
  return STRATEGIES[kind];
}
