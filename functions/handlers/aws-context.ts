import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EventBridgeScheduleRegistry, schedulerTargetFromEnv } from '../adapters/aws/scheduler/registry';
import { SecretsManagerReader } from '../adapters/aws/secrets-manager/secret-reader';
import { DynamoRecordStore } from '../adapters/aws/dynamodb/record-store';
import { EventBridgePublisher } from '../adapters/aws/events/event-publisher';
import { InputError } from '../core/errors';
import { RecordCatalog } from '../core/services/catalog/record-catalog';
import type { ServiceContext } from '../core/services/context';
import { workerFilesFromEnv } from '../core/services/worker-files';
import { openOrInitRepository, openRepository, resolveSettings, storageContext } from '../local/home';
import type { Repository } from '../repository/repository';

/**
 * The composition root of a Lambda function or the Fargate worker: the DynamoDB catalog
 * (LIFEBOAT_CATALOG_TABLE), the repository (LIFEBOAT_REPOSITORY: s3://..., azure://... or a
 * mounted path such as EFS) and EventBridge (LIFEBOAT_EVENT_BUS). Built
 * once per container and reused by every invocation it serves.
 */
export function awsContext(env: NodeJS.ProcessEnv = process.env): ServiceContext {
  const table = env.LIFEBOAT_CATALOG_TABLE;
  if (!table)
    throw new InputError(
      'LIFEBOAT_CATALOG_TABLE is not set.',
      'The deployment sets it to the catalog table name.',
    );
  const location = env.LIFEBOAT_REPOSITORY;
  if (!location)
    throw new InputError(
      'LIFEBOAT_REPOSITORY is not set.',
      'The deployment sets it to the repository location.',
    );
  const settings = resolveSettings({ repo: location }, env);
  let opened: Promise<Repository> | undefined;
  const schedulerTarget = schedulerTargetFromEnv(env);
  const threshold = Number(env.LIFEBOAT_FARGATE_THRESHOLD_BYTES || 10 * 1024 ** 3);
  return {
    catalog: new RecordCatalog(new DynamoRecordStore(new DynamoDBClient({}), table)),
    // With a KMS key (LIFEBOAT_KMS_KEY_ID) the first backup creates the repository, protected by
    // it; without one the repository must exist: a key file in a Lambda's /tmp would be lost.
    repository: () =>
      (opened ??= settings.kmsKeyId
        ? openOrInitRepository(settings).then((r) => r.repository)
        : openRepository(settings)),
    ...storageContext(settings),
    events: new EventBridgePublisher(new EventBridgeClient({}), env.LIFEBOAT_EVENT_BUS || 'default'),
    actor: {
      user_id: env.LIFEBOAT_ACTOR || 'step-functions',
      ip_address: null,
      user_agent: 'lifeboat-worker',
    },
    now: () => new Date(),
    fargateThresholdBytes: threshold,
    secrets: new SecretsManagerReader(new SecretsManagerClient({})),
    workerFiles: workerFilesFromEnv(env),
    // The API function creates EventBridge Scheduler schedules with the schedules it records.
    ...(schedulerTarget
      ? { scheduleRegistry: new EventBridgeScheduleRegistry(new SchedulerClient({}), schedulerTarget) }
      : {}),
  };
}
