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
exports.Workers = void 0;
const path = __importStar(require("node:path"));
const aws_cdk_lib_1 = require("aws-cdk-lib");
const ec2 = __importStar(require("aws-cdk-lib/aws-ec2"));
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
const lambda = __importStar(require("aws-cdk-lib/aws-lambda"));
const nodejs = __importStar(require("aws-cdk-lib/aws-lambda-nodejs"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const aws_ecr_assets_1 = require("aws-cdk-lib/aws-ecr-assets");
const constructs_1 = require("constructs");
const file_system_1 = require("./file-system");
const malloc_arenas_1 = require("../functions/core/malloc-arenas");
const project_1 = require("./project");
const steps_1 = require("./steps");
/**
 * The compute: one Lambda function per workflow step (functions/handlers/<step>.ts, bundled by
 * esbuild here, no Docker at synth) with the rights its duty needs and nothing more, and the
 * Fargate cluster with a backup and a restore task definition for sources too big for Lambda's
 * 15 minutes: the same code in a container (Dockerfile at the project root).
 */
class Workers extends constructs_1.Construct {
    /** By step name (`RunBackup`). */
    functions = new Map();
    cluster;
    backupTask;
    restoreTask;
    securityGroup;
    /** Every security group a worker is in: its own, then those given. */
    securityGroups;
    vpc;
    subnetIds;
    /** 'ENABLED' when the tasks run in the public subnets of the VPC made here. */
    assignPublicIp;
    props;
    environment;
    logRetention;
    inVpc;
    constructor(scope, id, props) {
        super(scope, id);
        this.props = props;
        if (props.fileSystem && !props.vpc)
            throw new Error('The workers mount the file system from its VPC: give that VPC (lifeboat:vpcId) with lifeboat:fileSystem.');
        if (props.fileSystem && !file_system_1.MOUNT_PATH_PATTERN.test(props.fileSystem.mountPath))
            throw new Error(`The file system's mount path "${props.fileSystem.mountPath}" is not /mnt/ and one name (Lambda's rule), e.g. /mnt/efs.`);
        this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
        this.inVpc = props.vpc !== undefined;
        this.vpc =
            props.vpc ??
                new ec2.Vpc(this, 'Vpc', {
                    maxAzs: 2,
                    natGateways: 0,
                    subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
                    flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.REJECT } },
                });
        this.assignPublicIp = this.inVpc ? 'DISABLED' : 'ENABLED';
        const subnets = props.subnets ?? {
            subnetType: this.inVpc ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC,
        };
        this.subnetIds = this.vpc.selectSubnets(subnets).subnetIds;
        this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
            vpc: this.vpc,
            description: 'Lifeboat workers: admit it in your database security groups',
            allowAllOutbound: true,
        });
        this.securityGroups = [this.securityGroup, ...(props.securityGroups ?? [])];
        props.fileSystem?.accessPoint.fileSystem.connections.allowDefaultPortFrom(this.securityGroup, 'Lifeboat workers mount the file system');
        this.environment = {
            LIFEBOAT_CATALOG_TABLE: props.catalog.table.tableName,
            LIFEBOAT_REPOSITORY: props.vault.repositoryUrl,
            LIFEBOAT_EVENT_BUS: props.eventBusName,
            LIFEBOAT_FARGATE_THRESHOLD_BYTES: String(props.fargateThresholdBytes ?? 10 * 1024 ** 3),
            // Where the workers see the operator's files; empty: nowhere (functions/core/services/worker-files.ts).
            LIFEBOAT_FILES_MOUNT: props.fileSystem?.mountPath ?? '',
            POWERTOOLS_SERVICE_NAME: 'lifeboat',
            POWERTOOLS_METRICS_NAMESPACE: 'Lifeboat',
            // glibc reads it at start-up; the CLI sets the same cap through an addon (malloc-arenas.ts).
            MALLOC_ARENA_MAX: String(malloc_arenas_1.MALLOC_ARENAS),
        };
        this.cluster = new ecs.Cluster(this, 'Cluster', {
            vpc: this.vpc,
            containerInsightsV2: ecs.ContainerInsights.ENABLED,
        });
        const image = ecs.ContainerImage.fromAsset((0, project_1.projectRoot)(), {
            file: 'Dockerfile',
            platform: (props.fargateCpuArchitecture ?? ecs.CpuArchitecture.ARM64) === ecs.CpuArchitecture.X86_64
                ? aws_ecr_assets_1.Platform.LINUX_AMD64
                : aws_ecr_assets_1.Platform.LINUX_ARM64,
        });
        this.backupTask = this.taskDefinition('BackupTask', image, 'backup', 'read');
        this.restoreTask = this.taskDefinition('RestoreTask', image, 'read', 'write');
    }
    /** The Lambda function of a step (made on first use): entry, duty and timeout. */
    functionFor(spec) {
        const existing = this.functions.get(spec.step);
        if (existing)
            return existing;
        const profile = (0, steps_1.profileOf)(spec.step);
        const fn = this.lambdaFunction(spec.step, (0, project_1.handlerEntry)(spec.step), {
            memoryMb: profile.memoryMb,
            timeoutSeconds: Math.min(spec.timeoutSeconds, 900),
            vpc: this.inVpc,
            files: profile.files,
            scratchGiB: profile.scratchGiB,
        });
        this.grantDuty(fn, profile.duty, profile.secrets);
        this.functions.set(spec.step, fn);
        return fn;
    }
    /**
     * A function of Lifeboat's beside the workflow steps (the schedule starter, the API, the
     * repository initializer): the same bundling, logging and tracing; rights are the caller's.
     */
    lambdaFunction(name, entry, options = {}) {
        const root = (0, project_1.projectRoot)();
        const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: this.logRetention });
        const files = this.props.fileSystem;
        const access = options.files ?? 'none';
        return new nodejs.NodejsFunction(this, name, {
            entry,
            handler: 'handler',
            runtime: lambda.Runtime.NODEJS_22_X,
            architecture: lambda.Architecture.ARM_64,
            memorySize: options.memoryMb ?? 512,
            timeout: aws_cdk_lib_1.Duration.seconds(options.timeoutSeconds ?? 60),
            ...(options.scratchGiB ? { ephemeralStorageSize: aws_cdk_lib_1.Size.gibibytes(options.scratchGiB) } : {}),
            environment: { ...this.environment, ...options.environment },
            tracing: lambda.Tracing.ACTIVE,
            loggingFormat: lambda.LoggingFormat.JSON,
            applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
            systemLogLevelV2: lambda.SystemLogLevel.WARN,
            logGroup,
            projectRoot: root,
            depsLockFilePath: path.join(root, 'package-lock.json'),
            ...(options.vpc
                ? {
                    vpc: this.vpc,
                    vpcSubnets: this.props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
                    securityGroups: this.securityGroups,
                }
                : {}),
            ...(files && access !== 'none' ? { filesystem: new file_system_1.LambdaMount(files, access) } : {}),
            bundling: {
                format: nodejs.OutputFormat.CJS,
                target: 'node22',
                sourceMap: true,
                // The SDK version the tests ran with, not the runtime's.
                bundleAwsSDK: true,
                define: { LIFEBOAT_BUNDLED_VERSION: JSON.stringify((0, project_1.projectVersion)()) },
                commandHooks: {
                    beforeBundling: () => [],
                    beforeInstall: () => [],
                    // Worker threads and the WebAssembly chunker are opened beside the handler's bundle.
                    afterBundling: (inputDir, outputDir) => [
                        `node "${path.join(inputDir, 'scripts', 'bundle-workers.js')}" "${outputDir}"`,
                    ],
                },
            },
        });
    }
    grantDuty(grantee, duty, secrets) {
        this.props.catalog.grantReadWrite(grantee);
        this.props.grantPutEvents(grantee);
        if (duty === 'backup')
            this.props.vault.grantBackupWrite(grantee);
        else if (duty === 'read')
            this.props.vault.grantRestoreRead(grantee);
        else if (duty === 'prune')
            this.props.vault.grantPrune(grantee);
        if (secrets)
            for (const secret of this.props.databaseSecrets ?? [])
                secret.grantRead(grantee);
    }
    taskDefinition(id, image, duty, files) {
        const task = new ecs.FargateTaskDefinition(this, id, {
            cpu: 2048,
            memoryLimitMiB: 4096,
            ephemeralStorageGiB: 21,
            runtimePlatform: {
                cpuArchitecture: this.props.fargateCpuArchitecture ?? ecs.CpuArchitecture.ARM64,
                operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
            },
        });
        const container = task.addContainer('worker', {
            containerName: 'worker',
            image,
            essential: true,
            environment: { ...this.environment, AWS_REGION: aws_cdk_lib_1.Stack.of(this).region },
            logging: ecs.LogDrivers.awsLogs({
                streamPrefix: id,
                logGroup: new logs.LogGroup(this, `${id}Logs`, { retention: this.logRetention }),
            }),
        });
        this.grantDuty(task.taskRole, duty, true);
        if (this.props.fileSystem)
            (0, file_system_1.mountInTask)(task, container, this.props.fileSystem, files);
        return task;
    }
}
exports.Workers = Workers;
//# sourceMappingURL=workers.js.map