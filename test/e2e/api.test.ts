/**
 * The API over HTTP, as `lifeboat serve` answers it, with real workflows behind it (the local
 * engine, the SQLite catalog, a local repository): schedule → backup → verify → restore through
 * HTTP only; bad requests answered 4xx with problem+json and nothing changed; the OpenAPI
 * document against the routes; the Lambda adapter on an API Gateway event.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Dashboard } from '../../functions/core/services/dashboard';
import { route as lambdaRoute } from '../../functions/handlers/api';
import { ROUTES } from '../../functions/handlers/api/routes';
import { ensureApiToken, type ApiServer } from '../../functions/local/api-server';
import type { LocalSystem } from '../../functions/local/system';
import { startLocalApi } from '../helpers/api';
import { diffTrees } from '../helpers/tree';

jest.setTimeout(120_000);

let dir: string;
let system: LocalSystem;
let server: ApiServer;
let token: string;

interface Reply {
  status: number;
  replayed: string | null;
  type: string;
  body: Record<string, unknown>;
}

async function call(
  method: string,
  url: string,
  options: { body?: unknown; raw?: string; auth?: boolean; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.auth === false ? {} : { authorization: `Bearer ${token}` }),
      'user-agent': 'lifeboat-api-test',
      ...options.headers,
    },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    type: response.headers.get('content-type') ?? '',
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** Polls a GET until `done` holds (the workflows run in the background). */
async function until(
  url: string,
  done: (body: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const reply = await call('GET', url);
    if (reply.status === 200 && done(reply.body)) return reply.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not get there`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-api-'));
  fs.mkdirSync(path.join(dir, 'data', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'through the API\n');
  fs.writeFileSync(path.join(dir, 'data', 'sub', 'b.bin'), Buffer.alloc(400_000, 5));
  const api = await startLocalApi(dir);
  ({ system, server, token } = api);
});

afterAll(async () => {
  await server.close();
  await system.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the token is made once, readable by its owner only', () => {
  const again = ensureApiToken(path.join(dir, 'home'));
  expect(again).toMatchObject({ token, created: false });
  expect(fs.statSync(again.file).mode & 0o777).toBe(0o600);
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

test('schedule → backup → verify → restore, through HTTP only', async () => {
  const target = await call('POST', '/targets', {
    body: { name: 'files', target_config: { kind: 'filesystem', paths: [path.join(dir, 'data')] } },
  });
  expect(target.status).toBe(201);
  const created = await call('POST', '/schedules', {
    body: {
      name: 'nightly',
      target: 'files',
      schedule_cron: '30 2 * * *',
      timezone: 'Europe/Berlin',
      retention_policy: { keep_daily: 7, keep_within: '30d' },
    },
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    name: 'nightly',
    schedule_cron: '30 2 * * *',
    retention_policy: { keep_daily: 7, keep_within: '30d' },
    verification_enabled: true,
    created_by: os.userInfo().username,
  });
  const changed = await call('PATCH', '/schedules/nightly', {
    body: { schedule_cron: '0 3 * * *', enabled: false },
  });
  expect(changed.body).toMatchObject({ schedule_cron: '0 3 * * *', enabled: false });

  // Run now, twice with the same key: one backup.
  const headers = { 'idempotency-key': 'run-2026-11-27' };
  const run = await call('POST', '/schedules/nightly/run', { headers });
  expect(run.status).toBe(202);
  expect(run.body.status).toBe('started');
  const repeat = await call('POST', '/schedules/nightly/run', { headers });
  // The same answer again, said to be a replay; nothing new started.
  expect(repeat).toMatchObject({ status: 202, body: run.body, replayed: 'true' });
  expect(run.replayed).toBeNull();
  const backups = await until('/backups?schedule=nightly', (b) =>
    (b.items as { status: string }[]).some((i) => i.status === 'completed'),
  );
  expect(backups.items).toHaveLength(1);
  const backup = (backups.items as { id: string }[])[0]!;
  // The key once more, for another request: refused, and no verification started.
  const verificationsBefore = (await call('GET', '/verifications')).body.items as unknown[];
  const reused = await call('POST', `/backups/${backup.id}/verify`, { headers, body: {} });
  expect(reused.status).toBe(422);
  expect(reused.body.detail).toBe(
    'This Idempotency-Key was already used for another request; nothing was started.',
  );
  expect((await call('GET', '/verifications')).body.items).toEqual(verificationsBefore);
  const got = await call('GET', `/backups/${backup.id}`);
  expect(got.body).toMatchObject({
    id: backup.id,
    status: 'completed',
    progress: 100,
    target_identifier: 'files',
  });

  const verify = await call('POST', `/backups/${backup.id}/verify`, {
    body: { verification_type: 'integrity_check' },
  });
  expect(verify.status).toBe(202);
  const verifications = await until('/verifications', (b) =>
    (b.items as { status: string }[]).some((v) => v.status === 'passed'),
  );
  const verification = (verifications.items as { id: string; verification_type: string }[])[0]!;
  expect(verification.verification_type).toBe('integrity_check');
  expect((await call('GET', `/verifications/${verification.id}`)).body).toMatchObject({ status: 'passed' });
  // One backup's verifications, read by the catalog's index for them.
  const ofBackup = await call('GET', `/verifications?backup=${backup.id}`);
  expect((ofBackup.body.items as { id: string }[]).map((v) => v.id)).toEqual([verification.id]);
  expect((await call('GET', '/verifications?backup=01ARZ3NDEKTSV4RRFFQ69G5FAV')).body.items).toEqual([]);
  expect((await call('GET', '/verifications?backup=latest')).status).toBe(422);

  const out = path.join(dir, 'restored');
  const restore = await call('POST', '/recovery-jobs', {
    body: { backup: backup.id, target_config: { kind: 'directory', path: out } },
  });
  expect(restore.status).toBe(202);
  const jobs = await until('/recovery-jobs', (b) =>
    (b.items as { status: string }[]).some((j) => j.status === 'completed'),
  );
  const job = (jobs.items as { id: string }[])[0]!;
  const detail = await call('GET', `/recovery-jobs/${job.id}`);
  expect(detail.body).toMatchObject({ status: 'completed', progress: 100, backup_id: backup.id });
  expect((detail.body.steps as unknown[]).length).toBeGreaterThan(0);
  expect(diffTrees(path.join(dir, 'data'), out)).toEqual({ same: true, output: '' });

  // Again, in the seed's terms: a partial recovery over what is there now.
  fs.writeFileSync(path.join(out, 'a.txt'), 'changed since\n');
  const partial = await call('POST', '/recovery-jobs', {
    body: {
      backup: backup.id,
      recovery_type: 'partial',
      overwrite_existing: true,
      target_config: { kind: 'directory', path: out, includes: ['a.txt'] },
    },
  });
  expect(partial.status).toBe(202);
  const again = await until('/recovery-jobs', (b) =>
    (b.items as { status: string; recovery_type: string }[]).some(
      (j) => j.recovery_type === 'partial' && j.status === 'completed',
    ),
  );
  expect((again.items as Record<string, unknown>[]).find((j) => j.recovery_type === 'partial')).toMatchObject(
    {
      overwrite_existing: true,
      target_config: expect.objectContaining({ overwrite: 'always', includes: ['a.txt'] }),
    },
  );
  expect(fs.readFileSync(path.join(out, 'a.txt'), 'utf8')).toBe('through the API\n');

  // Every mutating call is in the audit log with who, from where, with what.
  const auditLog = await call('GET', '/audit?limit=100');
  const actions = (
    auditLog.body.items as { action: string; ip_address: string; user_agent: string }[]
  ).filter((e) =>
    ['schedule.create', 'schedule.update', 'schedule.run', 'backup.verify', 'recovery.start'].includes(
      e.action,
    ),
  );
  expect(actions.map((e) => e.action).sort()).toEqual(
    [
      'backup.verify',
      'recovery.start',
      'recovery.start',
      'schedule.create',
      'schedule.run',
      'schedule.update',
    ].sort(),
  );
  for (const entry of actions)
    expect(entry).toMatchObject({ ip_address: '127.0.0.1', user_agent: 'lifeboat-api-test' });
});

test('the audit log by entity, a page at a time: every entry of the type, none twice, none other', async () => {
  const all = (await call('GET', '/audit?limit=1000')).body.items as { id: string; entity_type: string }[];
  const expected = all.filter((e) => e.entity_type === 'recovery_job').map((e) => e.id);
  expect(expected.length).toBeGreaterThanOrEqual(2);
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      'GET',
      `/audit?entity_type=recovery_job&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(page.status).toBe(200);
    const items = page.body.items as { id: string; entity_type: string }[];
    expect(items.length).toBeLessThanOrEqual(1);
    seen.push(...items.map((e) => e.id));
    cursor = page.body.next as string | undefined;
  } while (cursor);
  expect(seen).toEqual(expected);
  const one = await call('GET', `/audit?entity_type=recovery_job&entity_id=${encodeURIComponent('nope')}`);
  expect(one.body.items).toEqual([]);
});

describe('bad requests get 4xx with problem+json and change nothing', () => {
  const schedules = async () => ((await call('GET', '/schedules')).body.items as unknown[]).length;

  test.each([
    ['malformed JSON', { raw: '{"name": "x",' }, 400, /not valid JSON/],
    [
      'unknown fields',
      { body: { name: 'x', target: 'files', schedule_cron: '0 1 * * *', colour: 'red' } },
      422,
      /not valid/,
    ],
    ['wrong types', { body: { name: 'x', target: 'files', schedule_cron: 5 } }, 422, /not valid/],
    ['an invalid cron', { body: { name: 'x', target: 'files', schedule_cron: '61 25 * * *' } }, 422, /cron/],
    [
      'an unknown time zone',
      { body: { name: 'x', target: 'files', schedule_cron: '0 1 * * *', timezone: 'Mars/Olympus' } },
      422,
      /time zone/i,
    ],
    [
      'an unknown target',
      { body: { name: 'x', target: 'nope', schedule_cron: '0 1 * * *' } },
      404,
      /No target "nope"/,
    ],
    [
      'an oversized body',
      { raw: JSON.stringify({ name: 'x', description: 'y'.repeat(300_000) }) },
      413,
      /larger than/,
    ],
  ])('%s', async (_what, options, status, detail) => {
    const before = await schedules();
    const reply = await call('POST', '/schedules', options);
    expect(reply.status).toBe(status);
    expect(reply.type).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ status, detail: expect.stringMatching(detail) });
    expect(await schedules()).toBe(before);
  });

  test('a duplicate name is 409; a field error names the field', async () => {
    const body = { name: 'dup', target: 'files', schedule_cron: '0 1 * * *' };
    expect((await call('POST', '/schedules', { body })).status).toBe(201);
    const again = await call('POST', '/schedules', { body });
    expect(again.status).toBe(409);
    const wrong = await call('POST', '/schedules', {
      body: { ...body, name: 'ok-name', verification_enabled: 'yes' },
    });
    expect(wrong.body.errors).toEqual([{ path: 'body.verification_enabled', message: expect.any(String) }]);
  });

  test('a recovery job whose recovery_type or overwrite_existing disagrees with its target is 422', async () => {
    const jobs = ((await call('GET', '/recovery-jobs')).body.items as unknown[]).length;
    const target_config = { kind: 'directory', path: '/tmp/lifeboat-never' };
    for (const [body, field] of [
      [{ recovery_type: 'partial', target_config }, 'body.recovery_type'],
      [
        { recovery_type: 'full', target_config: { ...target_config, includes: ['a.txt'] } },
        'body.recovery_type',
      ],
      [{ recovery_type: 'point_in_time', target_config }, 'body.point_in_time'],
      [
        { overwrite_existing: false, target_config: { ...target_config, overwrite: 'always' } },
        'body.overwrite_existing',
      ],
    ] as const) {
      const reply = await call('POST', '/recovery-jobs', { body: { backup: 'latest:files', ...body } });
      expect(reply.status).toBe(422);
      expect(reply.body.errors).toEqual([expect.objectContaining({ path: field })]);
    }
    expect(((await call('GET', '/recovery-jobs')).body.items as unknown[]).length).toBe(jobs);
  });

  test('restore targets that would escape are refused before anything starts', async () => {
    const jobs = ((await call('GET', '/recovery-jobs')).body.items as unknown[]).length;
    for (const target_config of [
      { kind: 'directory', path: '/tmp/../etc' },
      { kind: 'directory', path: 'relative/dir' },
      { kind: 'directory', path: '/tmp/x', includes: ['../../etc/passwd'] },
    ]) {
      const reply = await call('POST', '/recovery-jobs', { body: { backup: 'latest:files', target_config } });
      expect(reply.status).toBe(422);
      expect(reply.type).toBe('application/problem+json');
    }
    expect(((await call('GET', '/recovery-jobs')).body.items as unknown[]).length).toBe(jobs);
  });

  test('changes without the token are 401; a foreign Host is refused; unknown paths 404, wrong methods 405', async () => {
    const before = await schedules();
    const noToken = await call('POST', '/schedules', {
      auth: false,
      body: { name: 'y', target: 'files', schedule_cron: '0 1 * * *' },
    });
    expect(noToken.status).toBe(401);
    const wrongToken = await call('DELETE', '/schedules/dup', {
      auth: false,
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrongToken.status).toBe(401);
    expect(await schedules()).toBe(before);
    expect((await call('GET', '/schedules', { auth: false })).status).toBe(200);
    // fetch will not send another Host; node:http will, as a rebinding page's browser would.
    const rebinding = await new Promise<number>((resolve, reject) =>
      http
        .get(`${server.url}/schedules`, { headers: { host: 'evil.example:80' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject),
    );
    expect(rebinding).toBe(400);
    expect((await call('GET', '/nothing/here')).status).toBe(404);
    const wrongMethod = await call('PUT', '/schedules');
    expect(wrongMethod.status).toBe(405);
    expect((await call('GET', '/backups?colour=red')).status).toBe(422);
    expect((await call('GET', '/backups/not-an-id')).status).toBe(422);
    expect((await call('GET', '/backups/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
  });
});

test('the OpenAPI document describes exactly the routes', async () => {
  const doc = await call('GET', '/openapi.json');
  expect(doc.body.openapi).toBe('3.1.0');
  const paths = doc.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
  const documented = Object.entries(paths).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
  );
  expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  const createSchedule = paths['/schedules']!.post as unknown as {
    requestBody: {
      content: {
        'application/json': { schema: { properties: Record<string, unknown>; required: string[] } };
      };
    };
  };
  const schema = createSchedule.requestBody.content['application/json'].schema;
  expect(schema.required.sort()).toEqual(['name', 'schedule_cron', 'target']);
  expect(Object.keys(schema.properties)).toEqual(
    expect.arrayContaining(['retention_policy', 'verification_enabled']),
  );
  const run = paths['/schedules/{name}/run']!.post as unknown as {
    parameters: { name: string; in: string }[];
  };
  expect(run.parameters).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'name', in: 'path' }),
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
    ]),
  );
  // A replayed answer says so, and the document says which header tells.
  const answered = (run as unknown as { responses: Record<string, { headers?: Record<string, unknown> }> })
    .responses['202'];
  expect(Object.keys(answered?.headers ?? {})).toEqual(['Idempotent-Replayed']);
  // A change to a schedule takes no defaults: every field is optional there.
  const change = paths['/schedules/{name}']!.patch as unknown as {
    requestBody: { content: { 'application/json': { schema: { required?: string[] } } } };
  };
  expect(change.requestBody.content['application/json'].schema.required ?? []).toEqual([]);
});

test('in Lambda, an API Gateway event goes through the same router, the IAM principal as the actor', async () => {
  // These calls start nothing; a starter that would say so if they did.
  const notStarting = { start: () => Promise.reject(new Error('nothing should start')) };
  const event = {
    httpMethod: 'GET',
    path: '/schedules/nightly',
    headers: { Accept: 'application/json' },
    queryStringParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      identity: { userArn: 'arn:aws:iam::111122223333:role/ops', sourceIp: '10.0.0.1', userAgent: 'aws-cli' },
    },
  } as unknown as APIGatewayProxyEvent;
  const reply = await lambdaRoute(system.ctx, event, notStarting);
  expect(reply.statusCode).toBe(200);
  expect(JSON.parse(reply.body)).toMatchObject({ name: 'nightly' });
  const bad = await lambdaRoute(
    system.ctx,
    {
      ...event,
      httpMethod: 'POST',
      path: '/schedules',
      headers: { 'Content-Type': 'application/json' },
      body: '{',
    },
    notStarting,
  );
  expect(bad.statusCode).toBe(400);
  expect(bad.headers?.['content-type']).toBe('application/problem+json');
});

test('a person signed in to the admin UI is audited as their Cognito user, not the shared role', async () => {
  const sub = '7f0c1e2a-1111-4222-8333-944455556666';
  const event = {
    httpMethod: 'PATCH',
    path: '/schedules/nightly',
    headers: { 'Content-Type': 'application/json' },
    queryStringParameters: null,
    body: JSON.stringify({ description: 'changed from the UI' }),
    isBase64Encoded: false,
    requestContext: {
      identity: {
        userArn:
          'arn:aws:sts::111122223333:assumed-role/Lifeboat-AdminUiIdentitiesAuthenticatedRole/CognitoIdentityCredentials',
        cognitoIdentityId: 'eu-west-1:0b5d7a8e-0000-4000-8000-000000000002',
        cognitoAuthenticationProvider: `cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool,cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool:CognitoSignIn:${sub}`,
        sourceIp: '198.51.100.7',
        userAgent: 'Mozilla/5.0',
      },
    },
  } as unknown as APIGatewayProxyEvent;
  const reply = await lambdaRoute(system.ctx, event, { start: () => Promise.reject(new Error('none')) });
  expect(reply.statusCode).toBe(200);
  const [entry] = (await system.ctx.catalog.listAuditByUser(`cognito:${sub}`, { limit: 1 })).items;
  expect(entry).toMatchObject({
    action: 'schedule.update',
    ip_address: '198.51.100.7',
    user_agent: 'Mozilla/5.0',
  });
});

test("the schedule form's helper: the next runs in the schedule's zone, a bad expression explained", async () => {
  const preview = await call(
    'GET',
    `/schedule-preview?schedule_cron=${encodeURIComponent('0 9 * * 1')}&timezone=America/New_York&count=3`,
    { auth: false },
  );
  expect(preview.status).toBe(200);
  const runs = preview.body.next_runs as { at: string; local: string }[];
  expect(runs).toHaveLength(3);
  for (const run of runs) {
    // 09:00 on a Monday in New York is 13:00 or 14:00 UTC, depending on daylight saving time.
    expect(run.local).toMatch(/^\d{4}-\d\d-\d\d 09:00 \(Mon\) GMT-[45]$/);
    expect(new Date(run.at).getUTCDay()).toBe(1);
    expect([13, 14]).toContain(new Date(run.at).getUTCHours());
  }
  const bad = await call('GET', '/schedule-preview?schedule_cron=0%2025%20*%20*%20*', { auth: false });
  expect(bad.status).toBe(422);
  expect(bad.type).toBe('application/problem+json');
  expect(bad.body.hint).toMatch(/five fields/);
  const zone = await call('GET', '/schedule-preview?schedule_cron=0%202%20*%20*%20*&timezone=Mars/Base', {
    auth: false,
  });
  expect(zone.status).toBe(422);
  expect(zone.body.detail).toContain('"Mars/Base" is not a known time zone.');
});

test('a change names only what it changes: the other fields keep their values', async () => {
  const before = await call('PATCH', '/schedules/nightly', {
    body: { enabled: false, timezone: 'Asia/Tokyo', backup_type: 'full', retention_policy: { keep_last: 3 } },
  });
  expect(before.body).toMatchObject({ enabled: false, timezone: 'Asia/Tokyo', backup_type: 'full' });
  const changed = await call('PATCH', '/schedules/nightly', { body: { description: 'only this' } });
  expect(changed.status).toBe(200);
  const { description, updated_at, ...rest } = changed.body;
  const { description: _d, updated_at: _u, ...restBefore } = before.body;
  expect(description).toBe('only this');
  expect(rest).toEqual(restBefore);
  expect(String(updated_at) >= String(before.body.updated_at)).toBe(true);
});

test('the dashboard: each schedule with its last backup and RPO status, and the bytes stored', async () => {
  const reply = await call('GET', '/dashboard', { auth: false });
  expect(reply.status).toBe(200);
  const body = reply.body as unknown as Dashboard;
  const nightly = body.schedules.find((s) => s.name === 'nightly');
  // The lifecycle above disabled it: a disabled schedule promises nothing and runs never.
  expect(nightly).toMatchObject({
    target: 'files',
    enabled: false,
    rpo_status: 'disabled',
    next_run: null,
    interval_seconds: 86_400,
  });
  expect(nightly?.last_completed_at).toEqual(expect.any(String));
  expect(nightly?.last_backup?.status).toBe('completed');
  expect(body.totals.completed_backups).toBeGreaterThanOrEqual(1);
  expect(body.totals.original_bytes).toBeGreaterThanOrEqual(400_016);
  expect(body.totals.dedup_ratio).toBeGreaterThan(1);
  expect(body.history.length).toBe(body.totals.completed_backups);
});

test('the admin UI is served under /ui/ with a strict content security policy, and nothing else', async () => {
  const root = await fetch(`${server.url}/`, { redirect: 'manual' });
  expect(root.status).toBe(302);
  expect(root.headers.get('location')).toBe('/ui/');
  const index = await fetch(`${server.url}/ui/`);
  expect(index.status).toBe(200);
  expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(await index.text()).toContain('<script src="app.js" defer></script>');
  const config = await fetch(`${server.url}/ui/config.json`);
  expect(await config.json()).toEqual({ auth: 'token', api: '/' });
  // Only the files the build wrote: no way out of the UI's directory, and no token.
  for (const probe of ['/ui/%2e%2e%2fapi-token', '/ui/..%2F..%2Fhome%2Fapi-token', '/ui/missing.js'])
    expect((await fetch(`${server.url}${probe}`)).status).toBe(404);
  const leaked = await fetch(`${server.url}/ui/../api-token`);
  expect(await leaked.text()).not.toContain(token);
});
