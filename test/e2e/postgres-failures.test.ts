// How PostgreSQL backups fail, against a real server: each failure is a clear message naming the
// server and the next step, the backup is recorded failed, and no snapshot is committed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, PgCluster, postgresUnavailable } from '../helpers/postgres';
import { runCli, TempHome, type RunResult } from '../helpers/cli';

const unavailable = postgresUnavailable();
const describePg = unavailable ? describe.skip : describe;
if (unavailable) console.warn(`PostgreSQL failure tests skipped: ${unavailable}`);

let pg: PgCluster;
let home: TempHome;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  if (unavailable) return;
  pg = await PgCluster.start();
  await pg.createDatabase('app');
  // Enough rows that the dump is several MiB, so a tool can die in the middle of it.
  await pg.query(
    'app',
    `CREATE TABLE t (id int PRIMARY KEY, v text);
     INSERT INTO t SELECT i, md5(i::text) || repeat('v', 200) FROM generate_series(1, 40000) i;`,
  );
  home = new TempHome('lifeboat-pg-fail-');
  env = { ...home.env, GOOD_PW: pg.password, WRONG_PW: 'not-the-password' };
}, 120_000);

afterAll(async () => {
  if (unavailable) return;
  await pg?.stop();
  home?.cleanup();
});

async function addTarget(name: string, url: string, passwordEnv = 'GOOD_PW'): Promise<void> {
  const r = await runCli(
    ['target', 'add', name, '--type', 'postgres', '--url', url, '--password-env', passwordEnv],
    {
      env,
    },
  );
  expect(r.stderr).toMatch(/added/);
}

async function snapshotCount(): Promise<number> {
  const r = await runCli(['snapshots', '--json'], { env });
  return r.code === 0 ? (JSON.parse(r.stdout.toString()) as unknown[]).length : 0;
}

/** Backs the target up, expecting a failure; returns the CLI's result and the recorded backup. */
async function failingBackup(
  target: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ run: RunResult; record: { status: string; error_message: string } }> {
  const before = await snapshotCount();
  const run = await runCli(['backup', '--target', target], { env: { ...env, ...extraEnv } });
  expect(run.code).not.toBe(0);
  expect(await snapshotCount()).toBe(before);
  const listed = await runCli(['backups', '--target', target, '--json'], { env });
  const record = (
    JSON.parse(listed.stdout.toString()) as { items: { status: string; error_message: string }[] }
  ).items[0]!;
  expect(record.status).toBe('failed');
  return { run, record };
}

describePg('PostgreSQL backup failures', () => {
  it('a wrong password: refused, named, recorded', async () => {
    await addTarget('wrong_pw', pg.url('app'), 'WRONG_PW');
    const { run, record } = await failingBackup('wrong_pw');
    expect(run.stderr).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+ refused user "lifeboat_admin"/);
    expect(run.stderr).toMatch(/Check the password the target references/);
    expect(record.error_message).toMatch(/refused user/);
    expect(run.stderr + record.error_message).not.toContain('not-the-password');
  });

  it('a password variable that is not set', async () => {
    await addTarget('unset_pw', pg.url('app'), 'NOT_SET_ANYWHERE');
    const { run } = await failingBackup('unset_pw');
    expect(run.stderr).toMatch(
      /The variable NOT_SET_ANYWHERE, which the target names for its password, is not set/,
    );
  });

  it('an unreachable server', async () => {
    const port = await freePort();
    await addTarget('nowhere', `postgresql://${pg.user}@127.0.0.1:${port}/app`);
    const { run } = await failingBackup('nowhere');
    expect(run.stderr).toMatch(
      new RegExp(`Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
    );
  });

  it('a database that does not exist', async () => {
    await addTarget('missing_db', pg.url('nope'));
    const { run } = await failingBackup('missing_db');
    expect(run.stderr).toMatch(/Database "nope" does not exist on 127\.0\.0\.1:\d+/);
  });

  it('pg_dump not installed', async () => {
    await addTarget('no_tool', pg.url('app'));
    const { run } = await failingBackup('no_tool', { LIFEBOAT_PG_BIN: '/nonexistent/bin' });
    expect(run.stderr).toMatch(/pg_dump is not installed/);
    expect(run.stderr).toMatch(/LIFEBOAT_PG_BIN/);
  });

  it('pg_dump dying in the middle of the dump: failed, and nothing half-made is committed', async () => {
    // A stand-in pg_dump: the real one, cut off after 2 MB and killed (the process dying mid-stream).
    const bin = fs.mkdtempSync(path.join(home.dir, 'bin-'));
    const realDump = fs
      .readdirSync('/usr/lib/postgresql')
      .map((v) => path.join('/usr/lib/postgresql', v, 'bin', 'pg_dump'))
      .find((p) => fs.existsSync(p))!;
    fs.writeFileSync(
      path.join(bin, 'pg_dump'),
      `#!/bin/sh\nif [ "$1" = "--version" ]; then exec "${realDump}" --version; fi\n` +
        `"${realDump}" "$@" | head -c 2000000\necho "pg_dump: error: connection lost" >&2\nkill -KILL $$\n`,
      { mode: 0o755 },
    );
    await addTarget('dies', pg.url('app'));
    const { run, record } = await failingBackup('dies', { LIFEBOAT_PG_BIN: bin });
    expect(run.stderr).toMatch(/pg_dump was killed by SIGKILL: pg_dump: error: connection lost/);
    expect(record.error_message).toMatch(/killed by SIGKILL/);
    // The same target backs up fine with the real tool afterwards.
    const ok = await runCli(['backup', '--target', 'dies', '--json'], { env });
    expect(ok.code).toBe(0);
  });
});
