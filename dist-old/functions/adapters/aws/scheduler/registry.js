"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.EventBridgeScheduleRegistry = void 0;
exports.schedulerTargetFromEnv = schedulerTargetFromEnv;
const client_scheduler_1 = require("@aws-sdk/client-scheduler");
const errors_1 = require("../../../core/errors");
const scheduler_cron_1 = require("../../../core/services/schedules/scheduler-cron");
function schedulerTargetFromEnv(env) {
    const { LIFEBOAT_SCHEDULE_GROUP, LIFEBOAT_SCHEDULE_TARGET_ARN, LIFEBOAT_SCHEDULER_ROLE_ARN, LIFEBOAT_SCHEDULE_DLQ_ARN, } = env;
    if (!LIFEBOAT_SCHEDULE_GROUP)
        return undefined;
    if (!LIFEBOAT_SCHEDULE_TARGET_ARN || !LIFEBOAT_SCHEDULER_ROLE_ARN || !LIFEBOAT_SCHEDULE_DLQ_ARN)
        throw new errors_1.InputError('LIFEBOAT_SCHEDULE_GROUP is set without LIFEBOAT_SCHEDULE_TARGET_ARN, LIFEBOAT_SCHEDULER_ROLE_ARN and LIFEBOAT_SCHEDULE_DLQ_ARN.', 'The deployment sets all four on the API function.');
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
class EventBridgeScheduleRegistry {
    client;
    target;
    constructor(client, target) {
        this.client = client;
        this.target = target;
    }
    check(schedule) {
        (0, scheduler_cron_1.schedulerCron)(schedule.schedule_cron);
    }
    async put(schedule) {
        const input = {
            Name: schedule.name,
            GroupName: this.target.group,
            Description: `Lifeboat schedule "${schedule.name}"`,
            ScheduleExpression: (0, scheduler_cron_1.schedulerCron)(schedule.schedule_cron),
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
                await this.client.send(new client_scheduler_1.UpdateScheduleCommand(input));
            }
            catch (error) {
                if (!(error instanceof client_scheduler_1.ResourceNotFoundException))
                    throw error;
                await this.client.send(new client_scheduler_1.CreateScheduleCommand(input));
            }
        }
        catch (error) {
            throw refused('put', schedule.name, error);
        }
    }
    async remove(name) {
        try {
            await this.client.send(new client_scheduler_1.DeleteScheduleCommand({ Name: name, GroupName: this.target.group }));
        }
        catch (error) {
            if (!(error instanceof client_scheduler_1.ResourceNotFoundException))
                throw refused('delete', name, error);
        }
    }
}
exports.EventBridgeScheduleRegistry = EventBridgeScheduleRegistry;
/** Scheduler's refusal in words: its error name and message name no secret. */
function refused(what, name, error) {
    const { name: code, message } = error;
    return new errors_1.LifeboatError('SCHEDULER', `EventBridge Scheduler could not ${what === 'put' ? 'create or update' : 'delete'} the schedule "${name}": ${code ?? 'Error'}: ${message ?? ''}`, code === 'AccessDeniedException'
        ? "Give the API function's role scheduler:*Schedule on the schedule group and iam:PassRole on the scheduler role (the CDK app does)."
        : 'Try again; nothing was changed in the catalog.', errors_1.ExitCode.failure, { cause: error });
}
//# sourceMappingURL=registry.js.map