// PostgreSQL point-in-time recovery against a real PostgreSQL 15: the cluster archives its WAL
// with `lifeboat wal-push` (archive_command), a base backup of a physical target is taken, rows
// are committed at T1, T2 and T3, and the cluster is restored to a time between T2 and T3 into a
// new data directory (`lifeboat restore --target-dir --point-in-time`), started, and queried:
// exactly the rows up to T2 are there. The archive_command and restore_command run the real CLI
// as the server's user.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { CLI, NODE, runCli, type RunResult } from '../helpers/cli';
import { freePort, PgCluster, postgresUnavailable, runServerTool } from '../helpers/postgres';

const unavailable = postgresUnavailable();
const describePg = unavailable ? describe.skip : describe;
if (unavailable) console.warn(`PostgreSQL PITR tests skipped: ${unavailable}`);

/** The server's account: as root the cluster (and so the archive command) runs as postgres. */
const asRoot = process.getuid?.() === 0;
const serverIds = (): { uid?: number; gid?: number } => {
  if (!asRoot) return {};
  const [, , uid, gid] = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'))!
    .split(':');
  return { uid: Number(uid), gid: Number(gid) };
};

/**
 * The archive and restore commands run as the server's account, which must reach this
 * checkout's Node and CLI. A checkout under a private directory (/root, mode 0700) would stop
 * it: the directories on the way get the traverse bit (o+x, never read) for the test's duration.
 */
function letServerReach(files: string[]): () => void {
  const changed = new Map<string, number>();
  for (const file of files)
    for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const mode = fs.statSync(dir).mode & 0o7777;
      if ((mode & 0o001) === 0 && !changed.has(dir)) {
        fs.chmodSync(dir, mode | 0o001);
        changed.set(dir, mode);
      }
    }
  return () => changed.forEach((mode, dir) => fs.chmodSync(dir, mode));
}

let restoreModes = (): void => undefined;
let pg: PgCluster;
let home: string;
let env: NodeJS.ProcessEnv;
const ids = serverIds();

function cli(args: string[]): Promise<RunResult> {
  return runCli(args, { env, ...ids });
}

function json<T>(result: RunResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.toString('utf8')) as T;
}

beforeAll(async () => {
  if (unavailable) return;
  if (asRoot) restoreModes = letServerReach([fs.realpathSync(NODE), fs.realpathSync(CLI)]);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-pitr-'));
  fs.chmodSync(home, 0o755);
  if (ids.uid !== undefined) fs.chownSync(home, ids.uid, ids.gid!);
  env = { LIFEBOAT_HOME: home };
  // archive_command is run by PostgreSQL through its shell: that is PostgreSQL's interface.
  const archive = `LIFEBOAT_HOME='${home}' '${NODE}' '${CLI}' wal-push %p --target app`;
  pg = await PgCluster.start({
    settings: [
      'wal_level = replica',
      'archive_mode = on',
      `archive_command = '${archive.replace(/'/g, "''")}'`,
    ],
  });
  await pg.createDatabase('app');
  await pg.query(
    'app',
    'CREATE TABLE t (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())',
  );
  const added = await cli([
    'target',
    'add',
    'app',
    '--type',
    'postgres',
    '--mode',
    'physical',
    '--url',
    pg.url('app'),
    '--password-env',
    'PG_PW',
    '--json',
  ]);
  expect(added.code).toBe(0);
}, 120_000);

afterAll(async () => {
  if (unavailable) return;
  await pg?.stop();
  fs.rmSync(home, { recursive: true, force: true });
  restoreModes();
});

async function commitAndArchive(id: number): Promise<string> {
  const [row] = await pg.query<{ at: Date }>('app', `INSERT INTO t (id) VALUES (${id}) RETURNING at`);
  await pg.query('app', 'SELECT pg_switch_wal()');
  return row!.at.toISOString();
}

async function waitArchived(): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    const [s] = await pg.query<{ last: string | null; current: string; failed: string | null }>(
      'postgres',
      `SELECT last_archived_wal AS last, pg_walfile_name(pg_current_wal_lsn()) AS current, last_failed_wal AS failed FROM pg_stat_archiver`,
    );
    // Everything before the current segment is archived.
    if (
      s!.last !== null &&
      s!.last >=
        s!.current.slice(0, 8) +
          (parseInt(s!.current.slice(8), 16) - 1).toString(16).toUpperCase().padStart(16, '0')
    )
      return;
    if (Date.now() > until) throw new Error(`WAL archiving stalled: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describePg('PostgreSQL point-in-time recovery', () => {
  it('restores to a time between two commits: exactly the rows committed up to then', async () => {
    env = { ...env, PG_PW: pg.password };
    const base = json<{ id: string; source: { kind: string } }>(
      await cli(['backup', '--target', 'app', '--json']),
    );
    expect(base.source.kind).toBe('postgres-base');
    const t1 = await commitAndArchive(1);
    await new Promise((r) => setTimeout(r, 1100));
    const t2 = await commitAndArchive(2);
    await new Promise((r) => setTimeout(r, 1100));
    const t3 = await commitAndArchive(3);
    await waitArchived();
    expect(t1 < t2 && t2 < t3).toBe(true);
    const between = new Date((Date.parse(t2) + Date.parse(t3)) / 2).toISOString();

    // A time after the archive's last commit is refused, naming the range.
    const late = await cli([
      'restore',
      base.id,
      '--target-dir',
      path.join(home, 'late'),
      '--point-in-time',
      new Date(Date.parse(t3) + 3_600_000).toISOString(),
    ]);
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/No WAL covers .*reaches from .* to /);

    // So is a time before the base backup ended.
    const early = await cli([
      'restore',
      base.id,
      '--target-dir',
      path.join(home, 'early'),
      '--point-in-time',
      new Date(Date.parse(t1) - 3_600_000).toISOString(),
    ]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/No WAL covers/);
    expect(fs.existsSync(path.join(home, 'early'))).toBe(false);

    const dir = path.join(home, 'restored');
    const restored = await cli([
      'restore',
      base.id,
      '--target-dir',
      dir,
      '--point-in-time',
      between,
      '--json',
    ]);
    expect(restored.code).toBe(0);
    const report = JSON.parse(restored.stdout.toString()) as { wal_range: { from: string; to: string } };
    expect(Date.parse(report.wal_range.to)).toBeGreaterThanOrEqual(Date.parse(t3));
    expect(Date.parse(report.wal_range.from)).toBeLessThan(Date.parse(t1));
    expect(fs.existsSync(path.join(dir, 'recovery.signal'))).toBe(true);

    // Start the restored cluster; it fetches WAL with `lifeboat wal-fetch`, stops at the time, promotes.
    const port = await freePort();
    fs.appendFileSync(
      path.join(dir, 'postgresql.auto.conf'),
      `port = ${port}\nunix_socket_directories = '${home}'\narchive_mode = off\n`,
    );
    const start = runServerTool('pg_ctl', [
      '-D',
      dir,
      '-l',
      path.join(home, 'restored.log'),
      '-w',
      '-t',
      '120',
      'start',
    ]);
    try {
      expect({
        status: start.status,
        log: start.status === 0 ? '' : fs.readFileSync(path.join(home, 'restored.log'), 'utf8'),
      }).toEqual({ status: 0, log: '' });
      const client = new Client({
        host: '127.0.0.1',
        port,
        user: pg.user,
        password: pg.password,
        database: 'app',
      });
      await client.connect();
      // Recovery replays to the target time, then promotes (recovery_target_action = 'promote').
      for (let i = 0; i < 300; i++) {
        const { rows } = await client.query<{ recovering: boolean }>(
          'SELECT pg_is_in_recovery() AS recovering',
        );
        if (!rows[0]!.recovering) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const rows = (await client.query<{ id: number }>('SELECT id FROM t ORDER BY id')).rows.map((r) => r.id);
      await client.end();
      expect(rows).toEqual([1, 2]);
    } finally {
      runServerTool('pg_ctl', ['-D', dir, '-m', 'immediate', 'stop']);
    }
  }, 240_000);
});
