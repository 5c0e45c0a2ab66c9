import { DatabaseError } from '../../core/errors';
import type { DatabaseConnection } from '../../core/model/target';

/** host:port as an operator would type it. */
export function serverName(conn: Pick<DatabaseConnection, 'host' | 'port'>): string {
  return conn.host.includes(':') ? `[${conn.host}]:${conn.port}` : `${conn.host}:${conn.port}`;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** What went wrong with a connection, as each engine's driver codes are classified. */
export type ConnectionFailure = 'auth' | 'not-found' | 'other';

/**
 * A connection failure as an operator reads it, the same for every engine: which server, what
 * happened, what to check next. Network codes (refused, unknown host) are recognised here.
 */
export function connectionError(
  engine: string,
  failure: ConnectionFailure,
  error: unknown,
  conn: DatabaseConnection,
  database: string | undefined,
  authHint: string,
): DatabaseError {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const server = serverName(conn);
  if (failure === 'auth')
    return new DatabaseError(
      'DB_AUTH',
      `${engine} at ${server} refused user "${conn.user}": ${message}.`,
      authHint,
      {
        cause: error,
      },
    );
  if (failure === 'not-found')
    return new DatabaseError(
      'DB_NOT_FOUND',
      `Database "${database}" does not exist on ${server}.`,
      'Check the database name in the target (`lifeboat target show NAME`), or create the database.',
      { cause: error },
    );
  if (typeof code === 'string' && UNREACHABLE.has(code))
    return new DatabaseError(
      'DB_UNREACHABLE',
      `Cannot reach ${engine} at ${server} (${code}).`,
      'Check the host and port, that the server is running and that this machine may connect to it (firewall, security group).',
      { cause: error },
    );
  return new DatabaseError(
    'DB_ERROR',
    `${engine} at ${server} failed: ${message}.`,
    'Check the server log for details.',
    {
      cause: error,
    },
  );
}

/**
 * Opens a connection the way libpq's sslmode=prefer does: with TLS first, and without it only
 * when the server says it has none (and the mode allows that).
 */
export async function openPreferringTls<T>(
  conn: DatabaseConnection,
  open: (withTls: boolean) => Promise<T>,
  serverHasNoTls: (error: unknown) => boolean,
): Promise<T> {
  try {
    return await open(true);
  } catch (error) {
    if (conn.tls.mode === 'prefer' && serverHasNoTls(error)) return open(false);
    throw error;
  }
}

/** Runs `fn` with a connection that `open` makes, and always ends it (an error ending it is moot). */
export async function withConnection<C extends { end(): Promise<unknown> }, T>(
  open: () => Promise<C>,
  fn: (connection: C) => Promise<T>,
): Promise<T> {
  const connection = await open();
  try {
    return await fn(connection);
  } finally {
    await connection.end().catch(() => undefined);
  }
}
