import { DatabaseError, InputError } from '../../core/errors';
import type { DatabaseConnection } from '../../core/model/target';
import { serverName } from './connection';
import type { DatabaseRestoreRequest, RestoredDatabase } from './strategy';

/** What an engine that cannot rename a database does to restore into one (MySQL, MongoDB). */
export interface RestoreSteps {
  /** Restores the (chosen part of the) dump into `database`, which exists or is created by it. */
  restoreInto(database: string, intoExisting: boolean): Promise<void>;
  /** Creates an empty database, when the engine needs one before its restore tool runs. */
  create?(database: string): Promise<void>;
  /** Drops a database if it is there; never fails. */
  drop(database: string): Promise<void>;
}

/**
 * The order of a restore without a rename: a new database is dropped again if its restore fails;
 * a partial restore goes into the existing database; replacing a whole database first restores
 * the backup under a staging name (proving it restores), and only then drops the old database
 * and restores again under its name.
 */
export async function restoreWithoutRename(
  request: DatabaseRestoreRequest,
  exists: boolean,
  steps: RestoreSteps,
): Promise<RestoredDatabase> {
  const fresh = async (database: string) => {
    await steps.create?.(database);
    try {
      await steps.restoreInto(database, false);
    } catch (error) {
      await steps.drop(database);
      throw error;
    }
  };
  if (!exists) {
    await fresh(request.database);
    return { database: request.database, replaced: false, into_existing: false };
  }
  if (request.tables.length > 0) {
    await steps.restoreInto(request.database, true);
    return { database: request.database, replaced: false, into_existing: true };
  }
  const staging = `lifeboat_restore_${request.jobId.toLowerCase()}`;
  await steps.drop(staging);
  await fresh(staging);
  await steps.drop(staging);
  await steps.drop(request.database);
  await fresh(request.database);
  return { database: request.database, replaced: true, into_existing: false };
}

/** How an engine without schemas inside a database answers the questions of a restore check. */
export interface ExistingObjects {
  engine: 'MySQL' | 'MongoDB';
  /** What --table names there. */
  object: 'table' | 'collection';
  databaseExists(): Promise<boolean>;
  /** Which of `names` the existing database already has. */
  present(names: readonly string[]): Promise<string[]>;
}

/**
 * A full restore never replaces an existing database unless asked; a partial one never
 * replaces an existing table (collection) unless asked.
 */
export async function refuseReplacing(
  request: Pick<DatabaseRestoreRequest, 'database' | 'overwrite' | 'schemas' | 'tables'>,
  conn: Pick<DatabaseConnection, 'host' | 'port'>,
  existing: ExistingObjects,
): Promise<{ exists: boolean }> {
  if (request.schemas.length > 0)
    throw new InputError(
      `${existing.engine} has no schemas inside a database.`,
      `Choose ${existing.object}s with --table.`,
    );
  const exists = await existing.databaseExists();
  if (!exists || request.overwrite) return { exists };
  if (request.tables.length === 0)
    throw new DatabaseError(
      'DB_EXISTS',
      `Database "${request.database}" already exists on ${serverName(conn)}; a restore does not replace it unless asked to.`,
      'Pass --overwrite to replace it (after the backup has been restored once under a staging name), or restore under another name with --database NEW.',
    );
  const present = await existing.present(request.tables);
  if (present.length > 0) {
    const Object_ = `${existing.object[0]!.toUpperCase()}${existing.object.slice(1)}`;
    throw new DatabaseError(
      'DB_EXISTS',
      `${Object_}(s) ${present.map((t) => `"${t}"`).join(', ')} already exist in database "${request.database}"; a restore does not replace them unless asked to.`,
      `Pass --overwrite to replace those ${existing.object}s, or restore into another database with --database NEW.`,
    );
  }
  return { exists };
}
