import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { backupJson, CLI, NODE, runCli, TempHome } from '../helpers/cli';
import { expectedStreamChecksum, randomData, sha256 } from '../helpers/data';

/**
 * Backup types choose only the parent used for dedup: incremental = latest backup of the name,
 * differential = latest full, full = none. Every snapshot restores on its own.
 */
const MiB = 1024 * 1024;
const SIZE = 200 * MiB;

interface BackupSummary {
  id: string;
  backup_type: string;
  parent_backup_id: string | null;
  original_size_bytes: number;
  final_size_bytes: number;
  chunks_new: number;
  chunks_reused: number;
  bytes_reused: number;
  checksum_value: string;
}

/** 4 regions of 0.5 MiB (1% of the stream) overwritten at spread offsets. */
function changed(base: Buffer, seed: string): Buffer {
  const copy = Buffer.from(base);
  const region = MiB / 2;
  for (const [i, fraction] of [0.1, 0.35, 0.6, 0.85].entries()) {
    randomData(region, `${seed}-${i}`).copy(copy, Math.floor(base.length * fraction) + 4321 * i);
  }
  return copy;
}

/** Restores by streaming and hashing: the 200 MiB result is never collected in memory. */
async function restoredDigest(id: string, env: NodeJS.ProcessEnv): Promise<{ bytes: number; sha: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const stderr: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(NODE, [CLI, 'restore', id, '--stdout'], { env: { PATH: process.env.PATH, ...env } });
    child.stdout.on('data', (d: Buffer) => {
      hash.update(d);
      bytes += d.length;
    });
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`restore ${id} failed (${code}): ${Buffer.concat(stderr).toString()}`);
  return { bytes, sha: hash.digest('hex') };
}

describe('incremental, differential and full backups of a 200 MiB stream', () => {
  const home = new TempHome('lifeboat-incremental-');
  afterAll(() => home.cleanup());

  const original = randomData(SIZE, 'incremental-base');
  const modified = changed(original, 'change-1');
  let full: BackupSummary;
  let incremental: BackupSummary;

  async function backup(name: string, data: Buffer, type?: string): Promise<BackupSummary> {
    const args = ['backup', '--stdin', '--name', name, '--json', ...(type ? ['--type', type] : [])];
    return backupJson(await runCli(args, { input: data, env: home.env })) as unknown as BackupSummary;
  }

  async function expectRestores(backup: BackupSummary, data: Buffer): Promise<void> {
    const restored = await restoredDigest(backup.id, home.env);
    expect(restored.bytes).toBe(data.length);
    expect(restored.sha).toBe(sha256(data));
  }

  test('the first backup (full) stores about the whole stream', async () => {
    full = await backup('db', original, 'full');
    expect(full.backup_type).toBe('full');
    expect(full.parent_backup_id).toBeNull();
    expect(full.original_size_bytes).toBe(SIZE);
    expect(full.chunks_reused).toBe(0);
    expect(full.final_size_bytes).toBeGreaterThan(SIZE);
    expect(full.final_size_bytes).toBeLessThan(SIZE * 1.01);
  });

  test('an incremental of the stream with 1% changed stores a small fraction (under 12%) and names its parent', async () => {
    incremental = await backup('db', modified, 'incremental');
    expect(incremental.backup_type).toBe('incremental');
    expect(incremental.parent_backup_id).toBe(full.id);
    expect(incremental.original_size_bytes).toBe(SIZE);
    expect(incremental.checksum_value).toBe(await expectedStreamChecksum(home.env, modified));
    expect(incremental.chunks_reused).toBeGreaterThan(0);
    expect(incremental.bytes_reused).toBeGreaterThan(SIZE * 0.85);
    // The budget: a small fraction. Each 0.5 MiB overwrite costs the chunks around it before the
    // boundaries line up again: 1-7 MiB with the default 1 MiB average chunks, depending on where
    // the (key-dependent) boundaries fall. Simulated over 30 random keys: 2.6% to 9.8% of the
    // stream, median 4.3%. So: under 12% in every repository, and far under a full copy.
    expect(incremental.final_size_bytes).toBeLessThan(full.final_size_bytes * 0.12);
  });

  test('both restore byte for byte', async () => {
    await expectRestores(full, original);
    await expectRestores(incremental, modified);
  });

  test('a differential takes the latest full as its parent, not the latest incremental', async () => {
    const again = changed(modified, 'change-2');
    const differential = await backup('db', again, 'differential');
    expect(differential.backup_type).toBe('differential');
    expect(differential.parent_backup_id).toBe(full.id);
    // Against the full it differs only in the changed regions (the second change overwrote the same
    // places): most chunks are reused. (The size bound of the incremental test is the tight one.)
    expect(differential.chunks_reused).toBeGreaterThan(0);
    expect(differential.final_size_bytes).toBeLessThan(full.final_size_bytes * 0.2);
    await expectRestores(differential, again);

    // A second differential still goes back to the full; an incremental takes the latest of all.
    const second = await backup('db', again, 'differential');
    expect(second.parent_backup_id).toBe(full.id);
    const next = await backup('db', again, 'incremental');
    expect(next.parent_backup_id).toBe(second.id);
    expect(next.chunks_new).toBeLessThanOrEqual(1); // only its content list can be new
    expect(next.final_size_bytes).toBeLessThan(MiB);

    const list = JSON.parse(
      (await runCli(['snapshots', '--name', 'db', '--json'], { env: home.env })).stdout.toString(),
    ) as {
      id: string;
      backup_type: string;
      parent_backup_id: string | null;
    }[];
    expect(list.map((s) => [s.backup_type, s.parent_backup_id])).toEqual([
      ['full', null],
      ['incremental', full.id],
      ['differential', full.id],
      ['differential', full.id],
      ['incremental', second.id],
    ]);
  });

  test('--type full has no parent and writes an independent copy', async () => {
    const copy = await backup('db', modified, 'full');
    expect(copy.backup_type).toBe('full');
    expect(copy.parent_backup_id).toBeNull();
    expect(copy.chunks_reused).toBe(0);
    expect(copy.final_size_bytes).toBeGreaterThan(SIZE);
    expect(copy.final_size_bytes).toBeLessThan(SIZE * 1.01);
    await expectRestores(copy, modified);
    // A differential now takes this newer full.
    const differential = await backup('db', modified, 'differential');
    expect(differential.parent_backup_id).toBe(copy.id);
  });

  test('CDC: 1000 bytes inserted near the start still reuse almost every chunk', async () => {
    const base = (await runCli(['snapshots', '--name', 'db', '--json'], { env: home.env })).stdout.toString();
    const latest = (JSON.parse(base) as { id: string }[]).at(-1)!;
    const at = 5000;
    const shifted = Buffer.concat([
      modified.subarray(0, at),
      randomData(1000, 'inserted'),
      modified.subarray(at),
    ]);
    const result = await backup('db', shifted, 'incremental');
    expect(result.parent_backup_id).toBe(latest.id);
    expect(result.original_size_bytes).toBe(SIZE + 1000);
    expect(result.chunks_reused).toBeGreaterThan(0);
    expect(result.bytes_reused).toBeGreaterThan(SIZE * 0.95);
    expect(result.final_size_bytes).toBeLessThan(full.final_size_bytes * 0.05);
    await expectRestores(result, shifted);
  });

  test('an incremental with no earlier backup of the name is recorded as full and says so', async () => {
    const data = randomData(3 * MiB, 'fresh');
    const result = await runCli(['backup', '--stdin', '--name', 'fresh', '--json', '--type', 'incremental'], {
      input: data,
      env: home.env,
    });
    const summary = backupJson(result) as unknown as BackupSummary;
    expect(summary.backup_type).toBe('full');
    expect(summary.parent_backup_id).toBeNull();
    expect(result.stderr).toMatch(/No earlier backup of "fresh": this one is a full backup/);
    // Backups of another name are no parent, even though they exist.
    const list = JSON.parse(
      (await runCli(['snapshots', '--name', 'fresh', '--json'], { env: home.env })).stdout.toString(),
    ) as {
      backup_type: string;
    }[];
    expect(list.map((s) => s.backup_type)).toEqual(['full']);
    const restored = await runCli(['restore', summary.id, '--stdout'], { env: home.env });
    expect(restored.code).toBe(0);
    expect(sha256(restored.stdout)).toBe(sha256(data));
  });

  test('a differential with no earlier full of the name is recorded as full and says so', async () => {
    const result = await runCli(
      ['backup', '--stdin', '--name', 'fresh-diff', '--json', '--type', 'differential'],
      {
        input: randomData(100_000, 'fresh-diff'),
        env: home.env,
      },
    );
    const summary = backupJson(result) as unknown as BackupSummary;
    expect(summary.backup_type).toBe('full');
    expect(summary.parent_backup_id).toBeNull();
    expect(result.stderr).toMatch(/No earlier full backup of "fresh-diff": this one is a full backup/);
  });

  test('a requested full says nothing about a missing parent', async () => {
    const result = await runCli(['backup', '--stdin', '--name', 'fresh-full', '--type', 'full'], {
      input: randomData(1000, 'fresh-full'),
      env: home.env,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/No earlier/);
  });

  test('the repository checks clean', async () => {
    const result = await runCli(['check', '--json'], { env: home.env });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout.toString()) as { ok: boolean }).ok).toBe(true);
  });
});
