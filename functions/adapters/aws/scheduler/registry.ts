import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { ExitCode, InputError, LifeboatError } from '../../../core/errors';
import type { BackupSchedule } from '../../../core/model/schedule';
import type { ScheduleRegistry } from '../../../core/ports/schedule-registry';
import { schedulerCron } from '../../../core/services/schedules/scheduler-cron';

/** What the CDK app gives the API function (lib/lifeboat-stack.ts). */
export interface SchedulerTarget {
  group: string;
  /** The schedule starter function each schedule invokes. */
  targetArn: string;
  /** The role schedules run as. */
  roleArn: string;
  deadLetterArn: string;
}

export function schedulerTargetFromEnv(env: NodeJS.ProcessEnv): SchedulerTarget | undefined {
  const {
    LIFEBOAT_SCHEDULE_GROUP,
    LIFEBOAT_SCHEDULE_TARGET_ARN,
    LIFEBOAT_SCHEDULER_ROLE_ARN,
    LIFEBOAT_SCHEDULE_DLQ_ARN,
  } = env;
  if (!LIFEBOAT_SCHEDULE_GROUP) return undefined;
  if (!LIFEBOAT_SCHEDULE_TARGET_ARN || !LIFEBOAT_SCHEDULER_ROLE_ARN || !LIFEBOAT_SCHEDULE_DLQ_ARN)
    throw new InputError(
      'LIFEBOAT_SCHEDULE_GROUP is set without LIFEBOAT_SCHEDULE_TARGET_ARN, LIFEBOAT_SCHEDULER_ROLE_ARN and LIFEBOAT_SCHEDULE_DLQ_ARN.',
      'The deployment sets all four on the API function.',
    );
  return {
    group: LIFEBOAT_SCHEDULE_GROUP,
    targetArn: LIFEBOAT_SCHEDULE_TARGET_ARN,
    roleArn: LIFEBOAT_SCHEDULER_ROLE_ARN,
    deadLetterArn: LIFEBOAT_SCHEDULE_DLQ_ARN,
  };
}

/**
 * EventBridge Scheduler: one schedule per backup schedule, named after it, in Lifeboat's group,
 * invoking the schedule starter as the deployment's declared schedules do (lib/schedules.ts):
 * the same input, retries and dead-letter queue.
 */
export class EventBridgeScheduleRegistry implements ScheduleRegistry {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: SchedulerTarget,
  ) {}

  check(schedule: BackupSchedule): void {
    schedulerCron(schedule.schedule_cron);
  }

  async put(schedule: BackupSchedule): Promise<void> {
    const input: CreateScheduleCommandInput = {
      Name: schedule.name,
      GroupName: this.target.group,
      Description: `Lifeboat schedule "${schedule.name}"`,
      ScheduleExpression: schedulerCron(schedule.schedule_cron),
      ScheduleExpressionTimezone: schedule.timezone,
      State: schedule.enabled ? 'ENABLED' : 'DISABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: this.target.targetArn,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify({ schedule: schedule.name, scheduled_time: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: this.target.deadLetterArn },
      },
    };
    try {
      try {
        await this.client.send(new UpdateScheduleCommand(input));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
        await this.client.send(new CreateScheduleCommand(input));
      }
    } catch (error) {
      throw refused('put', schedule.name, error);
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.group }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw refused('delete', name, error);
    }
  }
}

/** Scheduler's refusal in words: its error name and message name no secret. */
function refused(what: 'put' | 'delete', name: string, error: unknown): LifeboatError {
  const { name: code, message } = error as { name?: string; message?: string };
  return new LifeboatError(
    'SCHEDULER',
    `EventBridge Scheduler could not ${what === 'put' ? 'create or update' : 'delete'} the schedule "${name}": ${code ?? 'Error'}: ${message ?? ''}`,
    code === 'AccessDeniedException'
      ? "Give the API function's role scheduler:*Schedule on the schedule group and iam:PassRole on the scheduler role (the CDK app does)."
      : 'Try again; nothing was changed in the catalog.',
    ExitCode.failure,
    { cause: error },
  );
}
