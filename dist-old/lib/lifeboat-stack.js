"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.LifeboatStack = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const ec2 = __importStar(require("aws-cdk-lib/aws-ec2"));
const efs = __importStar(require("aws-cdk-lib/aws-efs"));
const secretsmanager = __importStar(require("aws-cdk-lib/aws-secretsmanager"));
const cr = __importStar(require("aws-cdk-lib/custom-resources"));
const admin_ui_1 = require("./admin-ui");
const api_1 = require("./api");
const catalog_1 = require("./catalog");
const file_system_1 = require("./file-system");
const events_1 = require("./events");
const findings_1 = require("./findings");
const monitoring_1 = require("./monitoring");
const project_1 = require("./project");
const schedules_1 = require("./schedules");
const vault_1 = require("./vault");
const workers_1 = require("./workers");
const workflows_1 = require("./workflows");
/**
 * Lifeboat in one stack: vault (bucket and key), catalog, workers, the four workflows from
 * state-machines/, schedules, events, monitoring, the API and the admin UI. The repository is created at
 * deploy with two KMS slots: a reader slot for restores and a writer slot for the backup workers.
 */
class LifeboatStack extends aws_cdk_lib_1.Stack {
    vault;
    catalog;
    workers;
    workflows;
    scheduling;
    events;
    alerts;
    monitoring;
    api;
    /** Absent when the stack was asked to leave it out. */
    adminUi;
    /** The API's function (functions/handlers/api.ts). */
    apiHandler;
    /** The deploy-time repository initializer (Custom::LifeboatRepository) and its provider. */
    repositoryInitializer;
    repositoryProvider;
    constructor(scope, id, props = {}) {
        super(scope, id, props);
        this.vault = new vault_1.Vault(this, 'Vault', props.vault);
        this.alerts = new monitoring_1.Alerts(this, 'Alerts', { alertEmails: props.alertEmails ?? [] });
        this.catalog = new catalog_1.Catalog(this, 'Catalog', { encryptionKey: this.alerts.key });
        this.events = new events_1.LifeboatEvents(this, 'Events');
        const databaseSecrets = (props.databaseSecretArns ?? []).map((arn, i) => secretsmanager.Secret.fromSecretCompleteArn(this, `DatabaseSecret${i}`, arn));
        const vpc = props.vpc ?? (props.vpcId ? ec2.Vpc.fromLookup(this, 'WorkerVpc', { vpcId: props.vpcId }) : undefined);
        this.workers = new workers_1.Workers(this, 'Workers', {
            vault: this.vault,
            catalog: this.catalog,
            eventBusName: this.events.bus.eventBusName,
            grantPutEvents: (grantee) => this.events.grantPutEvents(grantee),
            databaseSecrets,
            ...(vpc ? { vpc } : {}),
            ...(props.subnetIds?.length
                ? {
                    subnets: {
                        subnets: props.subnetIds.map((id) => ec2.Subnet.fromSubnetId(this, `WorkerSubnet-${id}`, id)),
                    },
                }
                : {}),
            securityGroups: (props.securityGroupIds ?? []).map((id) => ec2.SecurityGroup.fromSecurityGroupId(this, `WorkerSecurityGroup-${id}`, id)),
            ...(props.fargateThresholdBytes ? { fargateThresholdBytes: props.fargateThresholdBytes } : {}),
            ...(props.fileSystem ? { fileSystem: this.importFileSystem(props.fileSystem) } : {}),
        });
        // The repository is created at deploy (functions/handlers/init-repository.ts) with a reader slot
        // and the workers' writer slot, both KMS: the workers never see the master key. An existing
        // repository (a redeploy over a retained bucket) is checked and given a writer slot if it lacks one.
        this.repositoryInitializer = this.workers.lambdaFunction('InitRepository', (0, project_1.handlerEntry)('InitRepository'), {
            timeoutSeconds: 300,
            environment: { LIFEBOAT_KMS_KEY_ID: this.vault.key.keyArn },
        });
        this.vault.grantAdminister(this.repositoryInitializer);
        this.repositoryProvider = new cr.Provider(this, 'RepositoryProvider', {
            onEventHandler: this.repositoryInitializer,
        });
        const initialized = new aws_cdk_lib_1.CustomResource(this, 'Repository', {
            serviceToken: this.repositoryProvider.serviceToken,
            resourceType: 'Custom::LifeboatRepository',
            properties: { repository: this.vault.repositoryUrl, key: this.vault.key.keyArn },
            serviceTimeout: aws_cdk_lib_1.Duration.minutes(10),
        });
        this.workflows = new workflows_1.Workflows(this, 'Workflows', { workers: this.workers });
        for (const machine of Object.values(this.workflows.stateMachines))
            machine.node.addDependency(initialized);
        const machines = this.workflows.stateMachines;
        this.scheduling = new schedules_1.Scheduling(this, 'Scheduling', {
            workers: this.workers,
            catalog: this.catalog,
            backupWorkflow: machines.backup,
            targets: props.targets ?? [],
            schedules: props.schedules ?? [],
        });
        this.events.addReactions({
            verifyWorkflow: machines.verify,
            retentionWorkflow: machines.retention,
            alerts: this.alerts.topic,
            deadLetterQueue: this.scheduling.deadLetterQueue,
        });
        this.monitoring = new monitoring_1.Monitoring(this, 'Monitoring', {
            alerts: this.alerts.topic,
            workflows: machines,
            deadLetterQueues: [this.scheduling.deadLetterQueue],
            rpo: (props.schedules ?? []).flatMap((s) => s.rpo_hours ? [{ schedule: s.name, hours: s.rpo_hours }] : []),
        });
        // The API creates one EventBridge Scheduler schedule per backup schedule: it is given the
        // group, the role schedules run as, the starter they invoke and the dead-letter queue.
        const apiHandler = (this.apiHandler = this.workers.lambdaFunction('ApiHandler', (0, project_1.handlerEntry)('Api'), {
            environment: {
                LIFEBOAT_SCHEDULE_GROUP: this.scheduling.group.scheduleGroupName,
                LIFEBOAT_SCHEDULER_ROLE_ARN: this.scheduling.role.roleArn,
                LIFEBOAT_SCHEDULE_TARGET_ARN: this.scheduling.starter.functionArn,
                LIFEBOAT_SCHEDULE_DLQ_ARN: this.scheduling.deadLetterQueue.queueArn,
                LIFEBOAT_BACKUP_STATE_MACHINE_ARN: machines.backup.stateMachineArn,
                LIFEBOAT_RESTORE_STATE_MACHINE_ARN: machines.restore.stateMachineArn,
                LIFEBOAT_VERIFY_STATE_MACHINE_ARN: machines.verify.stateMachineArn,
            },
        }));
        this.catalog.grantReadWrite(apiHandler);
        this.scheduling.grantManageSchedules(apiHandler);
        // Run now, verify and restore start their workflows; the API reads no backup itself.
        for (const machine of [machines.backup, machines.restore, machines.verify])
            machine.grantStartExecution(apiHandler);
        this.api = new api_1.Api(this, 'Api', { handler: apiHandler });
        if (props.adminUi ?? true) {
            this.adminUi = new admin_ui_1.AdminUi(this, 'AdminUi', {
                api: this.api.restApi,
                assetsDir: (0, project_1.adminUiAssets)(),
                accessLogsBucket: this.vault.accessLogsBucket,
                ...(typeof props.adminUi === 'object' ? { domainPrefix: props.adminUi.domainPrefix } : {}),
            });
            this.api.allowBrowserOrigin(this.adminUi.origin);
            apiHandler.addEnvironment('LIFEBOAT_UI_ORIGIN', this.adminUi.origin);
        }
        new aws_cdk_lib_1.CfnOutput(this, 'RepositoryUrl', {
            value: this.vault.repositoryUrl,
            description: 'LIFEBOAT_REPOSITORY',
        });
        new aws_cdk_lib_1.CfnOutput(this, 'VaultKeyArn', { value: this.vault.key.keyArn });
        new aws_cdk_lib_1.CfnOutput(this, 'CatalogTable', { value: this.catalog.table.tableName });
        new aws_cdk_lib_1.CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
        new aws_cdk_lib_1.CfnOutput(this, 'AlertsTopicArn', { value: this.alerts.topic.topicArn });
        for (const [name, machine] of Object.entries(machines))
            new aws_cdk_lib_1.CfnOutput(this, `${name}StateMachineArn`, { value: machine.stateMachineArn });
        (0, findings_1.acknowledgeFindings)(this);
    }
    importFileSystem(ids) {
        const fileSystem = efs.FileSystem.fromFileSystemAttributes(this, 'FileSystem', {
            fileSystemId: ids.fileSystemId,
            securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'FileSystemSecurityGroup', ids.securityGroupId),
        });
        const accessPoint = efs.AccessPoint.fromAccessPointAttributes(this, 'FileSystemAccessPoint', {
            accessPointId: ids.accessPointId,
            fileSystem,
        });
        return { accessPoint, mountPath: ids.mountPath ?? file_system_1.DEFAULT_MOUNT_PATH };
    }
}
exports.LifeboatStack = LifeboatStack;
//# sourceMappingURL=lifeboat-stack.js.map