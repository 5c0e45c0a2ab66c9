import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatabaseConnection } from '../../core/model/target';
import type { ResolvedCredential } from '../database/credentials';
import { captureTool, type ToolSpec } from '../database/tool';

export type MysqlTool = 'dump' | 'client';

/** MariaDB's names first (Debian ships them; the mysql* names are links), then Oracle MySQL's. */
const NAMES: Record<MysqlTool, string[]> = {
  dump: ['mariadb-dump', 'mysqldump'],
  client: ['mariadb', 'mysql'],
};

/** LIFEBOAT_MYSQL_BIN, else the first of the tool's names found on PATH. */
export function mysqlToolPath(
  tool: MysqlTool,
  env: NodeJS.ProcessEnv = process.env,
): { name: string; command: string } {
  const dirs = env.LIFEBOAT_MYSQL_BIN
    ? [env.LIFEBOAT_MYSQL_BIN]
    : (env.PATH ?? '').split(':').filter(Boolean);
  for (const name of NAMES[tool])
    for (const dir of dirs) {
      const command = path.join(dir, name);
      if (fs.existsSync(command)) return { name, command };
    }
  const name = NAMES[tool][0]!;
  return { name, command: env.LIFEBOAT_MYSQL_BIN ? path.join(env.LIFEBOAT_MYSQL_BIN, name) : name };
}

const MISSING_HINT =
  'Install the MariaDB or MySQL client tools (Debian: apt-get install mariadb-client), or point LIFEBOAT_MYSQL_BIN at their directory.';

/** The client's TLS options: MariaDB's tools and Oracle MySQL's spell them differently. */
function tlsArgs(conn: DatabaseConnection, mariadb: boolean): string[] {
  const { mode, ca_file } = conn.tls;
  const ca = ca_file ? [`--ssl-ca=${ca_file}`] : [];
  if (mariadb) {
    switch (mode) {
      case 'disable':
        return ['--skip-ssl'];
      case 'prefer':
        return [];
      case 'require':
        return ['--ssl'];
      case 'verify-ca':
      case 'verify-full':
        return ['--ssl', ...ca, '--ssl-verify-server-cert'];
    }
  }
  const modes = {
    disable: 'DISABLED',
    prefer: 'PREFERRED',
    require: 'REQUIRED',
    'verify-ca': 'VERIFY_CA',
    'verify-full': 'VERIFY_IDENTITY',
  };
  return [`--ssl-mode=${modes[mode]}`, ...ca];
}

/** The next step for the errors the MySQL tools print most. */
export function mysqlHint(stderr: string): string | undefined {
  if (/Access denied for user/i.test(stderr))
    return 'Check the password the target references (--password-env, --password-file or --password-secret) and the grants.';
  if (/Unknown database/i.test(stderr))
    return 'Check the database name in the target (`lifeboat target show NAME`).';
  if (/Can't connect|Unknown (MySQL|MariaDB) server host/i.test(stderr))
    return 'Check the host and port, and that the server is running and reachable from here.';
  return undefined;
}

/**
 * A MySQL tool against one server with the job's credential: an option file is named first on
 * the command line (the tools require that), a password value goes into MYSQL_PWD, never argv.
 */
export function mysqlToolSpec(
  tool: MysqlTool,
  args: readonly string[],
  conn: DatabaseConnection,
  credential: ResolvedCredential,
): ToolSpec {
  const { name, command } = mysqlToolPath(tool);
  const mariadb = name.startsWith('mariadb');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  if (credential.password !== undefined) env.MYSQL_PWD = credential.password;
  return {
    name,
    command,
    args: [
      credential.file ? `--defaults-extra-file=${credential.file}` : '--no-defaults',
      `--host=${conn.host}`,
      `--port=${conn.port}`,
      '--protocol=TCP',
      `--user=${conn.user}`,
      // mariadb-dump has no --connect-timeout; the client does.
      ...(tool === 'client' ? ['--connect-timeout=15'] : []),
      ...tlsArgs(conn, mariadb),
      ...args,
    ],
    env,
    missingHint: MISSING_HINT,
    secrets: credential.password ? [credential.password] : [],
    hintFor: mysqlHint,
  };
}

/** "mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, ..." → the line, trimmed. */
export async function mysqlToolVersion(tool: MysqlTool): Promise<{ name: string; version: string }> {
  const { name, command } = mysqlToolPath(tool);
  const out = await captureTool({
    name,
    command,
    args: ['--version'],
    env: { PATH: process.env.PATH },
    missingHint: MISSING_HINT,
  });
  return { name, version: out.trim().replace(/^\S+\s+/, '') };
}
