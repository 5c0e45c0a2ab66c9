// Application targets against a real PostgreSQL 15 and real files: a database and a directory
// backed up as one set between a pre-hook and a post-hook, both changed, then restored together
// in place; a failing pre-hook aborts the set and the post-hook still runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NODE, runCli, type RunResult } from '../helpers/cli';
import { PgCluster, postgresUnavailable } from '../helpers/postgres';

const unavailable = postgresUnavailable();
const describePg = unavailable ? describe.skip : describe;
if (unavailable) console.warn(`Application tests skipped: ${unavailable}`);

let pg: PgCluster;
let dir: string;
let files: string;
let hookLog: string;
let env: NodeJS.ProcessEnv;

function json<T>(result: RunResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.toString('utf8')) as T;
}

/** A hook that appends a word to the hook log (an argument array: no shell). */
function hook(word: string, exitCode = 0): string {
  return JSON.stringify([
    NODE,
    '-e',
    `require('fs').appendFileSync(process.argv[1], '${word}\\n'); process.exit(${exitCode})`,
    hookLog,
  ]);
}

beforeAll(async () => {
  if (unavailable) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-app-'));
  files = path.join(dir, 'uploads');
  hookLog = path.join(dir, 'hooks.log');
  fs.mkdirSync(path.join(files, 'a'), { recursive: true });
  fs.writeFileSync(path.join(files, 'a', 'one.txt'), 'one\n');
  fs.writeFileSync(path.join(files, 'two.bin'), Buffer.alloc(300_000, 7));
  pg = await PgCluster.start();
  await pg.createDatabase('shop');
  await pg.query(
    'shop',
    `CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT i, 'order ' || i FROM generate_series(1, 1000) i;`,
  );
  env = { LIFEBOAT_HOME: path.join(dir, 'home'), SHOP_PW: pg.password };
  for (const args of [
    ['target', 'add', 'shopdb', '--type', 'postgres', '--url', pg.url('shop'), '--password-env', 'SHOP_PW'],
    ['target', 'add', 'uploads', '--type', 'filesystem', '--path', files],
    [
      'target',
      'add',
      'shop',
      '--type',
      'application',
      '--component',
      'shopdb',
      '--component',
      'uploads',
      '--pre-hook',
      hook('pre'),
      '--post-hook',
      hook('post'),
    ],
  ])
    expect((await runCli(args, { env })).code).toBe(0);
}, 120_000);

afterAll(async () => {
  if (unavailable) return;
  await pg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describePg('application targets', () => {
  it('backs up files and a database as one set between its hooks, and restores them together', async () => {
    const backup = json<{
      id: string;
      target_type: string;
      source: { components: { target: string; original_size_bytes: number }[] };
    }>(await runCli(['backup', '--target', 'shop', '--json'], { env }));
    expect(backup.target_type).toBe('application');
    expect(backup.source.components.map((c) => c.target)).toEqual(['shopdb', 'uploads']);
    expect(fs.readFileSync(hookLog, 'utf8')).toBe('pre\npost\n');
    const dumpBefore = pg.plainDump('shop');

    // The application moves on: rows change, files change and appear.
    await pg.query('shop', `DELETE FROM orders WHERE id > 500; UPDATE orders SET note = 'changed'`);
    fs.writeFileSync(path.join(files, 'a', 'one.txt'), 'edited\n');
    fs.writeFileSync(path.join(files, 'new.txt'), 'new\n');

    // Validate only: the plan sizes the restore by the components, not by the set's own record.
    const plan = json<{ steps: { name: string; message: string | null }[] }>(
      await runCli(['restore', backup.id, '--in-place', '--overwrite', '--validate-only', '--json'], { env }),
    );
    const componentBytes = backup.source.components.reduce((sum, c) => sum + c.original_size_bytes, 0);
    expect(componentBytes).toBeGreaterThan(300_000);
    expect(plan.steps.find((s) => s.name === 'Plan restore')?.message).toBe(
      `${componentBytes} bytes to restore at most`,
    );

    // In place without --overwrite: refused, nothing touched.
    const refused = await runCli(['restore', backup.id, '--in-place'], { env });
    expect(refused.code).not.toBe(0);
    expect(fs.readFileSync(path.join(files, 'a', 'one.txt'), 'utf8')).toBe('edited\n');

    const restored = json<{ components: { target: string; restored_to: string }[] }>(
      await runCli(['restore', backup.id, '--in-place', '--overwrite', '--json'], { env }),
    );
    expect(restored.components.map((c) => [c.target, c.restored_to])).toEqual([
      ['shopdb', 'database shop'],
      ['uploads', files],
    ]);
    expect(pg.plainDump('shop')).toEqual(dumpBefore);
    expect(fs.readFileSync(path.join(files, 'a', 'one.txt'), 'utf8')).toBe('one\n');
    expect(fs.readFileSync(path.join(files, 'two.bin')).equals(Buffer.alloc(300_000, 7))).toBe(true);
  });

  it('a failing pre-hook aborts the set cleanly, and the post-hook still runs', async () => {
    fs.writeFileSync(hookLog, '');
    const added = await runCli(
      [
        'target',
        'add',
        'shop2',
        '--type',
        'application',
        '--component',
        'shopdb',
        '--pre-hook',
        hook('pre-fails', 3),
        '--post-hook',
        hook('post'),
      ],
      { env },
    );
    expect(added.code).toBe(0);
    const before = json<unknown[]>(await runCli(['snapshots', '--json'], { env })).length;
    const run = await runCli(['backup', '--target', 'shop2'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/The pre-hook .* failed: .*exited with status 3/);
    expect(run.stderr).toMatch(/Nothing was backed up and the post-hooks ran/);
    expect(fs.readFileSync(hookLog, 'utf8')).toBe('pre-fails\npost\n');
    expect(json<unknown[]>(await runCli(['snapshots', '--json'], { env }))).toHaveLength(before);
    const listed = json<{ items: { status: string }[] }>(
      await runCli(['backups', '--target', 'shop2', '--json'], { env }),
    );
    expect(listed.items.map((b) => b.status)).toEqual(['failed']);
  });

  it('stops a hook that runs past its timeout, and the backup fails saying so', async () => {
    const slow = JSON.stringify([NODE, '-e', 'setTimeout(() => undefined, 30000)']);
    const added = await runCli(
      [
        'target',
        'add',
        'slow',
        '--type',
        'application',
        '--component',
        'uploads',
        '--pre-hook',
        slow,
        '--hook-timeout',
        '1',
      ],
      { env },
    );
    expect(added.code).toBe(0);
    const started = Date.now();
    const run = await runCli(['backup', '--target', 'slow'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/The pre-hook .* did not finish within 1 s and was stopped/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses an application of unknown components or of another application', async () => {
    const unknown = await runCli(['target', 'add', 'bad', '--type', 'application', '--component', 'nope'], {
      env,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/The component "nope" is not a target/);
    const nested = await runCli(['target', 'add', 'bad', '--type', 'application', '--component', 'shop'], {
      env,
    });
    expect(nested.stderr).toMatch(/is itself an application/);
    const shellLine = await runCli(
      [
        'target',
        'add',
        'bad',
        '--type',
        'application',
        '--component',
        'uploads',
        '--pre-hook',
        'systemctl stop app',
      ],
      { env },
    );
    expect(shellLine.stderr).toMatch(/not a JSON array of strings/);
  });
});

// No database here: a file component whose directory holds Lifeboat's own home (the catalog, the
// key file and the repository), as when an application's data directory is also where Lifeboat
// keeps its files. The snapshot holds older files at those paths (backed up before Lifeboat's
// home moved there); an in-place restore must leave the live ones alone, say so, and its check
// must not count them as differences.
describe("application restore in place over Lifeboat's own files", () => {
  it('leaves them alone, reports them, and the check passes', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-app-own-'));
    try {
      const data = path.join(root, 'data');
      const home = path.join(data, 'home');
      fs.mkdirSync(path.join(home, 'repository'), { recursive: true });
      fs.writeFileSync(path.join(home, 'key'), 'an old file named key\n');
      fs.writeFileSync(path.join(home, 'catalog.db'), 'an old file named catalog.db\n');
      fs.writeFileSync(path.join(home, 'repository', 'x'), 'x\n');
      fs.writeFileSync(path.join(data, 'notes.txt'), 'as backed up\n');
      const before = { LIFEBOAT_HOME: path.join(root, 'home-before') };
      for (const args of [
        ['target', 'add', 'files', '--type', 'filesystem', '--path', data],
        ['target', 'add', 'app', '--type', 'application', '--component', 'files'],
        ['backup', '--target', 'app'],
      ])
        expect((await runCli(args, { env: before })).code).toBe(0);
      // Lifeboat's home moves into the application's directory, over the old files.
      fs.rmSync(home, { recursive: true });
      fs.renameSync(before.LIFEBOAT_HOME, home);
      const env = { LIFEBOAT_HOME: home };
      const key = fs.readFileSync(path.join(home, 'key'));
      fs.writeFileSync(path.join(data, 'notes.txt'), 'changed since\n');

      const r = await runCli(['restore', 'latest:app', '--in-place', '--overwrite', '--json'], { env });
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout.toString()) as {
        components: { target: string; skipped?: { path: string; problem: string }[] }[];
      };
      expect(out.components[0]!.skipped).toEqual([
        { path: 'home/catalog.db', problem: "Lifeboat's catalog: left alone" },
        { path: 'home/key', problem: "Lifeboat's key file: left alone" },
        { path: 'home/repository', problem: "Lifeboat's repository: left alone" },
      ]);
      expect(r.stderr.toString()).toContain("skipped: files: home/key: Lifeboat's key file: left alone\n");
      expect(fs.readFileSync(path.join(data, 'notes.txt'), 'utf8')).toBe('as backed up\n');
      expect(fs.readFileSync(path.join(home, 'key')).equals(key)).toBe(true);
      expect(fs.existsSync(path.join(home, 'repository', 'x'))).toBe(false);
      expect((await runCli(['check'], { env })).code).toBe(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
