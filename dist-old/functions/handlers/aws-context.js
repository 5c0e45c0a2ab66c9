"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.awsContext = awsContext;
const client_dynamodb_1 = require("@aws-sdk/client-dynamodb");
const client_eventbridge_1 = require("@aws-sdk/client-eventbridge");
const client_scheduler_1 = require("@aws-sdk/client-scheduler");
const client_secrets_manager_1 = require("@aws-sdk/client-secrets-manager");
const registry_1 = require("../adapters/aws/scheduler/registry");
const secret_reader_1 = require("../adapters/aws/secrets-manager/secret-reader");
const record_store_1 = require("../adapters/aws/dynamodb/record-store");
const event_publisher_1 = require("../adapters/aws/events/event-publisher");
const errors_1 = require("../core/errors");
const record_catalog_1 = require("../core/services/catalog/record-catalog");
const worker_files_1 = require("../core/services/worker-files");
const home_1 = require("../local/home");
/**
 * The composition root of a Lambda function or the Fargate worker: the DynamoDB catalog
 * (LIFEBOAT_CATALOG_TABLE), the repository (LIFEBOAT_REPOSITORY: s3://..., azure://... or a
 * mounted path such as EFS) and EventBridge (LIFEBOAT_EVENT_BUS). Built
 * once per container and reused by every invocation it serves.
 */
function awsContext(env = process.env) {
    const table = env.LIFEBOAT_CATALOG_TABLE;
    if (!table)
        throw new errors_1.InputError('LIFEBOAT_CATALOG_TABLE is not set.', 'The deployment sets it to the catalog table name.');
    const location = env.LIFEBOAT_REPOSITORY;
    if (!location)
        throw new errors_1.InputError('LIFEBOAT_REPOSITORY is not set.', 'The deployment sets it to the repository location.');
    const settings = (0, home_1.resolveSettings)({ repo: location }, env);
    let opened;
    const schedulerTarget = (0, registry_1.schedulerTargetFromEnv)(env);
    const threshold = Number(env.LIFEBOAT_FARGATE_THRESHOLD_BYTES || 10 * 1024 ** 3);
    return {
        catalog: new record_catalog_1.RecordCatalog(new record_store_1.DynamoRecordStore(new client_dynamodb_1.DynamoDBClient({}), table)),
        // With a KMS key (LIFEBOAT_KMS_KEY_ID) the first backup creates the repository, protected by
        // it; without one the repository must exist: a key file in a Lambda's /tmp would be lost.
        repository: () => (opened ??= settings.kmsKeyId
            ? (0, home_1.openOrInitRepository)(settings).then((r) => r.repository)
            : (0, home_1.openRepository)(settings)),
        ...(0, home_1.storageContext)(settings),
        events: new event_publisher_1.EventBridgePublisher(new client_eventbridge_1.EventBridgeClient({}), env.LIFEBOAT_EVENT_BUS || 'default'),
        actor: {
            user_id: env.LIFEBOAT_ACTOR || 'step-functions',
            ip_address: null,
            user_agent: 'lifeboat-worker',
        },
        now: () => new Date(),
        fargateThresholdBytes: threshold,
        secrets: new secret_reader_1.SecretsManagerReader(new client_secrets_manager_1.SecretsManagerClient({})),
        workerFiles: (0, worker_files_1.workerFilesFromEnv)(env),
        // The API function creates EventBridge Scheduler schedules with the schedules it records.
        ...(schedulerTarget
            ? { scheduleRegistry: new registry_1.EventBridgeScheduleRegistry(new client_scheduler_1.SchedulerClient({}), schedulerTarget) }
            : {}),
    };
}
//# sourceMappingURL=aws-context.js.map