// The backup state machine (state-machines/backup.asl.json) run end to end on the local engine,
// in-process, against a real SQLite catalog and a real repository: the success path, Retry, Catch
// into the failure path, the Fargate route, the payload limit and idempotent execution names.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordNotFoundError, TransientError } from '../../functions/core/errors';
import { describeStepError } from '../../functions/core/services/workflows/step-failure';
import { STEPS, type Step } from '../../functions/core/services/workflows/steps';
import { LocalEngine, type ExecutionRecord } from '../../functions/local/engine';
import type { LocalSystem } from '../../functions/local/system';
import { makeTree } from '../helpers/tree';
import { tempSystem, type TempSystem } from '../helpers/system';

let temp: TempSystem;
let system: LocalSystem;
let source: string;

beforeEach(async () => {
  temp = await tempSystem('lifeboat-workflow-', (source) => makeTree(source));
  ({ system, source } = temp);
});

afterEach(() => temp.cleanup());

const entered = (run: ExecutionRecord) =>
  run.events
    .filter((e) => e.type === 'StateEntered')
    .map((e) => (e as { state: { name: string } }).state.name);
const countOf = (run: ExecutionRecord, type: string) => run.events.filter((e) => e.type === type).length;

function failing(times: number, make: () => Error, step: Step = STEPS.RunBackupFunctionArn!): Step {
  let calls = 0;
  return async (ctx, input) => {
    if (calls++ < times) throw make();
    return step(ctx, input);
  };
}

describe('backup workflow on the local engine', () => {
  it('records a backup pending → running → completed, with sizes and checksum from the snapshot', async () => {
    const engine = new LocalEngine(system.ctx);
    const run = await engine.run('backup', { target: 'web' });
    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run)).toEqual([
      'Prepare backup',
      'Choose compute',
      'Run backup on Lambda',
      'Replicate to copies',
      'Commit backup',
      'Backup completed',
    ]);

    const [backup] = (await system.catalog.listBackupsByTarget('web')).items;
    const manifest = await (await system.ctx.repository()).loadSnapshot(backup!.id);
    expect(backup).toMatchObject({
      status: 'completed',
      progress: 100,
      backup_type: 'full',
      target_type: 'filesystem',
      target_identifier: 'web',
      parent_backup_id: null,
      original_size_bytes: manifest.stats.original_size_bytes,
      final_size_bytes: manifest.stats.final_size_bytes,
      checksum_algorithm: 'sha256-tree',
      checksum_value: manifest.checksum_value,
      storage_backend: 'local',
      error_message: null,
    });
    expect(backup!.original_size_bytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(system.events.published.map((e) => e.type)).toEqual(['Backup Completed']);
    const actions = (await system.catalog.listAudit({ descending: false })).items.map((a) => a.action);
    expect(actions).toEqual(['target.create', 'backup.start', 'backup.complete']);

    // The second backup of the target is an incremental on top of the first.
    fs.appendFileSync(path.join(source, 'one-byte'), 'y');
    const second = await engine.run('backup', { target: 'web' });
    expect(second.status).toBe('SUCCEEDED');
    const latest = await system.catalog.latestCompleted('web');
    expect(latest).toMatchObject({ backup_type: 'incremental', parent_backup_id: backup!.id });
  });

  it('retries a transient failure and then succeeds', async () => {
    const steps = {
      ...STEPS,
      RunBackupFunctionArn: failing(2, () => new TransientError('connection reset by the store')),
    };
    const run = await new LocalEngine(system.ctx, { steps, retryDelays: 'none' }).run('backup', {
      target: 'web',
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(countOf(run, 'StateRetried')).toBe(2);
    expect((await system.catalog.listBackups()).items[0]?.status).toBe('completed');
  });

  it('retries, then catches: the catalog records the failure and a failure event goes out', async () => {
    const steps = {
      ...STEPS,
      RunBackupFunctionArn: failing(100, () => new TransientError('the store keeps resetting')),
    };
    const run = await new LocalEngine(system.ctx, { steps, retryDelays: 'none' }).run('backup', {
      target: 'web',
    });
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe('TransientError');
    expect(countOf(run, 'StateRetried')).toBe(3); // MaxAttempts of the TransientError retrier
    expect(entered(run).slice(-2)).toEqual(['Record failure', 'Backup failed']);
    const [backup] = (await system.catalog.listBackups()).items;
    expect(backup).toMatchObject({ status: 'failed' });
    expect(backup!.error_message).toMatch(/the store keeps resetting/);
    expect(system.events.published).toEqual([
      expect.objectContaining({
        type: 'Backup Failed',
        detail: expect.objectContaining({ backup_id: backup!.id }),
      }),
    ]);
    // Nothing was committed: the repository holds no snapshot.
    expect(await (await system.ctx.repository()).listSnapshots()).toEqual([]);
  });

  it('does not retry an error that would happen again, and says what is wrong', async () => {
    const run = await new LocalEngine(system.ctx, { retryDelays: 'none' }).run('backup', { target: 'nope' });
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe(new RecordNotFoundError('target', 'x').name);
    expect(countOf(run, 'StateRetried')).toBe(0);
    // Cause is the Lambda runtime's JSON, as in AWS; its errorMessage is the operator's message.
    expect(JSON.parse(run.error!.Cause!)).toMatchObject({ errorType: 'RecordNotFoundError' });
    expect(describeStepError(run.error)).toMatch(/^No target "nope"\. Create it with `lifeboat target add/);
    expect((await system.catalog.listBackups()).items).toEqual([]);
    const audit = (await system.catalog.listAudit()).items[0];
    expect(audit).toMatchObject({ action: 'backup.fail', entity_id: null });
  });

  it('routes a large source to the Fargate task, which runs the same worker in-process', async () => {
    const engine = new LocalEngine({ ...system.ctx, fargateThresholdBytes: 1 }, { retryDelays: 'none' });
    expect((await engine.run('backup', { target: 'web' })).status).toBe('SUCCEEDED');
    // Now the target has a size above the threshold.
    const run = await engine.run('backup', { target: 'web' });
    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run)).toContain('Run backup on Fargate');
    expect(entered(run)).not.toContain('Run backup on Lambda');
    expect((await system.catalog.latestCompleted('web'))?.backup_type).toBe('incremental');
  });

  it('refuses a step result above the 256 KiB payload limit', async () => {
    const steps: Record<string, Step> = {
      ...STEPS,
      CommitBackupFunctionArn: async (ctx, input) => ({
        ...((await STEPS.CommitBackupFunctionArn!(ctx, input)) as object),
        padding: 'x'.repeat(300 * 1024),
      }),
    };
    const run = await new LocalEngine(system.ctx, { steps, retryDelays: 'none' }).run('backup', {
      target: 'web',
    });
    expect(run.status).toBe('FAILED');
    expect(run.error?.Cause).toMatch(/256|262144/);
  });

  it('runs an execution name once, as Step Functions does', async () => {
    const engine = new LocalEngine(system.ctx);
    const first = await engine.run('backup', { target: 'web' }, 'nightly-2026-11-26T02-00');
    const again = await engine.run('backup', { target: 'web' }, 'nightly-2026-11-26T02-00');
    expect(first.status).toBe('SUCCEEDED');
    expect(again.status).toBe('ALREADY_STARTED');
    expect((await system.catalog.listBackups()).items).toHaveLength(1);
  });
});
