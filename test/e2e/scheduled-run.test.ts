/**
 * What EventBridge Scheduler's deliveries do in AWS, run on the local engine: a schedule fires,
 * the backup workflow runs once per scheduled time however often the delivery is retried, a
 * schedule declared in the deployment is recorded on its first run, a disabled one starts
 * nothing. The completed backup's event carries what the CDK app's rules match on. The Step
 * Functions adapter is checked against a mocked SFN client (no local Step Functions server).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { StepFunctionsStarter } from '../../functions/adapters/aws/sfn/workflow-starter';
import { RecordNotFoundError } from '../../functions/core/errors';
import type { WorkflowStarter } from '../../functions/core/ports/workflows';
import { startScheduledBackup } from '../../functions/core/services/schedules/scheduled-run';
import { setScheduleEnabled } from '../../functions/core/services/schedules/schedules';
import type { LifeboatEvent } from '../../functions/core/ports/events';
import { LocalEngine } from '../../functions/local/engine';
import { reactionsTo, reactOn } from '../../functions/local/reactions';
import { RETENTION_AFTER_BACKUP, VERIFY_AFTER_BACKUP } from '../../lib/events';
import { resolveSettings } from '../../functions/local/home';
import { localSystem, type LocalSystem } from '../../functions/local/system';

jest.setTimeout(120_000);

let dir: string;
let system: LocalSystem;
let starts: { name: string; status: string }[];
let starter: WorkflowStarter;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-scheduled-'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'scheduled\n');
  const env = { ...process.env, LIFEBOAT_HOME: path.join(dir, 'home') };
  system = localSystem(resolveSettings({}, env), env);
  const engine = new LocalEngine(system.ctx, { retryDelays: 'none' });
  starts = [];
  starter = {
    start: async (workflow, input, name) => {
      const run = await engine.run(workflow, input, name);
      const status = run.status === 'ALREADY_STARTED' ? 'already_started' : 'started';
      starts.push({ name, status: run.status });
      return status;
    },
  };
});
afterEach(async () => {
  await system.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const declared = () => ({
  schedule: {
    name: 'nightly',
    target: 'files',
    cron: '30 2 * * *',
    timezone: 'Europe/Berlin',
    verify: true,
    retention: 'keep-last=1',
  },
  target: { name: 'files', target_config: { kind: 'filesystem', paths: [path.join(dir, 'data')] } },
});

/** EventBridge's matching, for the pattern forms the CDK app's rules use (values and exists). */
function matchesRule(
  rule: { detailType: string[] } & Record<string, unknown>,
  event: LifeboatEvent,
): boolean {
  const { detailType, ...rest } = rule;
  return matches(
    { ...rest, 'detail-type': detailType },
    { source: 'lifeboat', 'detail-type': event.type, detail: event.detail },
  );
}

function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (!Array.isArray(expected))
      return (
        typeof actual === 'object' &&
        actual !== null &&
        matches(expected as Record<string, unknown>, actual as Record<string, unknown>)
      );
    return expected.some((e) =>
      typeof e === 'object' && e !== null && 'exists' in e
        ? (actual !== undefined) === (e as { exists: boolean }).exists
        : e === actual,
    );
  });
}

test('a declared schedule is recorded on its first run; a retried delivery of the same time starts nothing', async () => {
  const delivery = { schedule: 'nightly', scheduled_time: '2026-11-27T01:30:00Z', declared: declared() };
  const first = await startScheduledBackup(system.ctx, starter, delivery);
  expect(first.status).toBe('started');
  const schedule = await system.ctx.catalog.getScheduleByName('nightly');
  expect(schedule).toMatchObject({
    schedule_cron: '30 2 * * *',
    timezone: 'Europe/Berlin',
    verification_enabled: true,
  });
  expect(first.execution_name).toBe(`${schedule!.id}-20261127T0130`);

  const again = await startScheduledBackup(system.ctx, starter, delivery);
  expect(again).toEqual({ ...first, status: 'already_started' });
  const { items } = await system.ctx.catalog.listBackups({ limit: 10 });
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({
    status: 'completed',
    schedule_id: schedule!.id,
    target_identifier: 'files',
  });

  // The event the CDK app's rules (and the local engine's reactions) start verification and
  // retention on.
  const completed = system.events.published.find((e) => e.type === 'Backup Completed')!;
  expect(completed.detail).toMatchObject({
    schedule_name: 'nightly',
    verification_enabled: true,
    retention_enabled: true,
  });
  expect(matchesRule(VERIFY_AFTER_BACKUP, completed)).toBe(true);
  expect(matchesRule(RETENTION_AFTER_BACKUP, completed)).toBe(true);
  expect(reactionsTo(completed)).toEqual([
    { workflow: 'verify', input: { backup: items[0]!.id, verification_type: 'checksum' } },
    { workflow: 'retention', input: { schedule: 'nightly' } },
  ]);

  // The next scheduled time is a new backup.
  const next = await startScheduledBackup(system.ctx, starter, {
    ...delivery,
    scheduled_time: '2026-11-28T01:30:00Z',
  });
  expect(next.status).toBe('started');
  expect(starts.map((s) => s.status)).toEqual(['SUCCEEDED', 'ALREADY_STARTED', 'SUCCEEDED']);
});

test('a disabled schedule starts nothing; an undeclared schedule missing from the catalog is an error that says what to do', async () => {
  await startScheduledBackup(system.ctx, starter, {
    schedule: 'nightly',
    scheduled_time: '2026-11-27T01:30:00Z',
    declared: declared(),
  });
  await setScheduleEnabled(system.ctx, 'nightly', false);
  const disabled = await startScheduledBackup(system.ctx, starter, {
    schedule: 'nightly',
    scheduled_time: '2026-11-28T01:30:00Z',
  });
  expect(disabled.status).toBe('disabled');
  expect(starts).toHaveLength(1);

  const missing = startScheduledBackup(system.ctx, starter, {
    schedule: 'gone',
    scheduled_time: '2026-11-28T01:30:00Z',
  });
  await expect(missing).rejects.toBeInstanceOf(RecordNotFoundError);
  await expect(missing).rejects.toHaveProperty('hint', expect.stringMatching(/delete it there too/));
  await expect(
    startScheduledBackup(system.ctx, starter, { schedule: 'nightly', scheduled_time: 'yesterday' }),
  ).rejects.toThrow();
});

test('a schedule without verification or retention policy: its backup event starts neither', async () => {
  const d = declared();
  d.schedule.verify = false;
  d.schedule.retention = '';
  await startScheduledBackup(system.ctx, starter, {
    schedule: 'nightly',
    scheduled_time: '2026-11-27T01:30:00Z',
    declared: d,
  });
  const completed = system.events.published.find((e) => e.type === 'Backup Completed')!;
  expect(completed.detail).toMatchObject({ verification_enabled: false, retention_enabled: false });
  expect(matchesRule(VERIFY_AFTER_BACKUP, completed)).toBe(false);
  expect(matchesRule(RETENTION_AFTER_BACKUP, completed)).toBe(false);
  expect(reactionsTo(completed)).toEqual([]);
});

test('on the local engine, the reactions verify each scheduled backup and apply its retention', async () => {
  const engine = new LocalEngine(system.ctx, { retryDelays: 'none' });
  const reacted: string[] = [];
  const reactions = reactOn(system.events, engine, (reaction, run) =>
    reacted.push(`${reaction.workflow}:${run instanceof Error ? run.message : run.status}`),
  );
  const delivery = { schedule: 'nightly', scheduled_time: '2026-11-27T01:30:00Z', declared: declared() };
  await startScheduledBackup(system.ctx, starter, delivery);
  fs.writeFileSync(path.join(dir, 'data', 'b.txt'), 'a day later\n');
  await startScheduledBackup(system.ctx, starter, { ...delivery, scheduled_time: '2026-11-28T01:30:00Z' });
  await reactions.settled();
  expect(reacted.sort()).toEqual([
    'retention:SUCCEEDED',
    'retention:SUCCEEDED',
    'verify:SUCCEEDED',
    'verify:SUCCEEDED',
  ]);
  const verifications = await system.ctx.catalog.listVerifications({ limit: 10 });
  expect(verifications.items.map((v) => v.status)).toEqual(['passed', 'passed']);
  // keep-last=1: only the newest backup is left.
  const { items } = await system.ctx.catalog.listBackupsByStatus('completed', { limit: 10 });
  expect(items).toHaveLength(1);
  expect(items[0]!.scheduled_at).toBe('2026-11-28T01:30:00.000Z');
});

describe('StepFunctionsStarter (SFN client mocked: no local Step Functions server)', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());
  const env = {
    LIFEBOAT_BACKUP_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:backup',
  };

  test('starts the workflow by its ARN with the name and the input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    const starter = new StepFunctionsStarter(new SFNClient({ region: 'eu-west-1' }), env);
    await expect(starter.start('backup', { schedule_id: 's' }, 'n-1')).resolves.toBe('started');
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: env.LIFEBOAT_BACKUP_STATE_MACHINE_ARN,
      name: 'n-1',
      input: '{"schedule_id":"s"}',
    });
  });

  test('an execution of that name already existing is "already started"; other errors are errors', async () => {
    const starter = new StepFunctionsStarter(new SFNClient({ region: 'eu-west-1' }), env);
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(starter.start('backup', {}, 'n-1')).resolves.toBe('already_started');
    sfn.on(StartExecutionCommand).rejects(new Error('AccessDenied'));
    await expect(starter.start('backup', {}, 'n-1')).rejects.toThrow('AccessDenied');
    await expect(new StepFunctionsStarter(new SFNClient({}), {}).start('restore', {}, 'x')).rejects.toThrow(
      /LIFEBOAT_RESTORE_STATE_MACHINE_ARN is not set/,
    );
  });
});
