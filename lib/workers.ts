import * as path from 'node:path';
import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { Construct } from 'constructs';
import type { Catalog } from './catalog';
import {
  LambdaMount,
  mountInTask,
  MOUNT_PATH_PATTERN,
  type FileAccess,
  type WorkerFileSystem,
} from './file-system';
import { MALLOC_ARENAS, MMAP_THRESHOLD_BYTES } from '../functions/core/malloc-arenas';
import { handlerEntry, projectRoot, projectVersion } from './project';
import { profileOf, type Duty } from './steps';
import type { Vault } from './vault';

export interface WorkersProps {
  readonly vault: Vault;
  readonly catalog: Catalog;
  /** Lifeboat's event bus: every step announces what happened on it. */
  readonly eventBusName: string;
  readonly grantPutEvents: (grantee: iam.IGrantable) => void;
  /**
   * The VPC the workers run in, to reach databases. Lambda functions and Fargate tasks are
   * placed in its private subnets (with egress) and get one security group, `securityGroup`,
   * that your database security groups admit.
   * @default - functions outside any VPC; Fargate tasks in a new VPC of public subnets only
   *   (no NAT gateway to pay for), with a public IP and a security group that admits nothing
   */
  readonly vpc?: ec2.IVpc;
  /** @default - the VPC's private subnets with egress */
  readonly subnets?: ec2.SubnetSelection;
  /** Security groups the workers join besides their own (`securityGroup`). @default none */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** Database passwords the sources and restore targets name (target_config's secret ARNs). */
  readonly databaseSecrets?: secretsmanager.ISecret[];
  /**
   * Estimated bytes above which a backup or restore runs on Fargate instead of Lambda.
   * @default 10 GiB
   */
  readonly fargateThresholdBytes?: number;
  /**
   * The operator's files on AWS: mounted by the steps that back up, restore or check files and
   * by both Fargate tasks, at the same path. Needs `vpc` (the file system's). The workers'
   * security group is admitted to the file system's on the NFS port.
   * @default none: filesystem targets and directory restores cannot run on AWS
   */
  readonly fileSystem?: WorkerFileSystem;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Build the Fargate image for this architecture. @default ARM64, like the functions */
  readonly fargateCpuArchitecture?: ecs.CpuArchitecture;
}

/** What a Task's Lambda is: its entry, rights and timeout, from the workflow that names it. */
export interface StepFunctionSpec {
  /** `RunBackup`: the step's placeholder without FunctionArn. */
  readonly step: string;
  /** The Task's TimeoutSeconds, which the function's timeout matches. */
  readonly timeoutSeconds: number;
}

/**
 * The compute: one Lambda function per workflow step (functions/handlers/<step>.ts, bundled by
 * esbuild here, no Docker at synth) with the rights its duty needs and nothing more, and the
 * Fargate cluster with a backup and a restore task definition for sources too big for Lambda's
 * 15 minutes: the same code in a container (Dockerfile at the project root).
 */
export class Workers extends Construct {
  /** By step name (`RunBackup`). */
  readonly functions = new Map<string, nodejs.NodejsFunction>();
  readonly cluster: ecs.Cluster;
  readonly backupTask: ecs.FargateTaskDefinition;
  readonly restoreTask: ecs.FargateTaskDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  /** Every security group a worker is in: its own, then those given. */
  readonly securityGroups: ec2.ISecurityGroup[];
  readonly vpc: ec2.IVpc;
  readonly subnetIds: string[];
  /** 'ENABLED' when the tasks run in the public subnets of the VPC made here. */
  readonly assignPublicIp: 'ENABLED' | 'DISABLED';

  private readonly props: WorkersProps;
  private readonly environment: Record<string, string>;
  private readonly logRetention: logs.RetentionDays;
  private readonly inVpc: boolean;

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    this.props = props;
    if (props.fileSystem && !props.vpc)
      throw new Error(
        'The workers mount the file system from its VPC: give that VPC (lifeboat:vpcId) with lifeboat:fileSystem.',
      );
    if (props.fileSystem && !MOUNT_PATH_PATTERN.test(props.fileSystem.mountPath))
      throw new Error(
        `The file system's mount path "${props.fileSystem.mountPath}" is not /mnt/ and one name (Lambda's rule), e.g. /mnt/efs.`,
      );
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
    props.fileSystem?.accessPoint.fileSystem.connections.allowDefaultPortFrom(
      this.securityGroup,
      'Lifeboat workers mount the file system',
    );
    this.environment = {
      LIFEBOAT_CATALOG_TABLE: props.catalog.table.tableName,
      LIFEBOAT_REPOSITORY: props.vault.repositoryUrl,
      LIFEBOAT_EVENT_BUS: props.eventBusName,
      LIFEBOAT_FARGATE_THRESHOLD_BYTES: String(props.fargateThresholdBytes ?? 10 * 1024 ** 3),
      // Where the workers see the operator's files; empty: nowhere (functions/core/services/worker-files.ts).
      LIFEBOAT_FILES_MOUNT: props.fileSystem?.mountPath ?? '',
      POWERTOOLS_SERVICE_NAME: 'lifeboat',
      POWERTOOLS_METRICS_NAMESPACE: 'Lifeboat',
      // glibc reads these at start-up; the CLI sets the same through an addon (malloc-arenas.ts).
      MALLOC_ARENA_MAX: String(MALLOC_ARENAS),
      MALLOC_MMAP_THRESHOLD_: String(MMAP_THRESHOLD_BYTES),
    };

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const image = ecs.ContainerImage.fromAsset(projectRoot(), {
      file: 'Dockerfile',
      platform:
        (props.fargateCpuArchitecture ?? ecs.CpuArchitecture.ARM64) === ecs.CpuArchitecture.X86_64
          ? Platform.LINUX_AMD64
          : Platform.LINUX_ARM64,
    });
    this.backupTask = this.taskDefinition('BackupTask', image, 'backup', 'read');
    this.restoreTask = this.taskDefinition('RestoreTask', image, 'read', 'write');
  }

  /** The Lambda function of a step (made on first use): entry, duty and timeout. */
  functionFor(spec: StepFunctionSpec): nodejs.NodejsFunction {
    const existing = this.functions.get(spec.step);
    if (existing) return existing;
    const profile = profileOf(spec.step);
    const fn = this.lambdaFunction(spec.step, handlerEntry(spec.step), {
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
  lambdaFunction(
    name: string,
    entry: string,
    options: {
      memoryMb?: number;
      timeoutSeconds?: number;
      vpc?: boolean;
      environment?: Record<string, string>;
      /** Mounts the file system, where there is one, for this use. */
      files?: FileAccess;
      /** /tmp beyond Lambda's default 512 MiB. */
      scratchGiB?: number;
    } = {},
  ): nodejs.NodejsFunction {
    const root = projectRoot();
    const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: this.logRetention });
    const files = this.props.fileSystem;
    const access = options.files ?? 'none';
    return new nodejs.NodejsFunction(this, name, {
      entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: options.memoryMb ?? 512,
      timeout: Duration.seconds(options.timeoutSeconds ?? 60),
      ...(options.scratchGiB ? { ephemeralStorageSize: Size.gibibytes(options.scratchGiB) } : {}),
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
      ...(files && access !== 'none' ? { filesystem: new LambdaMount(files, access) } : {}),
      bundling: {
        format: nodejs.OutputFormat.CJS,
        target: 'node22',
        sourceMap: true,
        // The SDK version the tests ran with, not the runtime's.
        bundleAwsSDK: true,
        define: { LIFEBOAT_BUNDLED_VERSION: JSON.stringify(projectVersion()) },
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

  private grantDuty(grantee: iam.IGrantable, duty: Duty, secrets: boolean): void {
    this.props.catalog.grantReadWrite(grantee);
    this.props.grantPutEvents(grantee);
    if (duty === 'backup') this.props.vault.grantBackupWrite(grantee);
    else if (duty === 'read') this.props.vault.grantRestoreRead(grantee);
    else if (duty === 'prune') this.props.vault.grantPrune(grantee);
    if (secrets) for (const secret of this.props.databaseSecrets ?? []) secret.grantRead(grantee);
  }

  private taskDefinition(
    id: string,
    image: ecs.ContainerImage,
    duty: 'backup' | 'read',
    files: Exclude<FileAccess, 'none'>,
  ): ecs.FargateTaskDefinition {
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
      environment: { ...this.environment, AWS_REGION: Stack.of(this).region },
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: id,
        logGroup: new logs.LogGroup(this, `${id}Logs`, { retention: this.logRetention }),
      }),
    });
    this.grantDuty(task.taskRole, duty, true);
    if (this.props.fileSystem) mountInTask(task, container, this.props.fileSystem, files);
    return task;
  }
}
