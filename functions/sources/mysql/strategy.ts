import type { RowDataPacket } from 'mysql2/promise';
import { configOf, type DatabaseStrategy } from '../database/strategy';
import { quoteIdent, withMysql } from './client';
import { dumpMysql } from './dump';
import { checkMysqlRestore, restoreMysql } from './restore';
import { MysqlSourceInfoSchema } from './source-info';
import { mysqlTableStats } from './stats';
import { mysqlToolVersion } from './tools';

/** MySQL and MariaDB: mysqldump/mariadb-dump SQL in, the mysql/mariadb client out. */
export const mysqlStrategy: DatabaseStrategy = {
  kind: 'mysql',

  async probe(target, credential) {
    const config = configOf('mysql', target);
    const tool = await mysqlToolVersion('dump');
    return withMysql(config, config.database, credential, async (client) => {
      const [rows] = await client.query<RowDataPacket[]>(
        `SELECT VERSION() AS version, CAST(COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS CHAR) AS size
           FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
        [config.database],
      );
      return {
        server_version: String(rows[0]!.version),
        database: config.database,
        size_bytes: Number(rows[0]!.size),
        tool,
      };
    });
  },

  dump: (target, credential) => dumpMysql(configOf('mysql', target), credential),

  sourceInfo: (raw) => MysqlSourceInfoSchema.parse(raw),

  async checkRestore(conn, credential, request) {
    await checkMysqlRestore(conn, credential, request);
  },

  restore: (conn, credential, info, request, feed) =>
    restoreMysql(conn, credential, MysqlSourceInfoSchema.parse(info), request, feed),

  tableStats: (conn, credential, database, selection) =>
    withMysql(conn, database, credential, (client) => mysqlTableStats(client, database, selection)),

  async dropDatabase(conn, credential, database) {
    await withMysql(conn, undefined, credential, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`),
    );
  },
};
