import { configOf, type DatabaseStrategy } from '../database/strategy';
import { quoteIdent, withPostgres } from './client';
import { dumpPostgres } from './dump';
import { basebackupPostgres } from './physical/basebackup';
import { checkPostgresRestore, restorePostgres } from './restore';
import { PostgresSourceInfoSchema } from './source-info';
import { tableStats } from './stats';
import { pgToolVersion } from './tools';

/** PostgreSQL logical backups: pg_dump custom format in, pg_restore out. */
export const postgresStrategy: DatabaseStrategy = {
  kind: 'postgres',

  async probe(target, credential) {
    const config = configOf('postgres', target);
    const tool = { name: 'pg_dump', version: await pgToolVersion('pg_dump') };
    return withPostgres(config, config.database, credential, async (client) => {
      const result = await client.query<{ version: string; size: string }>(
        `SELECT current_setting('server_version') AS version, pg_database_size(current_database())::text AS size`,
      );
      const row = result.rows[0]!;
      return { server_version: row.version, database: config.database, size_bytes: Number(row.size), tool };
    });
  },

  dump: (target, credential, name) => {
    const config = configOf('postgres', target);
    return config.mode === 'physical'
      ? basebackupPostgres(config, name, credential)
      : dumpPostgres(config, credential);
  },

  sourceInfo: (raw) => PostgresSourceInfoSchema.parse(raw),

  async checkRestore(conn, credential, request) {
    await checkPostgresRestore(conn, credential, request);
  },

  restore: (conn, credential, info, request, feed) =>
    restorePostgres(conn, credential, PostgresSourceInfoSchema.parse(info), request, feed),

  tableStats: (conn, credential, database, selection) =>
    withPostgres(conn, database, credential, (client) => tableStats(client, selection)),

  async dropDatabase(conn, credential, database) {
    await withPostgres(conn, 'postgres', credential, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`),
    );
  },
};
