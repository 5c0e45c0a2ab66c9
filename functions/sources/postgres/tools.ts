import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatabaseConnection } from '../../core/model/target';
import type { ResolvedCredential } from '../database/credentials';
import { captureTool, type ToolSpec } from '../database/tool';

export type PgToolName = 'pg_dump' | 'pg_restore' | 'pg_basebackup' | 'pg_waldump';

/**
 * Where the PostgreSQL client tools are: LIFEBOAT_PG_BIN, else Debian's newest versioned
 * directory (/usr/lib/postgresql/N/bin, which is not on PATH for every tool), else PATH.
 * pg_dump must be at least the server's major version, so the newest is the right default.
 */
export function pgToolPath(name: PgToolName, env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIFEBOAT_PG_BIN) return path.join(env.LIFEBOAT_PG_BIN, name);
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const candidate = path.join(root, version, 'bin', name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return name;
}

const MISSING_HINT =
  "Install the PostgreSQL client tools of the server's major version or newer (Debian: apt-get install postgresql-client), or point LIFEBOAT_PG_BIN at their directory.";

/** libpq's variables for one connection: the password goes into the environment, never argv. */
export function pgEnv(
  conn: DatabaseConnection,
  database: string,
  credential: ResolvedCredential,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PGHOST: conn.host,
    PGPORT: String(conn.port),
    PGUSER: conn.user,
    PGDATABASE: database,
    PGSSLMODE: conn.tls.mode,
    PGAPPNAME: 'lifeboat',
    PGCONNECT_TIMEOUT: '15',
  };
  if (conn.tls.ca_file) env.PGSSLROOTCERT = conn.tls.ca_file;
  if (credential.password !== undefined) env.PGPASSWORD = credential.password;
  if (credential.file) env.PGPASSFILE = credential.file;
  return env;
}

/** The next step for the errors libpq tools print most. */
export function pgHint(stderr: string): string | undefined {
  if (/password authentication failed|no password supplied/i.test(stderr))
    return 'Check the password the target references (--password-env, --password-file or --password-secret).';
  if (/database ".*" does not exist/i.test(stderr))
    return 'Check the database name in the target (`lifeboat target show NAME`).';
  if (/could not connect|connection refused|could not translate host name/i.test(stderr))
    return 'Check the host and port, and that the server is running and reachable from here.';
  if (/server version mismatch|aborting because of server version mismatch/i.test(stderr))
    return "Install pg_dump of the server's major version or newer, or point LIFEBOAT_PG_BIN at it.";
  return undefined;
}

/** A PostgreSQL tool run against one database with the job's credential. */
export function pgToolSpec(
  name: PgToolName,
  args: readonly string[],
  conn: DatabaseConnection,
  database: string,
  credential: ResolvedCredential,
): ToolSpec {
  return {
    name,
    command: pgToolPath(name),
    args,
    env: pgEnv(conn, database, credential),
    missingHint: MISSING_HINT,
    secrets: credential.password ? [credential.password] : [],
    hintFor: pgHint,
  };
}

/** "pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)" → "15.14 (Debian 15.14-0+deb12u1)". */
export async function pgToolVersion(name: PgToolName): Promise<string> {
  const out = await captureTool({
    name,
    command: pgToolPath(name),
    args: ['--version'],
    env: { PATH: process.env.PATH },
    missingHint: MISSING_HINT,
  });
  return out.trim().replace(/^\S+ \(PostgreSQL\) /, '');
}
