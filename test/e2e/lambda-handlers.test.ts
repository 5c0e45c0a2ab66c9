// The Lambda handlers (middy + Powertools) and the Fargate worker, as AWS would call them, against
// a real local DynamoDB (dynalite) and a real repository on a mounted path. EventBridge has no
// local emulator: its client is mocked (aws-sdk-client-mock) and the test checks what was sent.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoRecordStore } from '../../functions/adapters/aws/dynamodb/record-store';
import { RecordCatalog } from '../../functions/core/services/catalog/record-catalog';
import { initRepository, resolveSettings } from '../../functions/local/home';
import { handler as commit } from '../../functions/handlers/commit-backup';
import { handler as prepare } from '../../functions/handlers/prepare-backup';
import { handler as recordFailure } from '../../functions/handlers/record-backup-failure';
import { handler as planRestore } from '../../functions/handlers/plan-restore';
import { handler as recordRestoreFailure } from '../../functions/handlers/record-restore-failure';
import { handler as run } from '../../functions/handlers/run-backup';
import { handler as validateRestore } from '../../functions/handlers/validate-restore';
import { ROOT, NODE } from '../helpers/cli';
import { lambdaContext } from '../helpers/lambda';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { target } from '../helpers/catalog';

const eventBridge = mockClient(EventBridgeClient);
let dynalite: Dynalite;
let dir: string;
let catalog: RecordCatalog;
const saved = { ...process.env };

/** What the handlers print (Powertools writes JSON lines to stdout, errors to stderr). */
function capture(): { lines: () => Record<string, unknown>[]; stop: () => void } {
  const out: string[] = [];
  const keep = (chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(keep),
    jest.spyOn(process.stderr, 'write').mockImplementation(keep),
  ];
  return {
    lines: () =>
      out
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

beforeAll(async () => {
  dynalite = await startDynalite();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-lambda-'));
  const settings = resolveSettings({ repo: path.join(dir, 'efs', 'repository') }, { LIFEBOAT_HOME: dir });
  await initRepository(settings);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    LIFEBOAT_CATALOG_TABLE: 'lifeboat-catalog',
    LIFEBOAT_REPOSITORY: settings.repoUrl,
    // The stack's lifeboat:fileSystem mount: this directory stands for it (the repository is on it too).
    LIFEBOAT_FILES_MOUNT: dir,
    LIFEBOAT_FARGATE_THRESHOLD_BYTES: String(1.5 * 1024 * 1024),
    LIFEBOAT_KEY_FILE: settings.keyFile,
    LIFEBOAT_HOME: dir,
    LIFEBOAT_EVENT_BUS: 'lifeboat',
    POWERTOOLS_METRICS_NAMESPACE: 'Lifeboat',
  });
  const store = new DynamoRecordStore(dynalite.client, 'lifeboat-catalog');
  await store.ensureTable();
  catalog = new RecordCatalog(store);
  const source = path.join(dir, 'source');
  fs.mkdirSync(source);
  fs.writeFileSync(path.join(source, 'a.txt'), 'lambda\n');
  await catalog.createTarget(target('web', source));
});

afterAll(async () => {
  process.env = saved;
  await dynalite.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A directory `dir/name` holding `files` (by relative path), recorded as the target `name`. */
async function fileTarget(name: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    const at = path.join(dir, name, file);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.writeFileSync(at, content);
  }
  await catalog.createTarget(target(name, path.join(dir, name)));
}

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
});

describe('Lambda handlers', () => {
  it('run the backup steps against DynamoDB, log JSON with the Lambda context, emit metrics and events', async () => {
    const output = capture();
    let prepared: { backup_id: string; compute: string };
    try {
      prepared = (await prepare({ target: 'web' }, lambdaContext('prepare'))) as typeof prepared;
      await run({ backup_id: prepared.backup_id }, lambdaContext('run'));
      await commit({ backup_id: prepared.backup_id }, lambdaContext('commit'));
    } finally {
      output.stop();
    }
    expect(prepared.compute).toBe('lambda');
    expect(await catalog.getBackup(prepared.backup_id)).toMatchObject({
      status: 'completed',
      target_identifier: 'web',
    });
    const sent = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.[0]);
    expect(sent).toEqual([
      expect.objectContaining({
        Source: 'lifeboat',
        DetailType: 'Backup Completed',
        EventBusName: 'lifeboat',
      }),
    ]);
    expect(JSON.parse(sent[0]!.Detail!)).toMatchObject({ backup_id: prepared.backup_id, target: 'web' });
    // Metrics in CloudWatch's embedded format, one flush per invocation.
    const metrics = output.lines().filter((l) => '_aws' in l);
    expect(metrics).toHaveLength(3);
    expect(metrics[0]).toMatchObject({ step: 'PrepareBackup', StepSucceeded: 1 });
  });

  it('fail with the name a Retry matches and a message for people, logged with the request id', async () => {
    const output = capture();
    let error: Error | undefined;
    try {
      await prepare({ target: 'nope' }, lambdaContext('prepare'));
    } catch (e) {
      error = e as Error;
    } finally {
      output.stop();
    }
    expect(error?.name).toBe('RecordNotFoundError');
    expect(error?.message).toMatch(/^No target "nope"\. Create it with/);
    const logged = output.lines().find((l) => l.message === 'step failed');
    expect(logged).toMatchObject({
      level: 'ERROR',
      function_request_id: 'req-prepare',
      errorType: 'RecordNotFoundError',
    });

    // EventBridge refusing the event is transient: Commit fails as TransientError and is retried.
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    const quiet = capture();
    try {
      const { backup_id } = (await prepare({ target: 'web' }, lambdaContext('p'))) as { backup_id: string };
      await run({ backup_id }, lambdaContext('r'));
      await expect(commit({ backup_id }, lambdaContext('c'))).rejects.toMatchObject({
        name: 'TransientError',
      });
      // The retry goes through once EventBridge takes events again.
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e2' }] });
      await commit({ backup_id }, lambdaContext('c'));
      expect((await catalog.getBackup(backup_id))?.status).toBe('completed');
    } finally {
      quiet.stop();
    }
  });
});

describe("the operator's files on AWS", () => {
  it('are where the stack mounts its file system: a backup or restore of a path elsewhere stops at its first step, saying so', async () => {
    // Recorded straight into the catalog: the API refuses such a target (worker-files.test.ts).
    await catalog.createTarget(target('elsewhere', path.join(os.tmpdir(), 'not-on-the-mount')));
    const output = capture();
    let backupError: Error | undefined;
    let restoreError: Error | undefined;
    try {
      backupError = await prepare({ target: 'elsewhere' }, lambdaContext('prepare')).then(
        () => undefined,
        (e: Error) => e,
      );
      restoreError = await validateRestore(
        { backup: 'latest:web', target_config: { kind: 'directory', path: '/var/task/restored' } },
        lambdaContext('validate'),
      ).then(
        () => undefined,
        (e: Error) => e,
      );
    } finally {
      output.stop();
    }
    // The step's error carries the next step to take, for the execution's history.
    const hint = `Name a path under ${dir}/ (the root of the EFS access point is ${dir}).`;
    expect(backupError?.message).toBe(
      `Cannot back up ${path.join(os.tmpdir(), 'not-on-the-mount')}: the workers see files only on the file system mounted at ${dir}. ${hint}`,
    );
    expect(restoreError?.message).toBe(
      `Cannot restore into /var/task/restored: the workers see files only on the file system mounted at ${dir}. ${hint}`,
    );
    // Nothing was recorded for the refused backup: its target has no backup at all.
    expect((await catalog.listBackupsByTarget('elsewhere')).items).toEqual([]);
    // A restore under the mount passes the same check.
    const output2 = capture();
    try {
      await expect(
        validateRestore(
          { backup: 'latest:web', target_config: { kind: 'directory', path: path.join(dir, 'restored') } },
          lambdaContext('validate'),
        ),
      ).resolves.toMatchObject({ validate_only: false });
    } finally {
      output2.stop();
    }
  });
});

describe('choosing the compute of a first backup of files', () => {
  it('walks the tree until it is over the Fargate threshold, and sends it to Fargate', async () => {
    // Three directories of 1 MiB each against a threshold of 1.5 MiB: the walk stops once over it,
    // after two in JavaScript; the native walk (tree-size.c) is asked every 20 ms and may be done.
    const mib = Buffer.alloc(1024 * 1024, 1);
    await fileTarget('large', { 'a/f.bin': mib, 'b/f.bin': mib, 'c/f.bin': mib });
    // A small tree is walked whole: its size is the estimate.
    await fileTarget('small', { 'one.txt': '12345', 'sub/two.txt': '123' });
    const quiet = capture();
    type Prepared = { compute: string; estimated_bytes: number };
    let prepared: Prepared[];
    try {
      prepared = [
        (await prepare({ target: 'large' }, lambdaContext('p'))) as Prepared,
        (await prepare({ target: 'small' }, lambdaContext('p'))) as Prepared,
      ];
    } finally {
      quiet.stop();
    }
    expect(prepared[0]!.compute).toBe('fargate');
    expect([2 * 1024 * 1024, 3 * 1024 * 1024]).toContain(prepared[0]!.estimated_bytes);
    expect(prepared[1]).toMatchObject({ compute: 'lambda', estimated_bytes: 8 });
  });
});

describe("a backup that runs out of Lambda's time", () => {
  it('is recorded as such, and the backups of its target run on Fargate from then on', async () => {
    await fileTarget('slow', { 'f.txt': 'many small files, say\n' });
    const quiet = capture();
    type Prepared = { backup_id: string; compute: string; estimated_bytes: number; replicas: string[] };
    let first: Prepared;
    let second: Prepared;
    let third: Prepared;
    try {
      first = (await prepare({ target: 'slow' }, lambdaContext('p'))) as Prepared;
      // What the Catch of "Run backup on Lambda" hands Record failure when Lambda stops the function.
      const timedOut = {
        Error: 'Sandbox.Timedout',
        Cause: JSON.stringify({
          errorType: 'Sandbox.Timedout',
          errorMessage: 'RequestId: 1 Error: Task timed out after 900.00 seconds',
        }),
      };
      await recordFailure({ target: 'slow', prepared: first, error: timedOut }, lambdaContext('f'));
      second = (await prepare({ target: 'slow' }, lambdaContext('p'))) as Prepared;
      // Sticky: after that attempt (whatever became of it), the next one goes to Fargate too.
      await recordFailure(
        {
          target: 'slow',
          prepared: second,
          error: { Error: 'States.TaskFailed', Cause: 'ECS task stopped' },
        },
        lambdaContext('f'),
      );
      third = (await prepare({ target: 'slow' }, lambdaContext('p'))) as Prepared;
    } finally {
      quiet.stop();
    }
    expect(first.compute).toBe('lambda');
    const failed = await catalog.getBackup(first.backup_id);
    expect(failed).toMatchObject({
      status: 'failed',
      metadata: expect.objectContaining({ timed_out_on: 'lambda' }),
    });
    expect(failed?.error_message).toBe(
      'RequestId: 1 Error: Task timed out after 900.00 seconds. It ran on Lambda, which stops a step at 15 minutes; the next backup of slow runs on Fargate.',
    );
    expect(second).toMatchObject({ compute: 'fargate', estimated_bytes: first.estimated_bytes });
    expect(third.compute).toBe('fargate');
    // A Fargate failure is not a Lambda timeout: recorded as it was.
    expect((await catalog.getBackup(second.backup_id))?.error_message).toBe('ECS task stopped');
  });
});

describe("a restore that runs out of Lambda's time", () => {
  it('is recorded as such, and the next restore of that backup runs on Fargate', async () => {
    await fileTarget('restorable', { 'f.txt': 'restore me\n' });
    const quiet = capture();
    type Plan = { compute: string; estimated_bytes: number };
    let firstPlan: Plan;
    let secondPlan: Plan;
    let jobId: string;
    try {
      const { backup_id } = (await prepare({ target: 'restorable' }, lambdaContext('p'))) as {
        backup_id: string;
      };
      await run({ backup_id }, lambdaContext('r'));
      await commit({ backup_id }, lambdaContext('c'));
      const request = (to: string) => ({
        backup: 'latest:restorable',
        target_config: { kind: 'directory', path: path.join(dir, to) },
      });
      jobId = ((await validateRestore(request('r1'), lambdaContext('v'))) as { recovery_job_id: string })
        .recovery_job_id;
      firstPlan = (await planRestore({ recovery_job_id: jobId }, lambdaContext('pl'))) as Plan;
      await recordRestoreFailure(
        {
          validated: { recovery_job_id: jobId },
          plan: firstPlan,
          error: { Error: 'States.Timeout', Cause: 'The task timed out.' },
        },
        lambdaContext('f'),
      );
      const again = (await validateRestore(request('r2'), lambdaContext('v'))) as { recovery_job_id: string };
      secondPlan = (await planRestore(
        { recovery_job_id: again.recovery_job_id },
        lambdaContext('pl'),
      )) as Plan;
    } finally {
      quiet.stop();
    }
    expect(firstPlan.compute).toBe('lambda');
    const failed = await catalog.getRecoveryJob(jobId);
    expect(failed).toMatchObject({
      status: 'failed',
      validation_results: expect.objectContaining({ timed_out_on: 'lambda' }),
    });
    expect(failed?.error_message).toBe(
      'The task timed out. It ran on Lambda, which stops a step at 15 minutes; the next restore of this backup runs on Fargate.',
    );
    expect(secondPlan).toMatchObject({ compute: 'fargate', estimated_bytes: firstPlan.estimated_bytes });
  });
});

describe('the Fargate worker', () => {
  it('runs the same step from its command and environment', async () => {
    const quiet = capture();
    let backupId: string;
    try {
      backupId = ((await prepare({ target: 'web' }, lambdaContext('p'))) as { backup_id: string }).backup_id;
    } finally {
      quiet.stop();
    }
    const worker = path.join(ROOT, 'dist', 'functions', 'handlers', 'fargate-worker.js');
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(NODE, [worker, 'run-backup'], { env: { ...process.env, BACKUP_ID: backupId } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toMatch(/"message":"worker finished"/);
    expect((await catalog.getBackup(backupId))?.status).toBe('running'); // Commit is the next state
    const missing = await new Promise<number | null>((resolve) =>
      spawn(NODE, [worker, 'run-backup'], { env: { ...process.env, BACKUP_ID: '' } }).on('close', resolve),
    );
    expect(missing).toBe(2);
  });
});
