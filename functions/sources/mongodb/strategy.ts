import type { DatabaseConnection } from '../../core/model/target';
import type { ResolvedCredential } from '../database/credentials';
import { withConnection } from '../database/connection';
import { configOf, type DatabaseStrategy } from '../database/strategy';
import { isSelected } from '../database/table-stats';
import { mongoAdmin, type MongoAdmin } from './admin';
import { dumpMongodb, mongoCollectionStats } from './dump';
import { checkMongoRestore, restoreMongodb } from './restore';
import { MongodbSourceInfoSchema } from './source-info';
import { mongoToolVersion, type MongoConnection } from './tools';

/** A restore connection names no authentication database: the user's is `admin` unless the target says otherwise. */
function mongoConnection(conn: DatabaseConnection): MongoConnection {
  const auth = (conn as { auth_database?: unknown }).auth_database;
  return { ...conn, auth_database: typeof auth === 'string' ? auth : 'admin' };
}

async function withAdmin<T>(
  conn: MongoConnection,
  credential: ResolvedCredential,
  fn: (admin: MongoAdmin) => Promise<T>,
): Promise<T> {
  return withConnection(() => mongoAdmin(conn, credential), fn);
}

/** MongoDB: mongodump --archive in, mongorestore --archive out. */
export const mongodbStrategy: DatabaseStrategy = {
  kind: 'mongodb',

  async probe(target, credential) {
    const config = configOf('mongodb', target);
    const tool = await mongoToolVersion('mongodump');
    return withAdmin(config, credential, async (admin) => ({
      server_version: await admin.serverVersion(),
      database: config.database,
      size_bytes: await admin.databaseSize(config.database),
      tool,
    }));
  },

  dump: (target, credential) => dumpMongodb(configOf('mongodb', target), credential),

  sourceInfo: (raw) => MongodbSourceInfoSchema.parse(raw),

  async checkRestore(conn, credential, request) {
    await withAdmin(mongoConnection(conn), credential, (admin) =>
      checkMongoRestore(admin, mongoConnection(conn), request),
    );
  },

  restore: (conn, credential, info, request, feed) =>
    withAdmin(mongoConnection(conn), credential, (admin) =>
      restoreMongodb(
        admin,
        mongoConnection(conn),
        credential,
        MongodbSourceInfoSchema.parse(info),
        request,
        feed,
      ),
    ),

  async tableStats(conn, credential, database, selection) {
    const stats = await mongoCollectionStats(mongoConnection(conn), credential, database);
    return stats.filter((t) => isSelected(t, selection));
  },

  dropDatabase: (conn, credential, database) =>
    withAdmin(mongoConnection(conn), credential, (admin) => admin.dropDatabase(database)),
};
