/**
 * The deployment artifacts themselves: `cdk synth` (the CDK app with esbuild bundling, offline,
 * no Docker) produces the Lambda bundles, and the bundles of the backup steps and the API run in
 * their own Node processes against a real catalog (dynalite) and a real S3 (s3rver), with the
 * environment the stack gives them. The backup they make restores byte for byte. EventBridge has
 * no local server: a stand-in HTTP endpoint answers PutEvents and records the events.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoRecordStore } from '../../functions/adapters/aws/dynamodb/record-store';
import { RecordCatalog } from '../../functions/core/services/catalog/record-catalog';
import { initRepository, openRepository, resolveSettings } from '../../functions/local/home';
import { restoreTree } from '../../functions/sources/filesystem/restore';
import { target } from '../helpers/catalog';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';
import { diffTrees } from '../helpers/tree';

jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..');
const saved = { ...process.env };
let dir: string;
let out: string;
let dynalite: Dynalite;
let s3: S3rverInstance;
let bus: http.Server;
const events: { DetailType: string; Detail: string; EventBusName: string }[] = [];
let env: NodeJS.ProcessEnv;
const emitted: Record<string, unknown>[] = [];
/** Bundle directory by function logical id prefix (WorkersRunBackup...). */
const bundles = new Map<string, string>();

function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Invokes a bundle's handler in a fresh Node process, as the Lambda runtime would. */
async function invoke(step: string, event: unknown): Promise<unknown> {
  const bundle = bundles.get(step);
  if (!bundle) throw new Error(`no bundle for ${step}: ${[...bundles.keys()].join(', ')}`);
  const script = `
    const { handler } = require(${JSON.stringify(path.join(bundle, 'index.js'))});
    const context = { functionName: ${JSON.stringify(step)}, awsRequestId: 'r1', getRemainingTimeInMillis: () => 900000 };
    handler(JSON.parse(process.argv[1]), context).then(
      (r) => { require('node:fs').writeFileSync(process.argv[2], JSON.stringify(r)); },
      (e) => { process.stderr.write(e.name + ': ' + e.message); process.exitCode = 1; });`;
  const file = path.join(dir, `${step}-result.json`);
  const result = await runProcess(process.execPath, ['-e', script, JSON.stringify(event), file], {
    env,
    cwd: dir,
  });
  if (result.code !== 0) throw new Error(`${step} failed: ${result.stderr}`);
  // Standard output carries the metrics (CloudWatch embedded metric format), one JSON per line.
  emitted.push(
    ...result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-bundle-'));
  out = path.join(dir, 'cdk.out');
  // `npx cdk synth` as a user runs it (cdk.json: node dist/bin/cdk-app.js), with Node 22 first.
  const synth = await runProcess(
    path.join(ROOT, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '-o', out],
    {
      env: {
        ...process.env,
        PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        CDK_DISABLE_VERSION_CHECK: '1',
      },
    },
  );
  if (synth.code !== 0) throw new Error(`cdk synth failed:\n${synth.stderr}`);
  const template = JSON.parse(fs.readFileSync(path.join(out, 'Lifeboat.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    const asset = resource.Metadata?.['aws:asset:path'];
    if (resource.Type === 'AWS::Lambda::Function' && asset && id.startsWith('Workers'))
      bundles.set(id.replace(/^Workers/, '').replace(/[0-9A-F]{8}$/, ''), path.join(out, asset));
  }

  [dynalite, s3] = await Promise.all([startDynalite(), startS3rver(['vault'])]);
  bus = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const entries = (JSON.parse(body) as { Entries: typeof events }).Entries;
      events.push(...entries);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(
        JSON.stringify({ FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `e${i}` })) }),
      );
    });
  });
  await new Promise<void>((resolve) => bus.listen(0, '127.0.0.1', resolve));
  env = {
    PATH: process.env.PATH,
    ...s3.env,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${(bus.address() as AddressInfo).port}`,
    LIFEBOAT_CATALOG_TABLE: 'catalog',
    LIFEBOAT_REPOSITORY: 's3://vault/repository',
    // The stack's lifeboat:fileSystem mount: this directory stands for it.
    LIFEBOAT_FILES_MOUNT: dir,
    LIFEBOAT_EVENT_BUS: 'Lifeboat-events',
    LIFEBOAT_KEY_FILE: path.join(dir, 'key'),
    LIFEBOAT_HOME: path.join(dir, 'home'),
    POWERTOOLS_SERVICE_NAME: 'lifeboat',
    POWERTOOLS_METRICS_NAMESPACE: 'Lifeboat',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  Object.assign(process.env, env);
  // The repository is made here with a key file (the deployed initializer needs KMS, which has
  // no local server; test/e2e/deployed-repository.test.ts covers it).
  await initRepository(resolveSettings({}, env));
  const store = new DynamoRecordStore(dynalite.client, 'catalog');
  await store.ensureTable();
  const source = path.join(dir, 'source');
  fs.mkdirSync(path.join(source, 'deep', 'er'), { recursive: true });
  fs.writeFileSync(path.join(source, 'a.txt'), 'bundled\n');
  fs.writeFileSync(path.join(source, 'deep', 'er', 'big.bin'), Buffer.alloc(5 * 1024 * 1024, 9));
  await new RecordCatalog(store).createTarget(target('web', source));
}, 300_000);

afterAll(async () => {
  process.env = saved;
  await Promise.all([dynalite?.stop(), s3?.stop(), new Promise((r) => bus?.close(r))]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('cdk synth bundles every function with its worker threads and WebAssembly beside it', () => {
  expect([...bundles.keys()]).toEqual(
    expect.arrayContaining(['PrepareBackup', 'RunBackup', 'CommitBackup', 'ApiHandler']),
  );
  for (const bundle of bundles.values()) {
    const files = fs.readdirSync(bundle);
    expect(files).toEqual(
      expect.arrayContaining([
        'index.js',
        'chunk-worker.js',
        'file-worker.js',
        'restore-worker.js',
        'fastcdc.wasm',
      ]),
    );
  }
});

test('the bundled backup steps back up a tree into S3, recorded in DynamoDB, restorable byte for byte', async () => {
  const prepared = (await invoke('PrepareBackup', { target: 'web' })) as {
    backup_id: string;
    compute: string;
  };
  expect(prepared.compute).toBe('lambda');
  const ran = (await invoke('RunBackup', { backup_id: prepared.backup_id })) as Record<string, unknown>;
  expect(ran).toBeDefined();
  const committed = (await invoke('CommitBackup', { backup_id: prepared.backup_id })) as { status: string };
  expect(committed.status).toBe('completed');
  expect(events.map((e) => e.DetailType)).toContain('Backup Completed');
  expect(events.every((e) => e.EventBusName === 'Lifeboat-events')).toBe(true);
  // The dashboard's metrics, with the dimensions lib/monitoring.ts reads them by.
  const commitMetrics = emitted.find((m) => 'BackupBytesStored' in m) as Record<string, unknown>;
  expect(commitMetrics).toMatchObject({ service: 'lifeboat', step: 'CommitBackup', BackupCompleted: 1 });
  expect(commitMetrics.BackupBytesRead).toBeGreaterThan(5 * 1024 * 1024);

  const repo = await openRepository(resolveSettings({}, env));
  const restored = path.join(dir, 'restored');
  await restoreTree(repo, await repo.loadSnapshot(prepared.backup_id), { target: restored });
  expect(diffTrees(path.join(dir, 'source'), restored)).toEqual({ same: true, output: '' });
});

test('the bundled API answers GET /health from the catalog, and 404 with problem+json elsewhere', async () => {
  const health = (await invoke('ApiHandler', { httpMethod: 'GET', path: '/health' })) as {
    statusCode: number;
    body: string;
  };
  expect(health.statusCode).toBe(200);
  expect(JSON.parse(health.body)).toEqual({
    status: 'ok',
    version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    catalog: 'reachable',
  });
  const missing = (await invoke('ApiHandler', { httpMethod: 'GET', path: '/nope' })) as {
    statusCode: number;
    headers: Record<string, string>;
  };
  expect(missing.statusCode).toBe(404);
  expect(missing.headers['content-type']).toBe('application/problem+json');
});
