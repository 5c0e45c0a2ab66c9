// `lifeboat serve` killed (SIGKILL) during a scheduled backup: no snapshot is committed, the job
// is marked failed at the next start, and the next scheduled run succeeds. Real processes, real
// cron minutes: this test waits for minute boundaries (up to about two minutes).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, NODE, runCli, TempHome } from '../helpers/cli';
import { randomData } from '../helpers/data';

jest.setTimeout(300_000);

interface BackupRow {
  id: string;
  status: string;
  error_message: string | null;
  scheduled_at: string | null;
}

function serve(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(NODE, [CLI, 'serve', '--tick', '1', '--port', '0'], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

it('a killed serve leaves no half snapshot; the job is failed at restart; the next run succeeds', async () => {
  const home = new TempHome();
  const cli = (...args: string[]) => runCli(args, { env: home.env });
  const backups = async () =>
    (JSON.parse((await cli('backups', '--json')).stdout.toString()) as { items: BackupRow[] }).items;
  try {
    const data = path.join(home.dir, 'data');
    fs.mkdirSync(data);
    // Big enough that a backup takes a few seconds: there is time to kill it mid-way.
    for (let i = 0; i < 6; i++)
      fs.writeFileSync(path.join(data, `f${i}.bin`), randomData(64 * 1024 * 1024, `serve-${i}`));
    expect((await cli('target', 'add', 'data', '--type', 'filesystem', '--path', data)).code).toBe(0);
    expect(
      (await cli('schedule', 'add', 'every-minute', '--target', 'data', '--cron', '* * * * *')).code,
    ).toBe(0);

    const first = serve(home.env);
    // Killed mid-backup: the job runs and its repository exists (a job killed before its run had
    // made the repository leaves none, and `snapshots` says there is no repository).
    const running = await until(
      'the scheduled backup to run in its repository',
      async () => {
        const job = (await backups()).find((b) => b.status === 'running');
        return job && (await cli('snapshots', '--json')).code === 0 ? job : undefined;
      },
      90_000,
    );
    first.child.kill('SIGKILL');
    await stopped(first.child);
    expect(JSON.parse((await cli('snapshots', '--json')).stdout.toString())).toEqual([]);

    const second = serve(home.env);
    try {
      const failed = await until(
        'the interrupted job to be marked failed',
        async () => (await backups()).find((b) => b.id === running.id && b.status === 'failed'),
        30_000,
      );
      expect(failed.error_message).toMatch(/Interrupted/);
      const completed = await until(
        'the next scheduled run to complete',
        async () => (await backups()).find((b) => b.status === 'completed'),
        150_000,
      );
      expect(completed.scheduled_at! > running.scheduled_at!).toBe(true);
      const snapshots = JSON.parse((await cli('snapshots', '--json')).stdout.toString()) as { id: string }[];
      expect(snapshots.map((s) => s.id)).toEqual([completed.id]);
      // The schedule verifies its backups: the completed one is verified after it, in the background.
      const verification = await until(
        'the verification of the completed backup',
        async () =>
          (
            JSON.parse(
              (await cli('verifications', '--backup', completed.id, '--json')).stdout.toString(),
            ) as {
              items: { status: string }[];
            }
          ).items.find((v) => v.status !== 'running'),
        30_000,
      );
      expect(verification.status).toBe('passed');
    } finally {
      second.child.kill('SIGTERM');
      await stopped(second.child);
    }
    expect(second.output()).toMatch(/interrupted by a stop; marked failed/);
  } finally {
    home.cleanup();
  }
});

it('serve prints the admin UI address: signed in with the token the first time, without it after', async () => {
  const home = new TempHome();
  try {
    const first = serve(home.env);
    let signedIn: string;
    try {
      signedIn = await until(
        'the signed-in UI address',
        async () => /Admin UI, signed in: (\S+)/.exec(first.output())?.[1],
        30_000,
      );
    } finally {
      first.child.kill('SIGTERM');
      await stopped(first.child);
    }
    const token = fs.readFileSync(path.join(home.dir, 'api-token'), 'utf8').trim();
    expect(signedIn).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ui\/#token=/);
    expect(signedIn.endsWith(`#token=${token}`)).toBe(true);

    const second = serve(home.env);
    try {
      const address = await until(
        'the UI address',
        async () => /Admin UI: (\S+) \(sign in with the token in (\S+)\)/.exec(second.output()) ?? undefined,
        30_000,
      );
      expect(address[2]).toBe(path.join(home.dir, 'api-token'));
      // The page is there, and the token is not printed again.
      const page = await fetch(address[1]!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Lifeboat</title>');
      expect(second.output()).not.toContain(token);
    } finally {
      second.child.kill('SIGTERM');
      await stopped(second.child);
    }
  } finally {
    home.cleanup();
  }
});
