import * as fs from 'node:fs';
import { getPassword } from 'pgpass/lib/helper';
import type { Client, ClientConfig } from 'pg';
import type { DatabaseConnection } from '../../core/model/target';
import { connectionError, openPreferringTls, withConnection } from '../database/connection';
import type { ResolvedCredential } from '../database/credentials';
import { drivers } from '../database/drivers';

function passwordFromFile(
  conn: DatabaseConnection,
  database: string,
  file: string,
): Promise<string | undefined> {
  return new Promise((resolve) =>
    getPassword(
      { host: conn.host, port: conn.port, database, user: conn.user },
      fs.createReadStream(file),
      resolve,
    ),
  );
}

/** libpq's sslmode in node-postgres terms ('prefer' is tried with TLS first, see connectPostgres). */
function sslOption(conn: DatabaseConnection, withTls: boolean): ClientConfig['ssl'] {
  const { mode, ca_file } = conn.tls;
  if (mode === 'disable' || !withTls) return false;
  const ca = ca_file ? fs.readFileSync(ca_file, 'utf8') : undefined;
  switch (mode) {
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ca, rejectUnauthorized: true };
  }
}

/** A connection failure as an operator reads it: which server, what happened, what to check. */
export function describePgError(error: unknown, conn: DatabaseConnection, database: string): Error {
  const code = (error as { code?: unknown } | null)?.code;
  const failure = code === '28P01' || code === '28000' ? 'auth' : code === '3D000' ? 'not-found' : 'other';
  return connectionError(
    'PostgreSQL',
    failure,
    error,
    conn,
    database,
    "Check the password the target references (--password-env, --password-file or --password-secret) and the server's pg_hba.conf.",
  );
}

/** Opens a client on `database`, with the credential resolved for this job. */
export async function connectPostgres(
  conn: DatabaseConnection,
  database: string,
  credential: ResolvedCredential,
): Promise<Client> {
  const password =
    credential.password ??
    (credential.file ? await passwordFromFile(conn, database, credential.file) : undefined);
  const open = async (withTls: boolean): Promise<Client> => {
    const client = new (drivers.pg().Client)({
      host: conn.host,
      port: conn.port,
      user: conn.user,
      database,
      password,
      ssl: sslOption(conn, withTls),
      application_name: 'lifeboat',
      connectionTimeoutMillis: 15_000,
    });
    // An error after connect (server restart) surfaces through the query that is running.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  try {
    return await openPreferringTls(
      conn,
      open,
      (error) => error instanceof Error && /does not support SSL/i.test(error.message),
    );
  } catch (error) {
    throw describePgError(error, conn, database);
  }
}

/** Runs fn with a client on `database` and always closes it. */
export async function withPostgres<T>(
  conn: DatabaseConnection,
  database: string,
  credential: ResolvedCredential,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  return withConnection(() => connectPostgres(conn, database, credential), fn);
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
