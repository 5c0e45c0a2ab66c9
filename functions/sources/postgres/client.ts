import * as fs from 'node:fs';
import { getPassword } from 'pgpass/lib/helper';
import { Client, type ClientConfig } from 'pg';
import { DatabaseError } from '../../core/errors';
import type { DatabaseConnection } from '../../core/model/target';
import type { ResolvedCredential } from '../database/credentials';

/** host:port as an operator would type it. */
export function serverName(conn: Pick<DatabaseConnection, 'host' | 'port'>): string {
  return conn.host.includes(':') ? `[${conn.host}]:${conn.port}` : `${conn.host}:${conn.port}`;
}

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

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** A connection failure as an operator reads it: which server, what happened, what to check. */
export function describePgError(error: unknown, conn: DatabaseConnection, database: string): Error {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const server = serverName(conn);
  if (code === '28P01' || code === '28000')
    return new DatabaseError(
      'DB_AUTH',
      `PostgreSQL at ${server} refused user "${conn.user}": ${message}.`,
      "Check the password the target references (--password-env, --password-file or --password-secret) and the server's pg_hba.conf.",
      { cause: error },
    );
  if (code === '3D000')
    return new DatabaseError(
      'DB_NOT_FOUND',
      `Database "${database}" does not exist on ${server}.`,
      'Check the database name in the target (`lifeboat target show NAME`), or create the database.',
      { cause: error },
    );
  if (typeof code === 'string' && UNREACHABLE.has(code))
    return new DatabaseError(
      'DB_UNREACHABLE',
      `Cannot reach PostgreSQL at ${server} (${code}).`,
      'Check the host and port, that the server is running and that this machine may connect to it (firewall, security group).',
      { cause: error },
    );
  return new DatabaseError(
    'DB_ERROR',
    `PostgreSQL at ${server} failed: ${message}.`,
    'Check the server log for details.',
    { cause: error },
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
    const client = new Client({
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
    try {
      return await open(true);
    } catch (error) {
      const noTls = error instanceof Error && /does not support SSL/i.test(error.message);
      if (conn.tls.mode === 'prefer' && noTls) return await open(false);
      throw error;
    }
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
  const client = await connectPostgres(conn, database, credential);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
