/**
 * The CLI's everyday commands with `--api URL`: schedule, run, list, verify, restore and cancel
 * through the HTTP API (here `lifeboat serve`'s, with real workflows behind it) instead of the
 * local catalog, as an operator does against a deployment. The restore lands byte for byte.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ApiServer } from '../../functions/local/api-server';
import type { LocalSystem } from '../../functions/local/system';
import { startLocalApi } from '../helpers/api';
import { runCli } from '../helpers/cli';
import { diffTrees } from '../helpers/tree';

jest.setTimeout(120_000);

let dir: string;
let env: NodeJS.ProcessEnv;
let system: LocalSystem;
let server: ApiServer;

const cli = (args: string[]) => runCli([...args, '--api', server.url], { env });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-cli-remote-'));
  fs.mkdirSync(path.join(dir, 'data', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'notes.txt'), 'restored through the API\n');
  fs.writeFileSync(path.join(dir, 'data', 'nested', 'blob.bin'), Buffer.alloc(700_000, 3));
  // The server's home holds the token the CLI reads; the CLI's own catalog stays empty.
  const api = await startLocalApi(dir, { LIFEBOAT_POLL_MS: '100' });
  ({ system, server, env } = api);
  const target = JSON.stringify({
    name: 'files',
    target_config: { kind: 'filesystem', paths: [path.join(dir, 'data')] },
  });
  expect(
    (await runCli(['api', 'POST', '/targets', '--data', target, '--api', server.url], { env })).code,
  ).toBe(0);
});

afterAll(async () => {
  await server.close();
  await system.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('schedule, run and follow, list, verify, restore: each through the API', async () => {
  const added = await cli([
    'schedule',
    'add',
    'nightly',
    '--target',
    'files',
    '--cron',
    '15 1 * * *',
    '--retention',
    'keep-daily=7',
  ]);
  expect(added.code).toBe(0);
  expect(added.stderr.toString()).toContain('Schedule "nightly" added');
  const listed = await cli(['schedule', 'list', '--json']);
  expect(JSON.parse(listed.stdout.toString())).toEqual([
    expect.objectContaining({
      name: 'nightly',
      schedule_cron: '15 1 * * *',
      retention_policy: { keep_daily: 7 },
    }),
  ]);

  const run = await cli(['schedule', 'run', 'nightly', '--json']);
  expect(run.code).toBe(0);
  const { backup } = JSON.parse(run.stdout.toString()) as { backup: { id: string; status: string } };
  expect(backup.status).toBe('completed');
  // It is the server's catalog that holds it.
  expect((await system.ctx.catalog.getBackup(backup.id))?.status).toBe('completed');

  const backups = await cli(['backups', '--schedule', 'nightly']);
  expect(backups.code).toBe(0);
  expect(backups.stdout.toString()).toContain(backup.id);

  const verified = await cli(['verify', backup.id, '--type', 'integrity_check']);
  expect(verified.code).toBe(0);
  expect(verified.stderr.toString()).toMatch(/integrity_check\): passed; .*data integrity verified/);

  const out = path.join(dir, 'restored');
  const restored = await cli(['restore', backup.id, '--target', out]);
  expect(restored.code).toBe(0);
  expect(restored.stderr.toString()).toContain('every step completed');
  expect(diffTrees(path.join(dir, 'data'), out)).toEqual({ same: true, output: '' });

  // The API resolves latest:NAME itself (the schedule's backups carry the target's name).
  const latest = path.join(dir, 'restored-latest');
  const byName = await cli(['restore', 'latest:files', '--target', latest, '--json']);
  expect(byName.code).toBe(0);
  expect(JSON.parse(byName.stdout.toString())).toMatchObject({ backup_id: backup.id, status: 'completed' });
  expect(diffTrees(path.join(dir, 'data'), latest)).toEqual({ same: true, output: '' });

  const shown = await cli(['schedule', 'show', 'nightly']);
  expect(shown.stdout.toString()).toContain(`${backup.id} completed`);
  expect((await cli(['schedule', 'disable', 'nightly'])).code).toBe(0);
  expect((await system.ctx.catalog.getScheduleByName('nightly'))?.enabled).toBe(false);
  expect((await cli(['schedule', 'remove', 'nightly'])).code).toBe(0);
  expect(await system.ctx.catalog.getScheduleByName('nightly')).toBeUndefined();
});

test('what only this machine can do is refused through the API, with the way to do it', async () => {
  const stdout = await cli(['restore', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--stdout']);
  expect(stdout.code).toBe(2);
  expect(stdout.stderr.toString()).toContain('--stdout restores on this machine');
  const prefix = await cli(['verify', 'latest:files']);
  expect(prefix.code).toBe(2);
  expect(prefix.stderr.toString()).toContain('name the backup by its full id');
  const relative = await cli(['restore', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--target', 'relative/dir']);
  expect(relative.code).toBe(2);
  expect(relative.stderr.toString()).toContain('target_config.path: must be an absolute path');
  const missing = await cli(['cancel', '01ARZ3NDEKTSV4RRFFQ69G5FAV']);
  expect(missing.code).toBe(15);
  expect(missing.stderr.toString()).toContain('The API answered 404');
});
