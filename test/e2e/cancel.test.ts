/**
 * Cancelling a running backup through the API, with the workflow really running on the local
 * engine: the record turns cancelled at once, the worker stops within seconds, no snapshot is
 * written, no failure is announced, the fence is released (the next backup runs), and the
 * cancel is in the audit log. A finished backup cannot be cancelled (409). `lifeboat cancel`
 * does the same from the CLI.
 */
import { createCipheriv } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ApiRequest } from '../../functions/handlers/api/http';
import { dispatch } from '../../functions/handlers/api/router';
import type { ExecutionRecord } from '../../functions/local/engine';
import { LocalEngine } from '../../functions/local/engine';
import { resolveSettings } from '../../functions/local/home';
import { localSystem, type LocalSystem } from '../../functions/local/system';
import { runCli } from '../helpers/cli';

jest.setTimeout(180_000);

let dir: string;
let home: string;
let system: LocalSystem;
let engine: LocalEngine;
const runs: Promise<ExecutionRecord>[] = [];

/** Incompressible files, fast: AES-CTR over zeros. */
function writeNoise(file: string, bytes: number, seed: number): void {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16));
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4 * 1024 * 1024);
  for (let done = 0; done < bytes; done += block.length) fs.writeSync(fd, cipher.update(block));
  fs.closeSync(fd);
}

async function call(method: string, url: string, body?: unknown) {
  const parsed = new URL(url, 'http://localhost');
  const request: ApiRequest = {
    method,
    path: parsed.pathname,
    query: Object.fromEntries(parsed.searchParams),
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    actor: { user_id: 'ops', ip_address: '127.0.0.1', user_agent: 'test' },
  };
  const response = await dispatch(request, (r) => ({
    ctx: { ...system.ctx, actor: r.actor },
    starter: {
      start: async (workflow, input, name) => {
        const started = await engine.start(workflow, input, name);
        runs.push(started.done);
        return started.started ? 'started' : 'already_started';
      },
    },
  }));
  return {
    status: response.status,
    body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {},
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-cancel-'));
  home = path.join(dir, 'home');
  fs.mkdirSync(path.join(dir, 'data'));
  for (let i = 0; i < 6; i++) writeNoise(path.join(dir, 'data', `f${i}.bin`), 200 * 1024 * 1024, i + 1);
  const env = { ...process.env, LIFEBOAT_HOME: home };
  system = localSystem(resolveSettings({}, env), env);
  engine = new LocalEngine(system.ctx, { retryDelays: 'none' });
  await call('POST', '/targets', {
    name: 'big',
    target_config: { kind: 'filesystem', paths: [path.join(dir, 'data')] },
  });
  await call('POST', '/schedules', {
    name: 'big',
    target: 'big',
    schedule_cron: '0 1 * * *',
    verification_enabled: false,
  });
});

afterAll(async () => {
  await Promise.allSettled(runs);
  await system.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a running backup cancelled through the API stops, writes no snapshot, and frees the way for the next', async () => {
  expect((await call('POST', '/schedules/big/run')).status).toBe(202);
  let id: string | undefined;
  for (let i = 0; i < 300 && !id; i++) {
    const { body } = await call('GET', '/backups?status=running');
    id = (body.items as { id: string }[])[0]?.id;
    if (!id) await new Promise((r) => setTimeout(r, 50));
  }
  expect(id).toBeDefined();
  const cancelledAt = Date.now();
  const cancelled = await call('POST', `/backups/${id}/cancel`);
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ status: 'cancelled', error_message: 'Cancelled by ops.' });

  const record = await runs[0]!;
  const stoppedAfter = Date.now() - cancelledAt;
  expect(record.status).toBe('FAILED');
  expect(record.error?.Error).toBe('JobCancelledError');
  expect(stoppedAfter).toBeLessThan(15_000);
  expect((await call('GET', `/backups/${id}`)).body).toMatchObject({ status: 'cancelled' });
  const snapshots = await runCli(['snapshots', '--json'], { env: { ...process.env, LIFEBOAT_HOME: home } });
  expect(JSON.parse(snapshots.stdout.toString())).toEqual([]);
  expect(system.events.published.map((e) => e.type)).not.toContain('Backup Failed');
  expect((await system.ctx.catalog.fence()).writers).toEqual({});

  const again = await call('POST', `/backups/${id}/cancel`);
  expect(again.status).toBe(409);
  expect(again.body.detail).toMatch(/is cancelled: only one that has not finished can be cancelled/);
  // The fence is free: the next run completes.
  expect((await call('POST', '/schedules/big/run')).status).toBe(202);
  expect((await runs[1]!).status).toBe('SUCCEEDED');

  const audit = (await call('GET', '/audit?limit=100')).body.items as {
    action: string;
    entity_id: string;
    user_id: string;
  }[];
  expect(audit).toContainEqual(
    expect.objectContaining({ action: 'backup.cancel', entity_id: id, user_id: 'ops' }),
  );
});

test('lifeboat cancel refuses a finished backup with exit 16, and an unknown id with exit 15', async () => {
  const completed = await system.ctx.catalog.listBackups({ limit: 10 });
  const id = (completed.items as { id: string }[])[0]!.id;
  const env = { ...process.env, LIFEBOAT_HOME: home };
  const finished = await runCli(['cancel', id], { env });
  expect(finished.code).toBe(16);
  const unknown = await runCli(['cancel', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], { env });
  expect(unknown.code).toBe(15);
  expect(unknown.stderr.toString()).toContain('No backup or recovery job "01ARZ3NDEKTSV4RRFFQ69G5FAV"');
});
