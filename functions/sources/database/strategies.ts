import type { DatabaseKind } from '../../core/model/target';
import { postgresStrategy } from '../postgres/strategy';
import type { DatabaseStrategy } from './strategy';

const STRATEGIES: Record<DatabaseKind, DatabaseStrategy> = {
  postgres: postgresStrategy,
};

/** The strategy of a database kind (functions/sources/<kind>). */
export function databaseStrategy(kind: DatabaseKind): DatabaseStrategy {
  return STRATEGIES[kind];
}
