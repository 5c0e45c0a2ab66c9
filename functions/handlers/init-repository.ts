// Lambda entry of the CDK app's Custom::LifeboatRepository: creates the deployment's repository
// with a KMS reader slot and a KMS writer slot for the backup workers, so that the workers,
// whose key policy lets them open only writer slots, never hold the master key.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { lazyKmsKeyProvider } from '../adapters/aws/kms/lazy';
import { InputError } from '../core/errors';
import { openOrInitRepository, resolveSettings, storeOf } from '../local/home';
import { Repository } from '../repository/repository';
import { instrumentedHandler } from './step-handler';

export interface DeployedRepository {
  repository: string;
  created: boolean;
  writer_slot: string;
  writer_slot_added: boolean;
}

/** Idempotent: an existing repository (a retained bucket) is opened and given a writer slot if it has none. */
export async function ensureDeployedRepository(env: NodeJS.ProcessEnv): Promise<DeployedRepository> {
  const settings = resolveSettings({}, env);
  const keyId = settings.kmsKeyId;
  if (!keyId)
    throw new InputError('LIFEBOAT_KMS_KEY_ID is not set.', 'The deployment sets it to the vault key ARN.');
  const { repository, created } = await openOrInitRepository(settings);
  const writers = (await Repository.readSlots(await storeOf(settings))).flatMap((r) =>
    'slot' in r &&
    r.slot.repo_id === repository.config.repo_id &&
    r.slot.role === 'writer' &&
    r.slot.kind === 'kms'
      ? [r.slot]
      : [],
  );
  const existing = writers[0];
  if (existing)
    return {
      repository: settings.repoUrl,
      created: false,
      writer_slot: existing.id,
      writer_slot_added: false,
    };
  const { slot } = await repository.addWriterSlot(lazyKmsKeyProvider(keyId));
  return {
    repository: settings.repoUrl,
    created: created !== undefined,
    writer_slot: slot.id,
    writer_slot_added: true,
  };
}

export const handler = instrumentedHandler('InitRepository', async (raw) => {
  const event = raw as CloudFormationCustomResourceEvent;
  const physicalId = process.env.LIFEBOAT_REPOSITORY ?? 'lifeboat-repository';
  // Deleting the stack never deletes backups: the bucket is retained, and so is the repository.
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalId };
  const result = await ensureDeployedRepository(process.env);
  return { PhysicalResourceId: physicalId, Data: { WriterSlot: result.writer_slot } };
});
