import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MongodbTargetConfig } from '../../core/model/target';
import type { ResolvedCredential } from '../database/credentials';
import { captureTool, type ToolSpec } from '../database/tool';

export type MongoToolName = 'mongodump' | 'mongorestore';

/** LIFEBOAT_MONGO_BIN, else PATH. */
export function mongoToolPath(name: MongoToolName, env: NodeJS.ProcessEnv = process.env): string {
  return env.LIFEBOAT_MONGO_BIN ? path.join(env.LIFEBOAT_MONGO_BIN, name) : name;
}

const MISSING_HINT =
  'Install the MongoDB Database Tools (mongodump, mongorestore 100.x), or point LIFEBOAT_MONGO_BIN at their directory.';

/** Where the server is and who connects; the password goes into a --config file, never argv. */
export type MongoConnection = Pick<MongodbTargetConfig, 'host' | 'port' | 'user' | 'tls' | 'auth_database'>;

function tlsArgs(conn: MongoConnection): string[] {
  const { mode, ca_file } = conn.tls;
  const ca = ca_file ? [`--tlsCAFile=${ca_file}`] : [];
  switch (mode) {
    case 'disable':
    case 'prefer':
      // The tools have no "try TLS, else plain": prefer connects as the server is set up to be reached.
      return [];
    case 'require':
      return ['--tls', '--tlsInsecure'];
    case 'verify-ca':
      return ['--tls', ...ca, '--tlsAllowInvalidHostnames'];
    case 'verify-full':
      return ['--tls', ...ca];
  }
}

export function mongoHint(stderr: string): string | undefined {
  if (/Authentication failed|auth error/i.test(stderr))
    return 'Check the password the target references (--password-env, --password-file or --password-secret) and the authentication database.';
  if (/server selection error|connection refused|no reachable servers/i.test(stderr))
    return 'Check the host and port, and that the server is running and reachable from here.';
  return undefined;
}

/**
 * A Mongo tool against one server. A password value is written to a private --config file
 * (mode 0600, removed by `cleanup`); a password file reference is such a file already.
 */
export function mongoToolSpec(
  name: MongoToolName,
  args: readonly string[],
  conn: MongoConnection,
  credential: ResolvedCredential,
): ToolSpec & { cleanup(): void } {
  let config = credential.file;
  let dir: string | undefined;
  if (credential.password !== undefined) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-mongo-'));
    config = path.join(dir, 'config.yaml');
    fs.writeFileSync(config, `password: ${JSON.stringify(credential.password)}\n`, { mode: 0o600 });
  }
  return {
    name,
    command: mongoToolPath(name),
    args: [
      `--host=${conn.host}`,
      `--port=${conn.port}`,
      ...(config
        ? [`--username=${conn.user}`, `--authenticationDatabase=${conn.auth_database}`, `--config=${config}`]
        : []),
      ...tlsArgs(conn),
      ...args,
    ],
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    missingHint: MISSING_HINT,
    secrets: credential.password ? [credential.password] : [],
    hintFor: mongoHint,
    cleanup: () => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function mongoToolVersion(name: MongoToolName): Promise<{ name: string; version: string }> {
  const out = await captureTool({
    name,
    command: mongoToolPath(name),
    args: ['--version'],
    env: { PATH: process.env.PATH },
    missingHint: MISSING_HINT,
  });
  return { name, version: (out.split('\n')[0] ?? '').replace(/^\S+\s+version:\s*/, '').trim() };
}
