/**
 * The Lambda handlers as deployed: catalog in DynamoDB (dynalite), repository in S3 (s3rver),
 * a replica in Azure Blob (Azurite): prepare → run → replicate → commit, then the backup read
 * back from each place. EventBridge is mocked (no local server; the events are only checked).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoRecordStore } from '../../functions/adapters/aws/dynamodb/record-store';
import { RecordCatalog } from '../../functions/core/services/catalog/record-catalog';
import { handler as commit } from '../../functions/handlers/commit-backup';
import { handler as prepare } from '../../functions/handlers/prepare-backup';
import { handler as replicate } from '../../functions/handlers/replicate-backup';
import { handler as run } from '../../functions/handlers/run-backup';
import { initRepository, openRepository, resolveSettings } from '../../functions/local/home';
import { restoreTree } from '../../functions/sources/filesystem/restore';
import { startAzurite, type AzuriteInstance } from '../helpers/azurite';
import { target } from '../helpers/catalog';
import { lambdaContext } from '../helpers/lambda';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';
import { diffTrees } from '../helpers/tree';

jest.setTimeout(120_000);

const eventBridge = mockClient(EventBridgeClient);
const saved = { ...process.env };
let dynalite: Dynalite;
let s3: S3rverInstance;
let azurite: AzuriteInstance;
let dir: string;
let catalog: RecordCatalog;

beforeAll(async () => {
  [dynalite, s3, azurite] = await Promise.all([
    startDynalite(),
    startS3rver(['vault']),
    startAzurite(['offsite']),
  ]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-lambda-cloud-'));
  Object.assign(process.env, s3.env, azurite.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    LIFEBOAT_CATALOG_TABLE: 'lifeboat-catalog',
    LIFEBOAT_REPOSITORY: 's3://vault/lifeboat',
    // The stack's lifeboat:fileSystem mount: this directory stands for it.
    LIFEBOAT_FILES_MOUNT: dir,
    LIFEBOAT_KEY_FILE: path.join(dir, 'key'),
    LIFEBOAT_HOME: dir,
    LIFEBOAT_EVENT_BUS: 'lifeboat',
    POWERTOOLS_METRICS_NAMESPACE: 'Lifeboat',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  // No KMS here: the repository is made with a key file first (with LIFEBOAT_KMS_KEY_ID the first
  // backup would create it).
  await initRepository(resolveSettings({}, process.env));
  const store = new DynamoRecordStore(dynalite.client, 'lifeboat-catalog');
  await store.ensureTable();
  catalog = new RecordCatalog(store);
  const source = path.join(dir, 'source');
  fs.mkdirSync(path.join(source, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(source, 'a.txt'), 'in the cloud\n');
  fs.writeFileSync(path.join(source, 'sub', 'b.bin'), Buffer.alloc(300_000, 7));
  await catalog.createTarget(target('web', source));
});

afterAll(async () => {
  process.env = saved;
  await Promise.all([dynalite.stop(), s3.stop(), azurite.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('backup steps on S3 with an Azure replica: recorded in DynamoDB, restorable from both', async () => {
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  const prepared = (await prepare(
    { target: 'web', replicas: ['azure://offsite/lifeboat'] },
    lambdaContext('prepare'),
  )) as { backup_id: string; replicas: string[] };
  expect(prepared.replicas).toEqual(['azure://offsite/lifeboat']);
  await run({ backup_id: prepared.backup_id }, lambdaContext('run'));
  const copied = (await replicate(
    { backup_id: prepared.backup_id, destination: prepared.replicas[0] },
    lambdaContext('replicate'),
  )) as { location: string; verified: boolean };
  expect(copied).toEqual({
    destination: 'azure://offsite/lifeboat',
    location: 'azure://offsite/lifeboat',
    verified: true,
  });
  await commit(
    { backup_id: prepared.backup_id, replicated: [{ destination: 'azure://offsite/lifeboat', ...copied }] },
    lambdaContext('commit'),
  );

  const record = await catalog.getBackup(prepared.backup_id);
  expect(record).toMatchObject({
    status: 'completed',
    storage_backend: 's3',
    storage_location: 's3://vault/lifeboat',
  });
  expect(record?.storage_metadata?.replicas).toEqual([
    expect.objectContaining({ backend: 'azure', location: 'azure://offsite/lifeboat', verified: true }),
  ]);
  // The run step recorded what it asked S3 for.
  expect((record?.metadata?.requests as Record<string, number>).put).toBeGreaterThan(0);
  const types = eventBridge
    .commandCalls(PutEventsCommand)
    .map((c) => c.args[0].input.Entries?.[0]?.DetailType);
  expect(types).toEqual(['Backup Replicated', 'Backup Completed']);

  for (const location of ['s3://vault/lifeboat', 'azure://offsite/lifeboat']) {
    const repo = await openRepository(resolveSettings({ repo: location }, process.env));
    const manifest = await repo.loadSnapshot(prepared.backup_id);
    const out = path.join(dir, `out-${location.slice(0, 5).replace(/\W/g, '')}`);
    await restoreTree(repo, manifest, { target: out });
    expect(diffTrees(path.join(dir, 'source'), out)).toEqual({ same: true, output: '' });
  }
});
