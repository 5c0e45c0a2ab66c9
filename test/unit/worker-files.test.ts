/**
 * Paths the workers of an AWS deployment can reach: only those on the EFS file system the stack
 * mounts (LIFEBOAT_FILES_MOUNT). The Lambda handlers' side is in test/e2e/lambda-handlers.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../functions/core/errors';
import { addTarget, testTarget } from '../../functions/core/services/targets';
import { resolveSettings } from '../../functions/local/home';
import { localSystem } from '../../functions/local/system';
import { checkWorkerPaths, workerFilesFromEnv } from '../../functions/core/services/worker-files';

const mounted = workerFilesFromEnv({ LIFEBOAT_FILES_MOUNT: '/mnt/efs' });

function refusal(files: ReturnType<typeof workerFilesFromEnv> | undefined, path: string): string | undefined {
  try {
    checkWorkerPaths(files, [path], 'back up');
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  }
}

test('paths on the mount pass; anything else is refused, whatever the spelling', () => {
  for (const ok of ['/mnt/efs', '/mnt/efs/', '/mnt/efs/data', '/mnt/efs/a/../b', '/mnt/efs//deep/er'])
    expect({ ok, refused: refusal(mounted, ok) }).toEqual({ ok, refused: undefined });
  for (const bad of ['/mnt/efs2/data', '/mnt', '/mnt/efs/../etc', '/tmp/x', 'mnt/efs/data', 'data'])
    expect(refusal(mounted, bad)).toBe(
      `Cannot back up ${bad}: the workers see files only on the file system mounted at /mnt/efs.`,
    );
});

test('a deployment without a file system refuses every path and says how to mount one', () => {
  const none = workerFilesFromEnv({ LIFEBOAT_FILES_MOUNT: '' });
  expect(none).toEqual({ mountPath: null });
  expect(workerFilesFromEnv({})).toEqual({ mountPath: null });
  expect(refusal(none, '/mnt/efs/data')).toMatch(
    /^Cannot back up \/mnt\/efs\/data on AWS: this deployment mounts no file system/,
  );
  let hint = '';
  try {
    checkWorkerPaths(none, ['/srv'], 'back up');
  } catch (error) {
    hint = (error as InputError).hint;
  }
  expect(hint).toContain('lifeboat:fileSystem');
});

test("locally (no worker files to check) every path is the machine's own", () => {
  expect(refusal(undefined, '/anything/at/all')).toBeUndefined();
  expect(refusal(undefined, 'relative')).toBeUndefined();
});

test('the API refuses a filesystem target off the mount before recording it, and cannot test one on it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-worker-files-'));
  const system = localSystem(resolveSettings({}, { LIFEBOAT_HOME: path.join(dir, 'home') }), {});
  // The context of the API function in a deployment that mounts its file system at `dir`.
  const ctx = { ...system.ctx, workerFiles: { mountPath: dir } };
  try {
    await expect(
      addTarget(ctx, { name: 'off', target_config: { kind: 'filesystem', paths: [`${dir}/a`, '/etc'] } }),
    ).rejects.toThrow(
      `Cannot back up /etc: the workers see files only on the file system mounted at ${dir}.`,
    );
    expect(await ctx.catalog.getTarget('off')).toBeUndefined();
    await addTarget(ctx, { name: 'on', target_config: { kind: 'filesystem', paths: [`${dir}/a`] } });
    expect((await ctx.catalog.getTarget('on'))?.target_config).toMatchObject({ paths: [`${dir}/a`] });
    // Testing it from the API, which does not mount the file system, says so instead of "missing".
    await expect(testTarget(ctx, 'on')).rejects.toThrow(
      'The API cannot look at target "on": the file system is mounted by the backup and restore steps only.',
    );
  } finally {
    await system.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
