import * as fs from 'node:fs';
import type { Connection, SslOptions } from 'mysql2/promise';
import type { DatabaseConnection } from '../../core/model/target';
import { connectionError, openPreferringTls, withConnection } from '../database/connection';
import type { ResolvedCredential } from '../database/credentials';
import { drivers } from '../database/drivers';

/**
 * The password in a MySQL option file (`password=` in [client], [mysqldump] or [mysql]), for
 * Lifeboat's own connection; the tools read the file themselves (--defaults-extra-file).
 */
export function optionFilePassword(text: string): string | undefined {
  let group = '';
  let found: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) group = header[1]!.trim().toLowerCase();
    else if (['client', 'mysqldump', 'mysql', 'mariadb-dump', 'mariadb'].includes(group)) {
      const match = /^password\s*=\s*(.*)$/.exec(line);
      if (match) found = match[1]!.replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  return found;
}

function passwordOf(credential: ResolvedCredential): string | undefined {
  if (credential.password !== undefined) return credential.password;
  return credential.file ? optionFilePassword(fs.readFileSync(credential.file, 'utf8')) : undefined;
}

function sslOption(conn: DatabaseConnection, withTls: boolean): SslOptions | undefined {
  const { mode, ca_file } = conn.tls;
  if (mode === 'disable' || !withTls) return undefined;
  const ca = ca_file ? fs.readFileSync(ca_file, 'utf8') : undefined;
  switch (mode) {
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { ca, rejectUnauthorized: true, verifyIdentity: false };
    case 'verify-full':
      return { ca, rejectUnauthorized: true, verifyIdentity: true };
  }
}

/** A MySQL/MariaDB failure as an operator reads it: which server, what happened, what to check. */
export function describeMysqlError(
  error: unknown,
  conn: DatabaseConnection,
  database: string | undefined,
): Error {
  const code = (error as { code?: unknown } | null)?.code;
  const failure =
    code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR'
      ? 'auth'
      : code === 'ER_BAD_DB_ERROR'
        ? 'not-found'
        : 'other';
  return connectionError(
    'MySQL',
    failure,
    error,
    conn,
    database,
    "Check the password the target references (--password-env, --password-file or --password-secret) and the user's grants.",
  );
}

/** Opens a connection (to `database`, or to none for administration). */
export async function connectMysql(
  conn: DatabaseConnection,
  database: string | undefined,
  credential: ResolvedCredential,
): Promise<Connection> {
  const password = passwordOf(credential);
  const open = (withTls: boolean) =>
    drivers.mysql().createConnection({
      host: conn.host,
      port: conn.port,
      user: conn.user,
      password,
      database,
      ssl: sslOption(conn, withTls),
      connectTimeout: 15_000,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      multipleStatements: false,
    });
  try {
    return await openPreferringTls(
      conn,
      open,
      (error) =>
        error instanceof Error &&
        /does not support secure connection|HANDSHAKE_NO_SSL_SUPPORT/i.test(
          `${error.message} ${String((error as { code?: string }).code)}`,
        ),
    );
  } catch (error) {
    throw describeMysqlError(error, conn, database);
  }
}

export async function withMysql<T>(
  conn: DatabaseConnection,
  database: string | undefined,
  credential: ResolvedCredential,
  fn: (client: Connection) => Promise<T>,
): Promise<T> {
  return withConnection(() => connectMysql(conn, database, credential), fn);
}

export function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
