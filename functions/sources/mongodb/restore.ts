import type { ByteSink } from '../../core/ports/byte-sink';
import type { ResolvedCredential } from '../database/credentials';
import type { DatabaseRestoreRequest, RestoredDatabase } from '../database/strategy';
import { ToolProcess } from '../database/tool';
import { refuseReplacing, restoreWithoutRename } from '../database/restore-plan';
import type { MongoAdmin } from './admin';
import type { MongodbSourceInfo } from './source-info';
import { mongoToolSpec, type MongoConnection } from './tools';

type Check = Pick<DatabaseRestoreRequest, 'database' | 'overwrite' | 'schemas' | 'tables'>;

/** mongorestore's arguments: the archive's namespaces renamed to the target database, chosen ones only. */
export function mongorestoreArgs(
  source: string,
  target: string,
  collections: readonly string[],
  drop: boolean,
): string[] {
  return [
    '--archive',
    `--nsFrom=${source}.*`,
    `--nsTo=${target}.*`,
    ...(collections.length
      ? collections.map((c) => `--nsInclude=${source}.${c}`)
      : [`--nsInclude=${source}.*`]),
    ...(drop ? ['--drop'] : []),
    '--stopOnError',
  ];
}

/** The same rules as the other engines: nothing existing is replaced unless asked. */
export async function checkMongoRestore(
  admin: MongoAdmin,
  conn: MongoConnection,
  request: Check,
): Promise<{ exists: boolean }> {
  return refuseReplacing(request, conn, {
    engine: 'MongoDB',
    object: 'collection',
    databaseExists: () => admin.databaseExists(request.database),
    present: async (collections) =>
      (await admin.collections(request.database)).filter((c) => collections.includes(c)),
  });
}

/**
 * mongorestore --archive from the repository stream. As for MySQL: a new database is dropped
 * again if the restore fails, and --overwrite of a database first restores under a staging
 * name (MongoDB cannot rename a database), then replaces the old one.
 */
export async function restoreMongodb(
  admin: MongoAdmin,
  conn: MongoConnection,
  credential: ResolvedCredential,
  source: MongodbSourceInfo,
  request: DatabaseRestoreRequest,
  feed: (sink: ByteSink) => Promise<void>,
): Promise<RestoredDatabase> {
  const { exists } = await checkMongoRestore(admin, conn, request);
  const restoreInto = async (database: string, drop: boolean) => {
    const spec = mongoToolSpec(
      'mongorestore',
      mongorestoreArgs(source.database, database, request.tables, drop),
      conn,
      credential,
    );
    try {
      const tool = new ToolProcess(spec, { stdin: true, stdout: false });
      await feed(tool.stdinSink());
      await tool.exited;
    } finally {
      spec.cleanup();
    }
  };
  return restoreWithoutRename(request, exists, {
    drop: (database) => admin.dropDatabase(database).catch(() => undefined),
    restoreInto: (database, intoExisting) => restoreInto(database, intoExisting && request.overwrite),
  });
}
