// A throwaway MariaDB server for the tests: Debian's mariadb-server, started in a temp directory
// on a free localhost port, with a password user for Lifeboat.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { which as findProgram } from '../bench/exec';
import { freePort } from './postgres';

export const MARIADB_ADMIN = 'lifeboat_admin';

/** mariadbd lives in /usr/sbin, which is not on every PATH. */
const which = (name: string): string | undefined => findProgram(name, ['/usr/sbin', '/usr/bin']);

/** Why the server cannot start here, or undefined when it can. */
export function mariadbUnavailable(): string | undefined {
  if (!which('mariadbd') || !which('mariadb-install-db'))
    return 'MariaDB server binaries are not installed (apt-get install mariadb-server)';
  return undefined;
}

export class MariaDbServer {
  readonly host = '127.0.0.1';
  readonly user = MARIADB_ADMIN;
  readonly password = `pw-${Math.random().toString(36).slice(2)}`;
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<MariaDbServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-maria-'));
    const data = path.join(dir, 'data');
    const socket = path.join(dir, 'sock');
    const user = process.getuid?.() === 0 ? ['--user=root'] : [];
    execFileSync(
      which('mariadb-install-db')!,
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        ...user,
      ],
      { stdio: 'ignore' },
    );
    const port = await freePort();
    const child = spawn(
      which('mariadbd')!,
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${socket}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--pid-file=${path.join(dir, 'pid')}`,
        `--log-error=${path.join(dir, 'error.log')}`,
        '--innodb-buffer-pool-size=64M',
        '--innodb-flush-log-at-trx-commit=0',
        '--skip-log-bin',
        ...user,
      ],
      { stdio: 'ignore' },
    );
    const server = new MariaDbServer(dir, port, child);
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        const root = await createConnection({ socketPath: socket, user: 'root' });
        await root.query(`CREATE USER '${MARIADB_ADMIN}'@'%' IDENTIFIED BY '${server.password}'`);
        await root.query(`GRANT ALL ON *.* TO '${MARIADB_ADMIN}'@'%' WITH GRANT OPTION`);
        await root.end();
        return server;
      } catch (error) {
        if (Date.now() > until || child.exitCode !== null) {
          const log = fs.existsSync(path.join(dir, 'error.log'))
            ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8')
            : '';
          throw new Error(`MariaDB did not start: ${(error as Error).message}\n${log.slice(-2000)}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000).unref())]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  url(database: string): string {
    return `mysql://${this.user}@${this.host}:${this.port}/${database}`;
  }

  async query<T = Record<string, unknown>>(database: string | undefined, sql: string): Promise<T[]> {
    const conn = await createConnection({
      host: this.host,
      port: this.port,
      user: this.user,
      password: this.password,
      database,
      multipleStatements: true,
    });
    try {
      const [rows] = await conn.query(sql);
      return rows as T[];
    } finally {
      await conn.end();
    }
  }

  async databases(): Promise<string[]> {
    const rows = await this.query<{ Database: string }>(undefined, 'SHOW DATABASES');
    return rows.map((r) => r.Database).sort();
  }

  /** A dump for comparing databases: no comments (they name the database and the date). */
  dump(database: string): string {
    return execFileSync(
      which('mariadb-dump')!,
      [
        '--no-defaults',
        `--host=${this.host}`,
        `--port=${this.port}`,
        `--user=${this.user}`,
        '--skip-comments',
        '--single-transaction',
        '--routines',
        '--triggers',
        '--events',
        '--hex-blob',
        database,
      ],
      { env: { ...process.env, MYSQL_PWD: this.password }, maxBuffer: 1 << 30, encoding: 'utf8' },
    );
  }
}
