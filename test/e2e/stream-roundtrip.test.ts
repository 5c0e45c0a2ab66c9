import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { backupAndRestore, backupJson, CLI, NODE, runCli, TempHome } from '../helpers/cli';
import { expectedStreamChecksum, generatedStream, randomData, sha256 } from '../helpers/data';

const MiB = 1024 * 1024;

describe('stream backup and restore through the CLI', () => {
  const home = new TempHome();
  afterAll(() => home.cleanup());

  const roundTrip = (name: string, data: Buffer) => backupAndRestore(home.env, name, data);

  test('the first backup creates the repository and says where the key is', async () => {
    const result = await runCli(['backup', '--stdin', '--name', 'first'], {
      input: 'hello\n',
      env: home.env,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${home.dir}/key`);
    expect(result.stderr).toMatch(/losing the key loses the backups/);
  });

  test('0 bytes', async () => {
    const backup = await roundTrip('empty', Buffer.alloc(0));
    expect(backup.original_size_bytes).toBe(0);
  });

  test('1 byte', async () => {
    await roundTrip('one-byte', Buffer.from([0xa5]));
  });

  test('exactly one chunk: a stream of exactly the maximum chunk size of zeros', async () => {
    const backup = await roundTrip('one-chunk', Buffer.alloc(4 * MiB));
    expect(backup.chunks_new).toBe(1);
  });

  test('random data (incompressible) over several chunks and packs', async () => {
    const data = randomData(70 * MiB, 'random');
    const backup = await roundTrip('random', data);
    expect(backup.chunks_new as number).toBeGreaterThan(30);
    expect(backup.final_size_bytes as number).toBeGreaterThan(data.length);
    expect(backup.final_size_bytes as number).toBeLessThan(data.length * 1.01);
  });

  test('highly compressible data is stored compressed and deduplicated', async () => {
    const data = Buffer.from('0123456789abcdef\n'.repeat(3 * MiB));
    const backup = await roundTrip('compressible', data);
    expect(backup.final_size_bytes as number).toBeLessThan(data.length / 50);
  });

  test('latest:NAME and unique id prefixes name backups; restore checks the whole-stream SHA-256', async () => {
    const data = randomData(300 * 1024, 'latest');
    const backup = backupJson(
      await runCli(['backup', '--stdin', '--name', 'named', '--json'], { input: data, env: home.env }),
    );
    expect(backup.checksum_value).toBe(await expectedStreamChecksum(home.env, data));
    for (const ref of ['latest:named', backup.id.slice(0, 20)]) {
      const restored = await runCli(['restore', ref, '--stdout'], { env: home.env });
      expect(restored.code).toBe(0);
      expect(sha256(restored.stdout)).toBe(sha256(data));
    }
  });

  test('snapshots lists backups as a table and as JSON', async () => {
    const table = await runCli(['snapshots', '--name', 'random'], { env: home.env });
    expect(table.code).toBe(0);
    expect(table.stdout.toString()).toMatch(/^ID\s+NAME\s+TYPE/);
    expect(table.stdout.toString()).toContain('random');
    const json = await runCli(['snapshots', '--json'], { env: home.env });
    const list = JSON.parse(json.stdout.toString()) as { name: string; backup_type: string }[];
    expect(list.map((s) => s.name)).toEqual(
      expect.arrayContaining(['empty', 'one-byte', 'random', 'compressible']),
    );
    expect(list.every((s) => ['full', 'incremental', 'differential'].includes(s.backup_type))).toBe(true);
  });

  test('check --read-data passes on an intact repository', async () => {
    const result = await runCli(['check', '--read-data', '--json'], { env: home.env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout.toString()) as {
      ok: boolean;
      snapshots: number;
      bytes_read: number;
    };
    expect(report.ok).toBe(true);
    expect(report.snapshots).toBeGreaterThanOrEqual(7);
    expect(report.bytes_read).toBeGreaterThan(70 * MiB);
  });
});

describe('a stream of several GiB', () => {
  const home = new TempHome();
  afterAll(() => home.cleanup());

  test('round-trips byte for byte without being held in memory', async () => {
    const size = 3 * 1024 * MiB + 12345;
    const expected = createHash('sha256');
    const source = generatedStream(size, 'big');
    source.on('data', (d: Buffer) => expected.update(d));
    const backup = backupJson(
      await runCli(['backup', '--stdin', '--name', 'big', '--json'], { input: source, env: home.env }),
    );
    expect(backup.original_size_bytes).toBe(size);
    const digest = expected.digest('hex');

    // Hash the restore as it streams; the test process never holds it either.
    const restoredHash = createHash('sha256');
    let restoredBytes = 0;
    let summary = '';
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(NODE, [CLI, 'restore', backup.id, '--stdout', '--json'], {
        env: { PATH: process.env.PATH, ...home.env },
      });
      child.stdout.on('data', (d: Buffer) => {
        restoredHash.update(d);
        restoredBytes += d.length;
      });
      child.stderr.on('data', (d: Buffer) => (summary += d.toString()));
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    expect(restoredBytes).toBe(size);
    expect(restoredHash.digest('hex')).toBe(digest);
    // The restore recomputed the stream checksum from the chunks it wrote; it matches the backup's.
    expect((JSON.parse(summary.trim().split('\n').pop()!) as { checksum_value: string }).checksum_value).toBe(
      backup.checksum_value,
    );
  }, 600_000);
});
