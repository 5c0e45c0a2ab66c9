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
