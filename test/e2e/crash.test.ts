import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { backupAndRestore as roundTrip, backupJson, runCli, TempHome, type RunResult } from '../helpers/cli';
import { expectedStreamChecksum, generatedStream, randomData, sha256 } from '../helpers/data';

/**
 * A backup killed with SIGKILL at any moment leaves a valid repository: `check` passes (packs in
 * no index are only warnings), the killed backup is not listed, and the next backup and restore
 * work. Input is paced so that the backup cannot finish before the moment it is killed, however
 * fast the machine.
 */
const MiB = 1024 * 1024;
const SIZE = 400 * MiB;
const RATE = 120 * MiB; // bytes per second: the stream takes at least 3.3 s to arrive
/** Bytes that may sit between the test and the child's read(): the writable buffer, the pipe, one piece. */
const SLACK = 8 * MiB;

interface Snapshot {
  id: string;
  name: string;
  original_size_bytes: number;
}
interface CheckReport {
  ok: boolean;
  problems: { severity: string; object: string; problem: string }[];
  snapshots: number;
}

/** Forwards `source` no faster than `bytesPerSecond`, reporting the bytes forwarded so far. */
function paced(source: Readable, bytesPerSecond: number, onForward: (total: number) => void): Readable {
  const started = Date.now();
  let total = 0;
  let timer: NodeJS.Timeout | undefined;
  const pacer = new Transform({
    transform(piece: Buffer, _encoding, callback) {
      total += piece.length;
      const due = started + (total / bytesPerSecond) * 1000;
      timer = setTimeout(
        () => {
          timer = undefined;
          callback(null, piece);
          onForward(total);
        },
        Math.max(0, due - Date.now()),
      );
    },
    destroy(error, callback) {
      if (timer) clearTimeout(timer);
      source.destroy();
      callback(error);
    },
  });
  return source.pipe(pacer);
}

/** Bytes the process has read through read(2) so far (Linux /proc/PID/io `rchar`), if known. */
function readCharsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

type Moment = { afterMs: number } | { afterInputBytes: number };

describe('SIGKILL during `lifeboat backup --stdin`', () => {
  const home = new TempHome('lifeboat-crash-');
  afterAll(() => home.cleanup());

  async function listSnapshots(): Promise<Snapshot[]> {
    const result = await runCli(['snapshots', '--json'], { env: home.env });
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout.toString()) as Snapshot[];
  }

  async function check(readData = false): Promise<CheckReport> {
    const result = await runCli(['check', '--json', ...(readData ? ['--read-data'] : [])], { env: home.env });
    const report = JSON.parse(result.stdout.toString()) as Partial<CheckReport>;
    if (!report.problems) {
      throw new Error(
        `check did not report (exit ${result.code}): ${result.stdout.toString()} ${result.stderr}`,
      );
    }
    const errors = report.problems.filter((p) => p.severity !== 'warning');
    expect(errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(result.code).toBe(0);
    return report as CheckReport;
  }

  async function backupAndRestore(name: string, data: Buffer): Promise<string> {
    return (await roundTrip(home.env, name, data)).id;
  }

  /** Starts a backup of a paced 400 MiB generated stream and kills it at `moment`. */
  async function killedBackup(
    seed: string,
    moment: Moment,
  ): Promise<{ result: RunResult; forwarded: number; killedAfterMs: number; bytesRead?: number }> {
    let child: ChildProcess | undefined;
    let started = 0;
    let killedAfterMs = -1;
    let bytesRead: number | undefined;
    const kill = () => {
      if (killedAfterMs >= 0 || !child) return;
      killedAfterMs = Date.now() - started;
      bytesRead = readCharsOf(child.pid);
      child.kill('SIGKILL');
    };
    let forwarded = 0;
    const input = paced(generatedStream(SIZE, seed), RATE, (total) => {
      forwarded = total;
      if ('afterInputBytes' in moment && total >= moment.afterInputBytes) kill();
    });
    try {
      const result = await runCli(['backup', '--stdin', '--name', 'crash', '--json'], {
        input,
        env: home.env,
        onSpawn: (spawned) => {
          child = spawned;
          started = Date.now();
          if ('afterMs' in moment) setTimeout(kill, moment.afterMs);
        },
      });
      return { result, forwarded, killedAfterMs, bytesRead };
    } finally {
      input.destroy();
    }
  }

  beforeAll(async () => {
    expect((await runCli(['init'], { env: home.env })).code).toBe(0);
    // A first backup of the name, so that the killed ones are incrementals that load a parent.
    await backupAndRestore('crash', randomData(5 * MiB, 'crash-first'));
  });

  test('a backup whose input arrives in bursts with pauses completes', async () => {
    const pieces = [randomData(300_000, 'burst-1'), randomData(2 * MiB, 'burst-2'), randomData(7, 'burst-3')];
    const input = Readable.from(
      (async function* () {
        for (const piece of pieces) {
          yield piece;
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      })(),
    );
    const result = await runCli(['backup', '--stdin', '--name', 'bursts', '--json'], {
      input,
      env: home.env,
    });
    const backup = backupJson(result);
    expect(backup.checksum_value).toBe(await expectedStreamChecksum(home.env, Buffer.concat(pieces)));
  });

  const moments: [string, Moment][] = [
    ['100 ms after start', { afterMs: 100 }],
    ['400 ms after start', { afterMs: 400 }],
    ['1 s after start', { afterMs: 1000 }],
    ['2 s after start', { afterMs: 2000 }],
    ['after it has read half of the input', { afterInputBytes: SIZE / 2 + SLACK }],
  ];

  test.each(moments)(
    'killed %s: check passes, the backup is not listed, the next backup and restore work',
    async (label, moment) => {
      const before = await listSnapshots();
      const { result, forwarded, killedAfterMs, bytesRead } = await killedBackup(`killed ${label}`, moment);
      // It was killed while running, not finished before the signal.
      if (result.signal !== 'SIGKILL') {
        throw new Error(`the backup was not killed while running: exit ${result.code}, ${result.stderr}`);
      }
      expect(forwarded).toBeLessThan(SIZE);
      if ('afterInputBytes' in moment) {
        expect(forwarded).toBeGreaterThanOrEqual(moment.afterInputBytes);
        // Where the kernel tells (Linux), the process had indeed read at least half the input.
        if (bytesRead !== undefined) expect(bytesRead).toBeGreaterThanOrEqual(SIZE / 2);
      }
      expect(killedAfterMs).toBeGreaterThanOrEqual(0);

      await check();
      expect((await listSnapshots()).map((s) => s.id)).toEqual(before.map((s) => s.id));

      const id = await backupAndRestore('crash', randomData(6 * MiB, `after ${label}`));
      expect((await listSnapshots()).map((s) => s.id)).toEqual([...before.map((s) => s.id), id]);
      // `latest:crash` is the backup that completed, not the killed one.
      const latest = await runCli(['restore', 'latest:crash', '--stdout'], { env: home.env });
      expect(latest.code).toBe(0);
      expect(sha256(latest.stdout)).toBe(sha256(randomData(6 * MiB, `after ${label}`)));
    },
  );

  test('killed as the input ends: the backup is either complete and restorable, or absent', async () => {
    const before = await listSnapshots();
    const { result } = await killedBackup('killed at the end', { afterInputBytes: SIZE });
    await check();
    const after = await listSnapshots();
    if (result.signal === 'SIGKILL') {
      expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
    } else {
      // It finished before the signal landed: then it is listed and whole.
      const backup = backupJson(result);
      expect(after.map((s) => s.id)).toEqual([...before.map((s) => s.id), backup.id]);
      expect(backup.original_size_bytes).toBe(SIZE);
    }
  });

  test('after all the kills, check --read-data passes and every listed backup restores', async () => {
    const report = await check(true);
    const snapshots = await listSnapshots();
    expect(report.snapshots).toBe(snapshots.length);
    // (A 400 MiB backup that completed at the end is covered by --read-data, not collected here.)
    for (const snapshot of snapshots.filter((s) => s.original_size_bytes < 64 * MiB)) {
      const restored = await runCli(['restore', snapshot.id, '--stdout'], { env: home.env });
      expect({ id: snapshot.id, code: restored.code }).toEqual({ id: snapshot.id, code: 0 });
    }
  });
});
