/**
 * Replication (3-2-1): a backup in the local repository copied to S3 (s3rver) and on to Azure
 * (Azurite), only what each copy lacks, verified there, recorded in the catalog, and restored
 * byte for byte from either copy. Real emulators, real CLI.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startAzurite, type AzuriteInstance } from '../helpers/azurite';
import { backupJson, runCli, TempHome } from '../helpers/cli';
import { randomData } from '../helpers/data';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';
import { diffTrees, makeTree } from '../helpers/tree';

jest.setTimeout(240_000);

interface Report {
  snapshot: string;
  created: boolean;
  packs_copied: number;
  packs_present: number;
  bytes_copied: number;
  verified: boolean;
  location: string;
}

function json<T>(out: Buffer): T {
  return JSON.parse(out.toString('utf8')) as T;
}

describe('replication between backends', () => {
  const home = new TempHome('lifeboat-replicate-');
  let s3: S3rverInstance;
  let azurite: AzuriteInstance;
  let env: NodeJS.ProcessEnv;
  const S3_COPY = 's3://copies/lifeboat';
  const AZURE_COPY = 'azure://offsite/lifeboat';
  const src = path.join(home.dir, 'src');

  beforeAll(async () => {
    [s3, azurite] = await Promise.all([startS3rver(['copies']), startAzurite(['offsite'])]);
    env = { ...home.env, ...s3.env, ...azurite.env };
    mkdirSync(src);
    makeTree(src, 3);
    appendFileSync(path.join(src, 'big.bin'), randomData(20 * 1024 * 1024, 'replicated'));
  });
  afterAll(async () => {
    await Promise.all([s3.stop(), azurite.stop()]);
    home.cleanup();
  });

  async function replicate(args: string[]): Promise<Report> {
    const result = await runCli(['replicate', ...args, '--json'], { env });
    if (result.code !== 0) throw new Error(`replicate failed (${result.code}): ${result.stderr}`);
    return json<Report>(result.stdout);
  }

  test('local → S3 → Azure: only missing packs move; every copy restores byte for byte', async () => {
    const first = backupJson(await runCli(['backup', src, '--name', 'tree', '--json'], { env }));

    const toS3 = await replicate([first.id, '--to', S3_COPY]);
    expect(toS3).toMatchObject({ snapshot: first.id, created: true, packs_present: 0, verified: true });
    expect(toS3.packs_copied).toBeGreaterThan(0);
    expect(toS3.bytes_copied).toBeGreaterThan(20 * 1024 * 1024);

    // Again: nothing to copy.
    const again = await replicate([first.id, '--to', S3_COPY]);
    expect(again).toMatchObject({ created: false, packs_copied: 0, bytes_copied: 0, verified: true });

    // A small change: the next backup's copy moves about the change, not the 20 MiB file again.
    appendFileSync(path.join(src, 'a.txt'), 'one more line\n');
    const second = backupJson(await runCli(['backup', src, '--name', 'tree', '--json'], { env }));
    const incremental = await replicate([second.id, '--to', S3_COPY]);
    expect(incremental.created).toBe(false);
    expect(incremental.bytes_copied).toBeLessThan(2 * 1024 * 1024);

    // From the S3 copy on to Azure, while the primary stays local.
    const toAzure = await replicate([second.id, '--from', S3_COPY, '--to', AZURE_COPY]);
    expect(toAzure).toMatchObject({ created: true, verified: true, location: 'azure://offsite/lifeboat' });

    // The catalog lists both copies on the backup.
    const backups = json<{
      items: { id: string; storage_metadata: { replicas?: { location: string }[] } }[];
    }>((await runCli(['backups', '--json'], { env })).stdout);
    const record = backups.items.find((b) => b.id === second.id)!;
    expect(record.storage_metadata.replicas?.map((r) => r.location).sort()).toEqual([
      'azure://offsite/lifeboat',
      's3://copies/lifeboat',
    ]);

    // Each copy restores on its own, and each copy is a sound repository.
    for (const copy of [S3_COPY, AZURE_COPY]) {
      const out = path.join(home.dir, `out-${copy.slice(0, 5).replace(/\W/g, '')}`);
      const restored = await runCli(['restore', second.id, '--from', copy, '--target', out], { env });
      expect(restored.code).toBe(0);
      expect(diffTrees(src, out)).toEqual({ same: true, output: '' });
      const check = await runCli(['check', '--read-data', '--json', '--repo', copy], { env });
      expect(json<{ ok: boolean; snapshots: number }>(check.stdout)).toMatchObject({
        ok: true,
        snapshots: copy === S3_COPY ? 2 : 1,
      });
    }
  });

  test('backup --replicate-to copies in the workflow; a copy that fails is recorded, the backup completes', async () => {
    const data = randomData(3 * 1024 * 1024, 'workflow-copy');
    const result = await runCli(
      [
        'backup',
        '--stdin',
        '--name',
        'copied',
        '--json',
        '--replicate-to',
        S3_COPY,
        '--replicate-to',
        's3://no-such-bucket/x',
      ],
      { env, input: data },
    );
    expect(result.code).toBe(0);
    const summary = json<{ id: string; storage: Record<string, unknown> }>(result.stdout);
    expect(summary.storage).toMatchObject({
      backend: 'local',
      requests: null,
      replicas: [S3_COPY],
      replica_failures: [
        { location: 's3://no-such-bucket/x', error: expect.stringMatching(/bucket does not exist/) },
      ],
    });
    const restored = await runCli(['restore', summary.id, '--from', S3_COPY, '--stdout'], { env });
    expect(restored.stdout.equals(data)).toBe(true);
  });

  test('a backup into S3 reports the requests it made (what the provider bills)', async () => {
    const result = await runCli(
      ['backup', '--stdin', '--name', 'counted', '--json', '--repo', 's3://copies/primary'],
      {
        env,
        input: randomData(20 * 1024 * 1024, 'counted'),
      },
    );
    expect(result.code).toBe(0);
    const { storage } = json<{ storage: { backend: string; requests: Record<string, number> } }>(
      result.stdout,
    );
    expect(storage.backend).toBe('s3');
    // A new repository: key slot, config, a pack or two (multipart), index, snapshot.
    expect(storage.requests.put).toBeGreaterThanOrEqual(5);
    expect(storage.requests.list).toBeGreaterThan(0);
    expect(storage.requests.get).toBeGreaterThan(0);

    // lifeboat cost: stored bytes by class from the listing, requests as the backup recorded them.
    const prices = path.join(home.dir, 'prices.json');
    writeFileSync(
      prices,
      JSON.stringify({
        currency: 'EUR',
        as_of: 'test prices',
        storage_per_gib_month: { STANDARD: 1 },
        requests_per_1000: { put: 1000, get: 0, list: 0, head: 0, delete: 0 },
        default_class: 'STANDARD',
      }),
    );
    const cost = await runCli(['cost', '--json', '--repo', 's3://copies/primary', '--prices', prices], {
      env,
    });
    expect(cost.stderr).toBe('');
    const estimate = json<{
      storage: { class: string; bytes: number; monthly: number }[];
      requests: Record<string, number>;
      requests_monthly: number;
      total_monthly: number;
      backups_in_window: number;
      currency: string;
    }>(cost.stdout);
    expect(estimate).toMatchObject({ currency: 'EUR', backups_in_window: 1 });
    expect(estimate.storage).toHaveLength(1);
    expect(estimate.storage[0]!.class).toBe('STANDARD');
    // 20 MiB of random data stores as about 20 MiB.
    expect(estimate.storage[0]!.bytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(estimate.storage[0]!.monthly).toBeCloseTo(estimate.storage[0]!.bytes / 1024 ** 3, 3);
    // The run step's own requests: fewer than the whole command's, at least the pack uploads.
    expect(estimate.requests.put).toBeGreaterThanOrEqual(3);
    expect(estimate.requests.put).toBeLessThanOrEqual(storage.requests.put!);
    expect(estimate.requests_monthly).toBe(estimate.requests.put);
    expect(estimate.total_monthly).toBeCloseTo(estimate.requests_monthly + estimate.storage[0]!.monthly, 3);
  });

  test("a schedule's replicas are copied on every run (local → local directory here)", async () => {
    const copy = path.join(home.dir, 'usb-disk', 'lifeboat');
    const run = (...args: string[]) => runCli(args, { env });
    expect((await run('target', 'add', 'docs', '--type', 'filesystem', '--path', src)).code).toBe(0);
    const added = await run(
      'schedule',
      'add',
      'nightly',
      '--target',
      'docs',
      '--cron',
      '0 2 * * *',
      '--replicate-to',
      copy,
      '--json',
    );
    expect(json<{ storage_config: unknown }>(added.stdout).storage_config).toMatchObject({
      replicas: [copy],
    });
    const bad = await run(
      'schedule',
      'add',
      'self',
      '--target',
      'docs',
      '--cron',
      '0 2 * * *',
      '--replicate-to',
      home.repo,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is the repository itself');

    const fired = await run('schedule', 'run', 'nightly', '--json');
    expect(fired.code).toBe(0);
    const listed = await runCli(['snapshots', '--json', '--repo', copy], { env });
    expect(json<{ name: string }[]>(listed.stdout).map((s) => s.name)).toEqual(['docs']);
  });

  test('a location holding another repository is refused, and nothing is written there', async () => {
    const other = new TempHome('lifeboat-replicate-other-');
    try {
      const otherEnv = { ...env, LIFEBOAT_HOME: other.dir };
      backupJson(
        await runCli(['backup', '--stdin', '--name', 'x', '--json'], { env: otherEnv, input: 'other' }),
      );
      const mine = backupJson(
        await runCli(['backup', '--stdin', '--name', 'y', '--json'], { env, input: 'mine' }),
      );
      const result = await runCli(['replicate', mine.id, '--to', other.repo], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('holds another repository');
      const snapshots = await runCli(['snapshots', '--json'], { env: otherEnv });
      expect(json<unknown[]>(snapshots.stdout)).toHaveLength(1);
    } finally {
      other.cleanup();
    }
  });
});
