/**
 * A repository in a cloud store, driven through the CLI as an operator would: S3 through s3rver
 * (an S3 emulator in a child process). Everything is real: HTTP, signatures, multipart uploads,
 * ranged reads; the repository is opened again by every command.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { backupJson, runCli, TempHome } from '../helpers/cli';
import { randomData } from '../helpers/data';
import { startAzurite, type AzuriteInstance } from '../helpers/azurite';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';
import { diffTrees, makeTree } from '../helpers/tree';

jest.setTimeout(180_000);

function json<T = Record<string, unknown>>(out: Buffer): T {
  return JSON.parse(out.toString('utf8')) as T;
}

describe('a repository in S3 (s3rver)', () => {
  let s3: S3rverInstance;
  const home = new TempHome('lifeboat-s3-');
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    s3 = await startS3rver(['backups']);
    env = { ...home.env, ...s3.env, LIFEBOAT_REPO: 's3://backups/team-a' };
  });
  afterAll(async () => {
    await s3.stop();
    home.cleanup();
  });

  test('a tree backed up and restored byte for byte; snapshots, ls and check --read-data work', async () => {
    const src = path.join(home.dir, 'src');
    mkdirSync(src);
    makeTree(src);
    const summary = backupJson(await runCli(['backup', src, '--name', 'tree', '--json'], { env }));
    expect(summary).toMatchObject({ backup_type: 'full', target_type: 'filesystem', warnings: [] });

    const out = path.join(home.dir, 'out');
    const restored = await runCli(['restore', summary.id, '--target', out, '--read-back'], { env });
    expect(restored.stderr).toMatch(/^Restored .*51 files read back and verified\.\n$/);
    expect(restored.code).toBe(0);
    expect(diffTrees(src, out)).toEqual({ same: true, output: '' });

    const snapshots = await runCli(['snapshots', '--json'], { env });
    expect(snapshots.code).toBe(0);
    expect(json<{ id: string }[]>(snapshots.stdout).map((s) => s.id)).toEqual([summary.id]);
    const check = await runCli(['check', '--read-data', '--json'], { env });
    expect(check.stderr).toBe('');
    expect(json(check.stdout)).toMatchObject({ ok: true, snapshots: 1, problems: [] });

    // The catalog records where the backup lives.
    const backups = await runCli(['backups', '--json'], { env });
    expect(json<{ items: Record<string, unknown>[] }>(backups.stdout).items[0]).toMatchObject({
      id: summary.id,
      storage_backend: 's3',
      storage_location: 's3://backups/team-a',
    });
  });

  test('a 40 MiB stream goes up in multipart uploads and comes back identical', async () => {
    const data = randomData(40 * 1024 * 1024, 's3-stream');
    const backup = backupJson(
      await runCli(['backup', '--stdin', '--name', 'stream', '--json'], { env, input: data }),
    );
    const restored = await runCli(['restore', backup.id, '--stdout'], { env });
    expect(restored.stderr).toMatch(/Restored .*40\.0 MiB, checksum verified/);
    expect(restored.stdout.equals(data)).toBe(true);
  });

  test('a missing bucket fails fast, saying which and what to do', async () => {
    const started = Date.now();
    const result = await runCli(['backup', '--stdin', '--name', 'x', '--repo', 's3://no-such-bucket/p'], {
      env,
      input: 'data',
    });
    expect(result.code).toBe(10);
    expect(result.stderr).toContain('The S3 bucket does not exist (s3://no-such-bucket/p');
    expect(result.stderr).toMatch(/Create the bucket/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('wrong credentials are a permission error that names no secret', async () => {
    const result = await runCli(['snapshots'], {
      env: { ...env, AWS_ACCESS_KEY_ID: 'NOT-A-KEY-ID', AWS_SECRET_ACCESS_KEY: 'not-the-secret-key' },
    });
    expect(result.code).toBe(13);
    expect(result.stderr).toContain('Permission denied at s3://backups/team-a');
    expect(result.stderr).toMatch(/AWS credentials/);
    expect(result.stderr).not.toMatch(/not-the-secret-key|NOT-A-KEY-ID/);
  });

  test('options in the URL are checked before anything is created', async () => {
    const result = await runCli(['init', '--repo', 's3://backups/other?storage-class=COLDEST'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('storage-class=COLDEST is not an S3 storage class');
  });
});

describe('a repository in Azure Blob (Azurite)', () => {
  let azurite: AzuriteInstance;
  const home = new TempHome('lifeboat-azure-');
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    azurite = await startAzurite(['backups']);
    // With a connection string, azure://CONTAINER/PREFIX names the repository.
    env = { ...home.env, ...azurite.env, LIFEBOAT_REPO: 'azure://backups/team-b?tier=Cool' };
  });
  afterAll(async () => {
    await azurite.stop();
    home.cleanup();
  });

  test('a tree and a 40 MiB stream backed up and restored byte for byte; check --read-data', async () => {
    const src = path.join(home.dir, 'src');
    mkdirSync(src);
    makeTree(src, 7);
    const tree = backupJson(await runCli(['backup', src, '--name', 'tree', '--json'], { env }));
    const out = path.join(home.dir, 'out');
    const restored = await runCli(['restore', tree.id, '--target', out], { env });
    expect(restored.code).toBe(0);
    expect(diffTrees(src, out)).toEqual({ same: true, output: '' });

    const data = randomData(40 * 1024 * 1024, 'azure-stream');
    const stream = backupJson(
      await runCli(['backup', '--stdin', '--name', 'stream', '--json'], { env, input: data }),
    );
    const back = await runCli(['restore', stream.id, '--stdout'], { env });
    expect(back.stdout.equals(data)).toBe(true);

    const check = await runCli(['check', '--read-data', '--json'], { env });
    expect(json(check.stdout)).toMatchObject({ ok: true, snapshots: 2, problems: [] });
    const backups = await runCli(['backups', '--json'], { env });
    expect(json<{ items: Record<string, unknown>[] }>(backups.stdout).items[0]).toMatchObject({
      storage_backend: 'azure',
      storage_location: 'azure://backups/team-b',
    });
  });

  test('a missing container fails fast with a clear message', async () => {
    const result = await runCli(['snapshots', '--repo', 'azure://nothing-here/p'], { env });
    expect(result.code).toBe(10);
    expect(result.stderr).toMatch(/container does not exist/i);
  });
});
