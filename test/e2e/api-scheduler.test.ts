/**
 * Schedules made through the API in AWS become EventBridge Scheduler schedules, kept in step with
 * the catalog: created, changed (enabled, cron, time zone), deleted; what Scheduler cannot express
 * is refused before anything is written, and a Scheduler failure leaves the catalog as it was.
 * EventBridge Scheduler has no local server: its client is mocked (aws-sdk-client-mock); the
 * catalog is real (SQLite).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeScheduleRegistry } from '../../functions/adapters/aws/scheduler/registry';
import type { ApiRequest } from '../../functions/handlers/api/http';
import { dispatch } from '../../functions/handlers/api/router';
import { resolveSettings } from '../../functions/local/home';
import { localSystem, type LocalSystem } from '../../functions/local/system';

const scheduler = mockClient(SchedulerClient);
const TARGET = {
  group: 'Lifeboat-schedules',
  targetArn: 'arn:aws:lambda:eu-west-1:111122223333:function:starter',
  roleArn: 'arn:aws:iam::111122223333:role/scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:111122223333:dlq',
};
let dir: string;
let system: LocalSystem;

async function call(method: string, url: string, body?: unknown) {
  const request: ApiRequest = {
    method,
    path: url,
    query: {},
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    actor: { user_id: 'arn:aws:iam::111122223333:role/ops', ip_address: '10.0.0.1', user_agent: 'test' },
  };
  const ctx = {
    ...system.ctx,
    scheduleRegistry: new EventBridgeScheduleRegistry(new SchedulerClient({ region: 'eu-west-1' }), TARGET),
  };
  const response = await dispatch(request, (r) => ({
    ctx: { ...ctx, actor: r.actor },
    starter: { start: () => Promise.resolve('started' as const) },
  }));
  return {
    status: response.status,
    body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {},
  };
}

beforeEach(async () => {
  scheduler.reset();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-api-scheduler-'));
  const env = { ...process.env, LIFEBOAT_HOME: dir };
  system = localSystem(resolveSettings({}, env), env);
  await call('POST', '/targets', {
    name: 'files',
    target_config: { kind: 'filesystem', paths: ['/srv/files'] },
  });
});
afterEach(async () => {
  await system.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const notFound = () =>
  new ResourceNotFoundException({ message: 'not found', Message: 'not found', $metadata: {} });

test('a schedule created, changed and deleted through the API is created, changed and deleted in Scheduler', async () => {
  scheduler.on(UpdateScheduleCommand).rejectsOnce(notFound()).resolves({});
  scheduler.on(CreateScheduleCommand).resolves({});
  scheduler.on(DeleteScheduleCommand).resolves({});
  const created = await call('POST', '/schedules', {
    name: 'weekly',
    target: 'files',
    schedule_cron: '0 4 * * 0',
    timezone: 'Europe/Berlin',
  });
  expect(created.status).toBe(201);
  expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
    Name: 'weekly',
    GroupName: 'Lifeboat-schedules',
    Description: 'Lifeboat schedule "weekly"',
    ScheduleExpression: 'cron(0 4 ? * 1 *)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    State: 'ENABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: TARGET.targetArn,
      RoleArn: TARGET.roleArn,
      Input: '{"schedule":"weekly","scheduled_time":"<aws.scheduler.scheduled-time>"}',
      RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 7200 },
      DeadLetterConfig: { Arn: TARGET.deadLetterArn },
    },
  });

  expect(
    (await call('PATCH', '/schedules/weekly', { enabled: false, schedule_cron: '0 5 * * 1' })).status,
  ).toBe(200);
  expect(scheduler.commandCalls(UpdateScheduleCommand).at(-1)!.args[0].input).toMatchObject({
    Name: 'weekly',
    State: 'DISABLED',
    ScheduleExpression: 'cron(0 5 ? * 2 *)',
  });

  expect((await call('DELETE', '/schedules/weekly')).status).toBe(204);
  expect(scheduler.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({
    Name: 'weekly',
    GroupName: 'Lifeboat-schedules',
  });
  expect(await system.ctx.catalog.getScheduleByName('weekly')).toBeUndefined();
});

test('a cron Scheduler cannot express is 422 before anything is written', async () => {
  const reply = await call('POST', '/schedules', {
    name: 'both',
    target: 'files',
    schedule_cron: '0 4 1 * 1',
  });
  expect(reply.status).toBe(422);
  expect(reply.body.detail).toMatch(/both the day of month and the day of week/);
  expect(await system.ctx.catalog.getScheduleByName('both')).toBeUndefined();
  expect(scheduler.calls()).toHaveLength(0);
});

test('when Scheduler refuses, the catalog keeps what it had', async () => {
  scheduler.on(UpdateScheduleCommand).rejects(notFound());
  scheduler
    .on(CreateScheduleCommand)
    .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
  const reply = await call('POST', '/schedules', {
    name: 'denied',
    target: 'files',
    schedule_cron: '0 4 * * *',
  });
  expect(reply.status).toBe(500);
  expect(reply.body).toMatchObject({
    detail:
      'EventBridge Scheduler could not create or update the schedule "denied": AccessDeniedException: not authorized',
    hint: expect.stringContaining('iam:PassRole'),
  });
  expect(await system.ctx.catalog.getScheduleByName('denied')).toBeUndefined();

  scheduler.reset();
  scheduler.on(UpdateScheduleCommand).resolves({});
  expect(
    (await call('POST', '/schedules', { name: 'kept', target: 'files', schedule_cron: '0 4 * * *' })).status,
  ).toBe(201);
  scheduler
    .on(UpdateScheduleCommand)
    .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
  expect(
    (await call('PATCH', '/schedules/kept', { schedule_cron: '0 6 * * *', enabled: false })).status,
  ).toBe(500);
  expect(await system.ctx.catalog.getScheduleByName('kept')).toMatchObject({
    schedule_cron: '0 4 * * *',
    enabled: true,
  });
  scheduler
    .on(DeleteScheduleCommand)
    .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
  expect((await call('DELETE', '/schedules/kept')).status).toBe(500);
  expect(await system.ctx.catalog.getScheduleByName('kept')).toBeDefined();
});
