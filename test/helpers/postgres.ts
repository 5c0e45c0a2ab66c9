// A throwaway PostgreSQL cluster for the tests: the real server from Debian's postgresql package,
// started in a temp directory on a free localhost port with password authentication.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../bench/postgres';

export { freePort };

export const PG_ADMIN = 'lifeboat_admin';

function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const version = fs
    .readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return version ? path.join(root, version, 'bin') : undefined;
}

/** PostgreSQL refuses to run as root: as root, the server tools run as the postgres account. */
const AS_SERVER = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];

/** Runs a server tool (initdb, pg_ctl) as the server's account; returns its status and output. */
export function runServerTool(tool: string, args: string[]): SpawnSyncReturns<string> {
  const [cmd, ...rest] = [...AS_SERVER, path.join(pgBin()!, tool), ...args];
  return spawnSync(cmd!, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Why the cluster cannot start here, or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  if (!pgBin()) return 'PostgreSQL server binaries are not installed (apt-get install postgresql)';
  return undefined;
}

export interface PgClusterOptions {
  /** Extra postgresql.conf lines (archive settings for PITR tests). */
  settings?: string[];
}

export class PgCluster {
  readonly host = '127.0.0.1';
  readonly user = PG_ADMIN;
  readonly password = `pw-${Math.random().toString(36).slice(2)}`;
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get data(): string {
    return path.join(this.dir, 'data');
  }

  static async start(options: PgClusterOptions = {}): Promise<PgCluster> {
    const bin = pgBin();
    if (!bin) throw new Error(postgresUnavailable());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-pg-'));
    if (AS_SERVER.length) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    const cluster = new PgCluster(dir, await freePort(), bin);
    const pwfile = path.join(dir, 'pw');
    fs.writeFileSync(pwfile, cluster.password, { mode: 0o600 });
    if (AS_SERVER.length) execFileSync('chown', ['postgres:postgres', pwfile]);
    cluster.server('initdb', [
      '-D',
      cluster.data,
      '-U',
      PG_ADMIN,
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
    fs.appendFileSync(
      path.join(cluster.data, 'postgresql.conf'),
      [
        '',
        `port = ${cluster.port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        ...(options.settings ?? []),
        '',
      ].join('\n'),
    );
    cluster.server('pg_ctl', [
      '-D',
      cluster.data,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
    return cluster;
  }

  private server(tool: string, args: string[]): void {
    const run = runServerTool(tool, args);
    if (run.status !== 0) throw new Error(`${tool} failed (${run.status ?? run.signal}): ${run.stderr}`);
  }

  async stop(): Promise<void> {
    runServerTool('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  url(database: string): string {
    return `postgresql://${this.user}@${this.host}:${this.port}/${database}`;
  }

  async query<T extends object = Record<string, unknown>>(
    database: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({
      host: this.host,
      port: this.port,
      user: this.user,
      password: this.password,
      database,
    });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async createDatabase(name: string): Promise<void> {
    await this.query('postgres', `CREATE DATABASE "${name}"`);
  }

  async databases(): Promise<string[]> {
    const rows = await this.query<{ datname: string }>(
      'postgres',
      'SELECT datname FROM pg_database ORDER BY 1',
    );
    return rows.map((r) => r.datname);
  }

  /**
   * A plain-format dump for comparing databases. pg_dump 15.14 and later write a random
   * `\restrict KEY` / `\unrestrict KEY` pair into plain dumps: those lines are dropped.
   */
  plainDump(database: string): string {
    const out = execFileSync(path.join(this.bin, 'pg_dump'), ['--format=plain', '--no-password'], {
      env: {
        ...process.env,
        PGHOST: this.host,
        PGPORT: String(this.port),
        PGUSER: this.user,
        PGPASSWORD: this.password,
        PGDATABASE: database,
      },
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    });
    return out
      .split('\n')
      .filter((line) => !/^\\(un)?restrict /.test(line))
      .join('\n');
  }
}
