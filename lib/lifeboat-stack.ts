import { CfnOutput, CustomResource, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { AdminUi } from './admin-ui';
import { Api } from './api';
import { Catalog } from './catalog';
import { DEFAULT_MOUNT_PATH } from './file-system';
import { LifeboatEvents } from './events';
import { acknowledgeFindings } from './findings';
import { Alerts, Monitoring } from './monitoring';
import { adminUiAssets, handlerEntry } from './project';
import { Scheduling, type DeclaredSchedule, type DeclaredTarget } from './schedules';
import { Vault, type VaultProps } from './vault';
import { Workers } from './workers';
import { Workflows } from './workflows';

export interface LifeboatStackProps extends StackProps {
  /** The bucket and key. @default a vault with the defaults of VaultProps */
  readonly vault?: VaultProps;
  /** Run the workers in this VPC to reach databases. @default see WorkersProps.vpc */
  readonly vpc?: ec2.IVpc;
  /** Or look the VPC up by id at synth (needs AWS credentials; the result is kept in cdk.context.json). */
  readonly vpcId?: string;
  /** The workers' subnets in that VPC. @default its private subnets with egress */
  readonly subnetIds?: string[];
  /** Security groups the workers join besides their own. @default none */
  readonly securityGroupIds?: string[];
  /**
   * The EFS file system with the files to back up and restore into on AWS, mounted through the
   * access point at `mountPath` (default /mnt/efs). Its mount targets' security group admits the
   * workers on the NFS port. Needs `vpcId` or `vpc`. @default none
   */
  readonly fileSystem?: FileSystemIds;
  /** ARNs of the Secrets Manager secrets holding database passwords that targets name. @default none */
  readonly databaseSecretArns?: string[];
  /** E-mail addresses for alerts. @default none (subscribe to the topic yourself) */
  readonly alertEmails?: string[];
  /** Targets created in the catalog at the first run of a schedule naming them. @default none */
  readonly targets?: DeclaredTarget[];
  /** Schedules created at deploy. @default none (create them through the API) */
  readonly schedules?: DeclaredSchedule[];
  /** @default 10 GiB */
  readonly fargateThresholdBytes?: number;
  /**
   * The admin UI (CloudFront, Cognito sign-in); false leaves it out.
   * @default true, with the sign-in domain prefix of AdminUiProps
   */
  readonly adminUi?: boolean | { domainPrefix: string };
}

/** An existing EFS file system, by ids (context `lifeboat:fileSystem`). */
export interface FileSystemIds {
  readonly fileSystemId: string;
  readonly accessPointId: string;
  /** The security group of its mount targets. */
  readonly securityGroupId: string;
  /** @default /mnt/efs */
  readonly mountPath?: string;
}

/**
 * Lifeboat in one stack: vault (bucket and key), catalog, workers, the four workflows from
 * state-machines/, schedules, events, monitoring, the API and the admin UI. The repository is created at
 * deploy with two KMS slots: a reader slot for restores and a writer slot for the backup workers.
 */
export class LifeboatStack extends Stack {
  readonly vault: Vault;
  readonly catalog: Catalog;
  readonly workers: Workers;
  readonly workflows: Workflows;
  readonly scheduling: Scheduling;
  readonly events: LifeboatEvents;
  readonly alerts: Alerts;
  readonly monitoring: Monitoring;
  readonly api: Api;
  /** Absent when the stack was asked to leave it out. */
  readonly adminUi?: AdminUi;
  /** The API's function (functions/handlers/api.ts). */
  readonly apiHandler: NodejsFunction;
  /** The deploy-time repository initializer (Custom::LifeboatRepository) and its provider. */
  readonly repositoryInitializer: NodejsFunction;
  readonly repositoryProvider: cr.Provider;

  constructor(scope: Construct, id: string, props: LifeboatStackProps = {}) {
    super(scope, id, props);
    this.vault = new Vault(this, 'Vault', props.vault);
    this.alerts = new Alerts(this, 'Alerts', { alertEmails: props.alertEmails ?? [] });
    this.catalog = new Catalog(this, 'Catalog', { encryptionKey: this.alerts.key });
    this.events = new LifeboatEvents(this, 'Events');
    const databaseSecrets = (props.databaseSecretArns ?? []).map((arn, i) =>
      secretsmanager.Secret.fromSecretCompleteArn(this, `DatabaseSecret${i}`, arn),
    );
    const vpc =
      props.vpc ?? (props.vpcId ? ec2.Vpc.fromLookup(this, 'WorkerVpc', { vpcId: props.vpcId }) : undefined);
    this.workers = new Workers(this, 'Workers', {
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
      securityGroups: (props.securityGroupIds ?? []).map((id) =>
        ec2.SecurityGroup.fromSecurityGroupId(this, `WorkerSecurityGroup-${id}`, id),
      ),
      ...(props.fargateThresholdBytes ? { fargateThresholdBytes: props.fargateThresholdBytes } : {}),
      ...(props.fileSystem ? { fileSystem: this.importFileSystem(props.fileSystem) } : {}),
    });
    // The repository is created at deploy (functions/handlers/init-repository.ts) with a reader slot
    // and the workers' writer slot, both KMS: the workers never see the master key. An existing
    // repository (a redeploy over a retained bucket) is checked and given a writer slot if it lacks one.
    this.repositoryInitializer = this.workers.lambdaFunction(
      'InitRepository',
      handlerEntry('InitRepository'),
      {
        timeoutSeconds: 300,
        environment: { LIFEBOAT_KMS_KEY_ID: this.vault.key.keyArn },
      },
    );
    this.vault.grantAdminister(this.repositoryInitializer);
    this.repositoryProvider = new cr.Provider(this, 'RepositoryProvider', {
      onEventHandler: this.repositoryInitializer,
    });
    const initialized = new CustomResource(this, 'Repository', {
      serviceToken: this.repositoryProvider.serviceToken,
      resourceType: 'Custom::LifeboatRepository',
      properties: { repository: this.vault.repositoryUrl, key: this.vault.key.keyArn },
      serviceTimeout: Duration.minutes(10),
    });
    this.workflows = new Workflows(this, 'Workflows', { workers: this.workers });
    for (const machine of Object.values(this.workflows.stateMachines))
      machine.node.addDependency(initialized);
    const machines = this.workflows.stateMachines;
    this.scheduling = new Scheduling(this, 'Scheduling', {
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
    this.monitoring = new Monitoring(this, 'Monitoring', {
      alerts: this.alerts.topic,
      workflows: machines,
      deadLetterQueues: [this.scheduling.deadLetterQueue],
      rpo: (props.schedules ?? []).flatMap((s) =>
        s.rpo_hours ? [{ schedule: s.name, hours: s.rpo_hours }] : [],
      ),
    });
    // The API creates one EventBridge Scheduler schedule per backup schedule: it is given the
    // group, the role schedules run as, the starter they invoke and the dead-letter queue.
    const apiHandler = (this.apiHandler = this.workers.lambdaFunction('ApiHandler', handlerEntry('Api'), {
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
    this.api = new Api(this, 'Api', { handler: apiHandler });
    if (props.adminUi ?? true) {
      this.adminUi = new AdminUi(this, 'AdminUi', {
        api: this.api.restApi,
        assetsDir: adminUiAssets(),
        accessLogsBucket: this.vault.accessLogsBucket,
        ...(typeof props.adminUi === 'object' ? { domainPrefix: props.adminUi.domainPrefix } : {}),
      });
      this.api.allowBrowserOrigin(this.adminUi.origin);
      apiHandler.addEnvironment('LIFEBOAT_UI_ORIGIN', this.adminUi.origin);
    }

    new CfnOutput(this, 'RepositoryUrl', {
      value: this.vault.repositoryUrl,
      description: 'LIFEBOAT_REPOSITORY',
    });
    new CfnOutput(this, 'VaultKeyArn', { value: this.vault.key.keyArn });
    new CfnOutput(this, 'CatalogTable', { value: this.catalog.table.tableName });
    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    new CfnOutput(this, 'AlertsTopicArn', { value: this.alerts.topic.topicArn });
    for (const [name, machine] of Object.entries(machines))
      new CfnOutput(this, `${name}StateMachineArn`, { value: machine.stateMachineArn });
    acknowledgeFindings(this);
  }

  private importFileSystem(ids: FileSystemIds) {
    const fileSystem = efs.FileSystem.fromFileSystemAttributes(this, 'FileSystem', {
      fileSystemId: ids.fileSystemId,
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(
        this,
        'FileSystemSecurityGroup',
        ids.securityGroupId,
      ),
    });
    const accessPoint = efs.AccessPoint.fromAccessPointAttributes(this, 'FileSystemAccessPoint', {
      accessPointId: ids.accessPointId,
      fileSystem,
    });
    return { accessPoint, mountPath: ids.mountPath ?? DEFAULT_MOUNT_PATH };
  }
}
