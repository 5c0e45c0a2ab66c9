/**
 * The AWS deployment's key separation, end to end on real storage (s3rver) and a real catalog
 * (dynalite): the deploy-time initializer (Custom::LifeboatRepository) creates the repository
 * with a KMS reader slot and a KMS writer slot; backup workers whose key policy allows Decrypt
 * only under `role: writer` (as lib/vault.ts writes it) back up through the Lambda handlers, and
 * cannot read what they wrote; the restore side reads it back byte for byte. KMS is the labelled
 * stand-in of test/helpers/fake-kms.ts (no local KMS server).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoRecordStore } from '../../functions/adapters/aws/dynamodb/record-store';
import { RecordCatalog } from '../../functions/core/services/catalog/record-catalog';
import { WriteOnlyKeyError } from '../../functions/core/errors';
import { handler as commit } from '../../functions/handlers/commit-backup';
import { handler as initRepository } from '../../functions/handlers/init-repository';
import { handler as prepare } from '../../functions/handlers/prepare-backup';
import { handler as run } from '../../functions/handlers/run-backup';
import { openRepository, resolveSettings, storeOf } from '../../functions/local/home';
import { Repository } from '../../functions/repository/repository';
import { restoreTree } from '../../functions/sources/filesystem/restore';
import { target } from '../helpers/catalog';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { allowDecrypt, behaveLikeKms, FAKE_KMS_ARN, kms } from '../helpers/fake-kms';
import { lambdaContext } from '../helpers/lambda';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';
import { diffTrees } from '../helpers/tree';

jest.setTimeout(120_000);

const eventBridge = mockClient(EventBridgeClient);
const saved = { ...process.env };
let dynalite: Dynalite;
let s3: S3rverInstance;
let dir: string;
let catalog: RecordCatalog;

function cfnEvent(type: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  return {
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:eu-central-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:eu-central-1:123456789012:stack/Lifeboat/1',
    RequestId: `r-${type}`,
    LogicalResourceId: 'Repository',
    ResourceType: 'Custom::LifeboatRepository',
    ResourceProperties: { ServiceToken: 'x', repository: 's3://vault/repository', key: FAKE_KMS_ARN },
    ...(type === 'Create' ? {} : { PhysicalResourceId: 's3://vault/repository', OldResourceProperties: {} }),
  } as CloudFormationCustomResourceEvent;
}

beforeAll(async () => {
  [dynalite, s3] = await Promise.all([startDynalite(), startS3rver(['vault'])]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-deployed-'));
  // What the CDK app sets on the functions; no key file anywhere (LIFEBOAT_HOME is empty).
  Object.assign(process.env, s3.env, {
    AWS_REGION: 'eu-central-1',
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    LIFEBOAT_CATALOG_TABLE: 'catalog',
    LIFEBOAT_REPOSITORY: 's3://vault/repository',
    // The stack's lifeboat:fileSystem mount: this directory stands for it.
    LIFEBOAT_FILES_MOUNT: dir,
    LIFEBOAT_HOME: path.join(dir, 'empty-home'),
    LIFEBOAT_EVENT_BUS: 'lifeboat-events',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  const store = new DynamoRecordStore(dynalite.client, 'catalog');
  await store.ensureTable();
  catalog = new RecordCatalog(store);
  const source = path.join(dir, 'source');
  fs.mkdirSync(path.join(source, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(source, 'a.txt'), 'kept apart\n');
  fs.writeFileSync(path.join(source, 'sub', 'b.bin'), Buffer.alloc(700_000, 3));
  await catalog.createTarget(target('web', source));
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  behaveLikeKms();
});

afterAll(async () => {
  process.env = saved;
  kms.reset();
  await Promise.all([dynalite.stop(), s3.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function slots() {
  const store = await storeOf(resolveSettings({}, process.env));
  return (await Repository.readSlots(store)).flatMap((r) => ('slot' in r ? [r.slot] : []));
}

test('the initializer creates the repository with a KMS reader slot and a KMS writer slot, once', async () => {
  process.env.LIFEBOAT_KMS_KEY_ID = FAKE_KMS_ARN;
  try {
    const created = (await initRepository(cfnEvent('Create'), lambdaContext('init'))) as {
      PhysicalResourceId: string;
      Data: { WriterSlot: string };
    };
    expect(created.PhysicalResourceId).toBe('s3://vault/repository');
    const made = await slots();
    expect(made.map((s) => [s.kind, s.role ?? 'reader']).sort()).toEqual([
      ['kms', 'reader'],
      ['kms', 'writer'],
    ]);
    expect(made.find((s) => s.role === 'writer')!.id).toBe(created.Data.WriterSlot);
    expect(kms.commandCalls(GenerateDataKeyCommand).map((c) => c.args[0].input.EncryptionContext)).toEqual([
      { repo_id: made[0]!.repo_id },
      { repo_id: made[0]!.repo_id, role: 'writer' },
    ]);

    // A redeploy (Update) finds both and changes nothing; Delete keeps the repository.
    const updated = (await initRepository(cfnEvent('Update'), lambdaContext('init'))) as {
      Data: { WriterSlot: string };
    };
    expect(updated.Data.WriterSlot).toBe(created.Data.WriterSlot);
    await initRepository(cfnEvent('Delete'), lambdaContext('init'));
    expect(await slots()).toHaveLength(2);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  } finally {
    delete process.env.LIFEBOAT_KMS_KEY_ID;
  }
});

test('write-only workers back up through the handlers; only the restore side reads the backup', async () => {
  // The vault key policy: the workers' roles may Decrypt under role=writer, nothing else.
  allowDecrypt((context) => context.role === 'writer');
  const prepared = (await prepare({ target: 'web' }, lambdaContext('prepare'))) as { backup_id: string };
  await run({ backup_id: prepared.backup_id }, lambdaContext('run'));
  await commit({ backup_id: prepared.backup_id }, lambdaContext('commit'));
  expect(await catalog.getBackup(prepared.backup_id)).toMatchObject({
    status: 'completed',
    storage_backend: 's3',
  });

  // With the workers' rights, the repository opens write-only: no backup can be read.
  const asWorker = await openRepository(resolveSettings({}, process.env));
  await expect(asWorker.loadSnapshot(prepared.backup_id)).rejects.toBeInstanceOf(WriteOnlyKeyError);

  // The restore side (Decrypt on the repository) reads it back byte for byte.
  allowDecrypt(() => true);
  const asRestore = await openRepository(resolveSettings({}, process.env));
  const out = path.join(dir, 'out');
  await restoreTree(asRestore, await asRestore.loadSnapshot(prepared.backup_id), { target: out });
  expect(diffTrees(path.join(dir, 'source'), out)).toEqual({ same: true, output: '' });
});
