/**
 * What the local engine emulates beyond aws-local-stepfunctions (which silently ignores it): a
 * Distributed Map's ItemReader (JSON, JSONL, CSV objects and listings in S3: s3rver here),
 * ItemSelector, ItemBatcher, MaxConcurrency, tolerated failures and ResultWriter, and Tasks'
 * HeartbeatSeconds. Each definition also passes asl-validator, as the deployed ones must.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import aslValidator from 'asl-validator';
import { heartbeat, withHeartbeat } from '../../functions/core/services/workflows/heartbeat';
import { JobProgress } from '../../functions/core/services/workflows/job-progress';
import type { Step } from '../../functions/core/services/workflows/steps';
import { LocalEngine } from '../../functions/local/engine';
import { resolveSettings } from '../../functions/local/home';
import { localSystem, type LocalSystem } from '../../functions/local/system';
import { substitute } from '../../functions/local/state-machines';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';

jest.setTimeout(120_000);

const saved = { ...process.env };
let s3: S3rverInstance;
let dir: string;
let system: LocalSystem;
let running = 0;
let mostAtOnce = 0;

const LAMBDA_CAUSE = JSON.stringify({
  errorType: 'Divisible',
  errorMessage: '3 is divisible by 3',
  trace: [],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const steps: Record<string, Step> = {
  /** Sums a batch's numbers (or doubles one item), slowly enough for concurrency to show. */
  SumFunctionArn: async (_ctx, input) => {
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    await sleep(30);
    running--;
    const batch = input as { Items?: { n: number }[]; BatchInput?: unknown; n?: number };
    if (batch.Items)
      return { sum: batch.Items.reduce((a, i) => a + Number(i.n), 0), batch: batch.BatchInput };
    if (Number(batch.n) % 3 === 0)
      throw Object.assign(new Error(`${batch.n} is divisible by 3`), { name: 'Divisible' });
    return { doubled: Number(batch.n) * 2 };
  },
  SilentFunctionArn: async () => {
    await sleep(2500);
    return { done: true };
  },
  BeatingFunctionArn: async () => {
    for (let i = 0; i < 10; i++) {
      await sleep(250);
      heartbeat();
    }
    return { done: true };
  },
};

const lambdaTask = (fn: string, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: `\${${fn}}`, 'Payload.$': '$' },
  ResultSelector: { 'result.$': '$.Payload' },
  OutputPath: '$.result',
  TimeoutSeconds: 30,
  End: true,
  ...extra,
});

function mapDefinition(map: Record<string, unknown>): string {
  return JSON.stringify({
    StartAt: 'Each item',
    States: {
      'Each item': {
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Work',
          States: { Work: lambdaTask('SumFunctionArn') },
        },
        ResultPath: '$.results',
        Next: 'Done',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
        ...map,
      },
      Done: { Type: 'Succeed' },
      Failed: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
    },
  });
}

async function run(text: string, input: Record<string, unknown> = {}) {
  const fake = substitute(text, (p) => `arn:aws:lambda:eu-west-1:111122223333:function:${p}`);
  const { isValid, errors } = aslValidator(JSON.parse(fake) as object);
  expect({ isValid, errors }).toEqual({ isValid: true, errors: [] });
  const engine = new LocalEngine(system.ctx, { steps, retryDelays: 'none' });
  return engine.runDefinition(text, input, {
    executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:lifeboat-test:run-1',
    name: 'run-1',
    startedAt: new Date().toISOString(),
    machine: 'test',
  });
}

async function put(key: string, body: string) {
  await (await system.ctx.openStore('s3://items')).store.put(key, Buffer.from(body));
}

async function getJson(key: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of await (await system.ctx.openStore('s3://items')).store.get(key))
    chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

beforeAll(async () => {
  s3 = await startS3rver(['items']);
  Object.assign(process.env, s3.env);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-dmap-'));
  const env = { ...process.env, LIFEBOAT_HOME: dir };
  system = localSystem(resolveSettings({}, env), env);
});
afterAll(async () => {
  process.env = saved;
  await system.close();
  await s3.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  mostAtOnce = 0;
});

describe('Distributed Map', () => {
  test('reads a JSON array from S3, selects, batches with BatchInput, at most MaxConcurrency at once', async () => {
    await put('in/numbers.json', JSON.stringify([1, 2, 3, 4, 5, 6, 7].map((n) => ({ n, noise: 'x' }))));
    const record = await run(
      mapDefinition({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON', MaxItems: 6 },
          Parameters: { 'Bucket.$': '$.bucket', Key: 'in/numbers.json' },
        },
        ItemSelector: { 'n.$': '$$.Map.Item.Value.n', 'index.$': '$$.Map.Item.Index' },
        ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'label.$': '$.label' } },
        MaxConcurrency: 2,
      }),
      { bucket: 'items', label: 'nightly' },
    );
    expect(record.status).toBe('SUCCEEDED');
    expect((record.output as { results: unknown }).results).toEqual([
      { sum: 3, batch: { label: 'nightly' } },
      { sum: 7, batch: { label: 'nightly' } },
      { sum: 11, batch: { label: 'nightly' } },
    ]);
    expect(mostAtOnce).toBe(2);
  });

  test('reads JSON Lines, CSV (first-row and given headers) and bucket listings', async () => {
    await put('in/lines.jsonl', '{"n":1}\n{"n":2}\n\n{"n":4}\n');
    await put('in/table.csv', 'n,name\n1,"a, quoted"\n2,b\n');
    await put('in/bare.csv', '5;x\n7;y\n');
    const reader = (Key: string, ReaderConfig: Record<string, unknown>) =>
      mapDefinition({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig,
          Parameters: { Bucket: 'items', Key },
        },
        ToleratedFailurePercentage: 100,
      });
    const jsonl = await run(reader('in/lines.jsonl', { InputType: 'JSONL' }));
    expect((jsonl.output as { results: unknown }).results).toEqual([
      { doubled: 2 },
      { doubled: 4 },
      { doubled: 8 },
    ]);
    const csv = await run(
      mapDefinition({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
          Parameters: { Bucket: 'items', Key: 'in/table.csv' },
        },
        ItemBatcher: { MaxItemsPerBatch: 10 },
      }),
    );
    expect((csv.output as { results: unknown }).results).toEqual([{ sum: 3 }]);
    const given = await run(
      mapDefinition({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: {
            InputType: 'CSV',
            CSVHeaderLocation: 'GIVEN',
            CSVHeaders: ['n', 'tag'],
            CSVDelimiter: 'SEMICOLON',
          },
          Parameters: { Bucket: 'items', Key: 'in/bare.csv' },
        },
      }),
    );
    expect((given.output as { results: unknown }).results).toEqual([{ doubled: 10 }, { doubled: 14 }]);
    const listing = await run(
      mapDefinition({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:listObjectsV2',
          Parameters: { Bucket: 'items', Prefix: 'in/' },
        },
        ItemBatcher: { MaxItemsPerBatch: 100 },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Keys',
          States: { Keys: { Type: 'Pass', Parameters: { 'keys.$': '$.Items[*].Key' }, End: true } },
        },
      }),
    );
    const [keys] = (listing.output as { results: { keys: string[] }[] }).results;
    expect(keys!.keys).toEqual(expect.arrayContaining(['in/lines.jsonl', 'in/table.csv', 'in/bare.csv']));
  });

  test('failures within ToleratedFailurePercentage leave their error in place; past ToleratedFailureCount the Map fails', async () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ n: i + 1 }));
    const tolerated = await run(mapDefinition({ ItemsPath: '$.items', ToleratedFailurePercentage: 30 }), {
      items,
    });
    expect(tolerated.status).toBe('SUCCEEDED');
    const results = (tolerated.output as { results: Record<string, unknown>[] }).results;
    // A Lambda's failure, as Step Functions records one: its Cause is the runtime's JSON.
    expect(results[2]).toEqual({ Error: 'Divisible', Cause: LAMBDA_CAUSE });
    expect(results[3]).toEqual({ doubled: 8 });
    expect(results.filter((r) => 'Error' in r)).toHaveLength(3);

    const exceeded = await run(mapDefinition({ ItemsPath: '$.items', ToleratedFailureCount: 2 }), { items });
    expect(exceeded.status).toBe('FAILED');
    expect(exceeded.error?.Error).toBe('States.ExceedToleratedFailureThreshold');
    expect(exceeded.error?.Cause).toMatch(
      /^3 of 10 items of "Each item" failed; the first: Divisible: 3 is divisible by 3$/,
    );
  });

  test('ResultWriter writes a manifest and SUCCEEDED/FAILED files, and the state gets their location', async () => {
    const items = [1, 2, 3].map((n) => ({ n }));
    const record = await run(
      mapDefinition({
        ItemsPath: '$.items',
        ToleratedFailureCount: 1,
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: 'items', 'Prefix.$': '$.out' },
        },
        ResultSelector: { 'manifest.$': '$.ResultWriterDetails.Key' },
      }),
      { items, out: 'results' },
    );
    expect(record.status).toBe('SUCCEEDED');
    const key = (record.output as { results: { manifest: string } }).results.manifest;
    expect(key).toMatch(/^results\/.+\/manifest\.json$/);
    const manifest = (await getJson(key)) as {
      ResultFiles: Record<string, { Key: string }[]>;
      MapRunArn: string;
    };
    expect(manifest.MapRunArn).toMatch(/^arn:aws:states:eu-west-1:111122223333:mapRun:lifeboat-test\//);
    const succeeded = (await getJson(manifest.ResultFiles.SUCCEEDED![0]!.Key)) as {
      Index: number;
      Output: string;
    }[];
    expect(succeeded.map((e) => [e.Index, JSON.parse(e.Output) as unknown])).toEqual([
      [0, { doubled: 2 }],
      [1, { doubled: 4 }],
    ]);
    const failed = (await getJson(manifest.ResultFiles.FAILED![0]!.Key)) as {
      Index: number;
      Error: string;
    }[];
    expect(failed).toEqual([{ Index: 2, Status: 'FAILED', Error: 'Divisible', Cause: LAMBDA_CAUSE }]);
  });

  test('a reader object that is not what ReaderConfig says fails the Map with States.ItemReaderFailed', async () => {
    await put('in/broken.json', '[{"n":1},');
    const record = await run(
      mapDefinition({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          Parameters: { Bucket: 'items', Key: 'in/broken.json' },
        },
      }),
    );
    expect(record.error?.Error).toBe('States.ItemReaderFailed');
    expect(record.error?.Cause).toContain('s3://items/in/broken.json is not valid JSON');
  });
});

describe('HeartbeatSeconds', () => {
  const definition = (fn: string) =>
    JSON.stringify({
      StartAt: 'Long work',
      States: {
        'Long work': lambdaTask(fn, {
          HeartbeatSeconds: 1,
          End: undefined,
          Next: 'Done',
          Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.error', Next: 'Timed out' }],
        }),
        Done: { Type: 'Succeed' },
        'Timed out': { Type: 'Pass', Result: 'heartbeat timeout', ResultPath: '$.outcome', End: true },
      },
    });

  test('a step that goes quiet longer than HeartbeatSeconds fails the Task with States.HeartbeatTimeout', async () => {
    const record = await run(definition('SilentFunctionArn'));
    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toMatchObject({
      outcome: 'heartbeat timeout',
      error: { Error: 'States.HeartbeatTimeout' },
    });
  });

  test('JobProgress beats on every report, also those it does not write to the catalog', async () => {
    let beats = 0;
    const progress = new JobProgress(async () => undefined, 0, 99);
    await withHeartbeat(
      () => beats++,
      async () => {
        for (let i = 1; i <= 5; i++) progress.report(i / 10);
      },
    );
    expect(beats).toBe(5);
  });

  test('a step that beats (as JobProgress does on each report) runs past HeartbeatSeconds', async () => {
    const record = await run(definition('BeatingFunctionArn'));
    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({ done: true });
  });
});
