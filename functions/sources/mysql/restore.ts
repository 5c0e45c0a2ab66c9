import type { RowDataPacket } from 'mysql2/promise';
import { ToolFailedError } from '../../core/errors';
import type { DatabaseConnection } from '../../core/model/target';
import type { ByteSink } from '../../core/ports/byte-sink';
import type { ResolvedCredential } from '../database/credentials';
import type { DatabaseRestoreRequest, RestoredDatabase } from '../database/strategy';
import { ToolProcess } from '../database/tool';
import { quoteIdent, withMysql } from './client';
import type { MysqlSourceInfo } from './source-info';
import { refuseReplacing, restoreWithoutRename } from '../database/restore-plan';
import { tableFilterSink } from './table-filter';
import { mysqlToolSpec } from './tools';

type Check = Pick<DatabaseRestoreRequest, 'database' | 'overwrite' | 'schemas' | 'tables'>;

async function databaseExists(
  conn: DatabaseConnection,
  credential: ResolvedCredential,
  database: string,
): Promise<boolean> {
  return withMysql(conn, undefined, credential, async (client) => {
    const [rows] = await client.query<RowDataPacket[]>(
      'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [database],
    );
    return rows.length > 0;
  });
}

/**
 * A full restore never replaces an existing database unless asked; a partial one never
 * replaces an existing table unless asked (mysqldump's sections begin with DROP TABLE).
 */
export async function checkMysqlRestore(
  conn: DatabaseConnection,
  credential: ResolvedCredential,
  request: Check,
): Promise<{ exists: boolean }> {
  return refuseReplacing(request, conn, {
    engine: 'MySQL',
    object: 'table',
    databaseExists: () => databaseExists(conn, credential, request.database),
    present: (tables) =>
      withMysql(conn, request.database, credential, async (client) => {
        const [rows] = await client.query<RowDataPacket[]>(
          'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?)',
          [request.database, tables],
        );
        return rows.map((r) => String(r.name));
      }),
  });
}

/**
 * Restores a mysqldump SQL dump through the mysql client. A new database is dropped again if
 * the restore fails. Replacing a database (--overwrite) first restores the backup under a
 * staging name, so the old one is dropped only once the backup has proved restorable (MySQL
 * cannot rename a database, so the data is then restored a second time under its name).
 * Partial restores filter the dump to the chosen tables; MySQL's DDL is not transactional, so
 * a table that fails half-way is left as far as it got (and reported).
 */
export async function restoreMysql(
  conn: DatabaseConnection,
  credential: ResolvedCredential,
  source: MysqlSourceInfo,
  request: DatabaseRestoreRequest,
  feed: (sink: ByteSink) => Promise<void>,
): Promise<RestoredDatabase> {
  const { exists } = await checkMysqlRestore(conn, credential, request);
  const admin = (sql: string) => withMysql(conn, undefined, credential, (client) => client.query(sql));
  const create = (database: string) =>
    admin(
      `CREATE DATABASE ${quoteIdent(database)} CHARACTER SET ${quoteIdent(source.charset)} COLLATE ${quoteIdent(source.collation)}`,
    );
  const drop = (database: string) =>
    admin(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`).catch(() => undefined);
  const restoreInto = async (database: string) => {
    const tool = new ToolProcess(
      mysqlToolSpec('client', ['--binary-mode', `--database=${database}`], conn, credential),
      { stdin: true, stdout: false },
    );
    const sink = tool.stdinSink();
    await feed(request.tables.length > 0 ? tableFilterSink(sink, request.tables) : sink);
    await tool.exited;
  };
  return restoreWithoutRename(request, exists, {
    create: async (database) => void (await create(database)),
    drop: async (database) => void (await drop(database)),
    restoreInto: async (database, intoExisting) => {
      try {
        await restoreInto(database);
      } catch (error) {
        if (!intoExisting || !(error instanceof ToolFailedError)) throw error;
        throw new ToolFailedError(
          error.tool,
          error.exit,
          error.stderr,
          `MySQL does not roll back table changes: the tables restored before the failure are in "${database}" as far as they got. Fix the cause and restore them again with --overwrite.`,
        );
      }
    },
  });
}
