import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Catalog } from './catalog';
// The one module of functions/ lib/ imports besides entries and ASL files: the cron translation
// that declared schedules (here, at deploy) and the API's schedules (at run time) must share.
import { schedulerCron } from '../functions/core/services/schedules/scheduler-cron';
import { handlerEntry } from './project';
import type { Workers } from './workers';

/** A target as `lifeboat target add` records it (model/target.ts's target_config). */
export interface DeclaredTarget {
  readonly name: string;
  readonly target_config: Record<string, unknown>;
  readonly description?: string;
}

/** A schedule declared in the CDK context (`lifeboat:schedules`), created at deploy. */
export interface DeclaredSchedule {
  readonly name: string;
  /** The target's name: one of `lifeboat:targets`, or one already in the catalog. */
  readonly target: string;
  /** Five fields, minute hour day-of-month month day-of-week, as the catalog keeps it. */
  readonly cron: string;
  /** @default 'UTC' */
  readonly timezone?: string;
  /** @default 'incremental' */
  readonly backup_type?: 'full' | 'incremental' | 'differential';
  /** As the CLI takes it: "keep-daily=7,keep-weekly=4". @default keep everything */
  readonly retention?: string;
  /** Verify each backup (checksum) when it completes. @default false */
  readonly verify?: boolean;
  /** Hours without a completed backup after which the RPO alarm fires. @default none */
  readonly rpo_hours?: number;
}

export interface SchedulingProps {
  readonly workers: Workers;
  readonly catalog: Catalog;
  readonly backupWorkflow: sfn.IStateMachine;
  readonly targets?: DeclaredTarget[];
  readonly schedules?: DeclaredSchedule[];
}

/**
 * EventBridge Scheduler's side: a schedule group, the role schedules run as, a dead-letter queue
 * for deliveries that failed, and the starter function each schedule invokes. The starter (the
 * local scheduler's twin) reads the schedule, skips it when disabled, and starts the backup
 * workflow under an execution name made of schedule id and scheduled minute, so a retried
 * delivery cannot start a second backup. (Scheduler cannot name an execution itself: its
 * scheduled-time attribute holds colons, which execution names refuse.) Schedules declared in the
 * CDK context are created here; the API creates the others with `grantManageSchedules`.
 */
export class Scheduling extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly starter: lambda.IFunction;
  readonly schedules = new Map<string, scheduler.Schedule>();

  constructor(scope: Construct, id: string, props: SchedulingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new scheduler.ScheduleGroup(this, 'Group', {
      scheduleGroupName: `${stack.stackName}-schedules`.slice(0, 64),
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler runs Lifeboat schedules as this role',
    });
    const starter = props.workers.lambdaFunction(
      'StartScheduledBackup',
      handlerEntry('StartScheduledBackup'),
      {
        environment: { LIFEBOAT_BACKUP_STATE_MACHINE_ARN: props.backupWorkflow.stateMachineArn },
      },
    );
    props.catalog.grantReadWrite(starter);
    props.backupWorkflow.grantStartExecution(starter);
    this.starter = starter;
    // A schedule the API creates names this role; the declared ones below grant it the same.
    starter.grantInvoke(this.role);
    this.deadLetterQueue.grantSendMessages(this.role);

    const declaredTargets = new Map((props.targets ?? []).map((t) => [t.name, t]));
    for (const declared of props.schedules ?? [])
      this.declare(declared, declaredTargets.get(declared.target));
  }

  private declare(declared: DeclaredSchedule, target: DeclaredTarget | undefined): void {
    if (this.schedules.has(declared.name))
      throw new Error(`The schedule "${declared.name}" is declared twice in lifeboat:schedules.`);
    const schedule = new scheduler.Schedule(this, `Schedule-${declared.name}`, {
      scheduleName: declared.name,
      scheduleGroup: this.group,
      description: `Lifeboat schedule "${declared.name}" (declared in the CDK context)`,
      schedule: scheduler.ScheduleExpression.expression(
        schedulerCron(declared.cron),
        TimeZone.of(declared.timezone ?? 'UTC'),
      ),
      target: new targets.LambdaInvoke(this.starter, {
        role: this.role,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 5,
        maxEventAge: Duration.hours(2),
        input: scheduler.ScheduleTargetInput.fromObject({
          schedule: declared.name,
          scheduled_time: scheduler.ContextAttribute.scheduledTime,
          declared: {
            schedule: {
              name: declared.name,
              target: declared.target,
              cron: declared.cron,
              timezone: declared.timezone ?? 'UTC',
              backup_type: declared.backup_type ?? 'incremental',
              retention: declared.retention ?? '',
              verify: declared.verify ?? false,
            },
            ...(target ? { target } : {}),
          },
        }),
      }),
    });
    this.schedules.set(declared.name, schedule);
  }

  /**
   * For the API: create, change and delete schedules in the group, running as the scheduler role
   * and invoking the starter.
   */
  grantManageSchedules(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
      ],
      resourceArns: [
        stack.formatArn({
          service: 'scheduler',
          resource: 'schedule',
          resourceName: `${this.group.scheduleGroupName}/*`,
        }),
      ],
    });
    this.role.grantPassRole(grantee.grantPrincipal);
  }
}
