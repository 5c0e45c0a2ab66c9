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
exports.Scheduling = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const scheduler = __importStar(require("aws-cdk-lib/aws-scheduler"));
const targets = __importStar(require("aws-cdk-lib/aws-scheduler-targets"));
const sqs = __importStar(require("aws-cdk-lib/aws-sqs"));
const constructs_1 = require("constructs");
// The one module of functions/ lib/ imports besides entries and ASL files: the cron translation
// that declared schedules (here, at deploy) and the API's schedules (at run time) must share.
const scheduler_cron_1 = require("../functions/core/services/schedules/scheduler-cron");
const project_1 = require("./project");
/**
 * EventBridge Scheduler's side: a schedule group, the role schedules run as, a dead-letter queue
 * for deliveries that failed, and the starter function each schedule invokes. The starter (the
 * local scheduler's twin) reads the schedule, skips it when disabled, and starts the backup
 * workflow under an execution name made of schedule id and scheduled minute, so a retried
 * delivery cannot start a second backup. (Scheduler cannot name an execution itself: its
 * scheduled-time attribute holds colons, which execution names refuse.) Schedules declared in the
 * CDK context are created here; the API creates the others with `grantManageSchedules`.
 */
class Scheduling extends constructs_1.Construct {
    group;
    role;
    deadLetterQueue;
    starter;
    schedules = new Map();
    constructor(scope, id, props) {
        super(scope, id);
        const stack = aws_cdk_lib_1.Stack.of(this);
        this.group = new scheduler.ScheduleGroup(this, 'Group', {
            scheduleGroupName: `${stack.stackName}-schedules`.slice(0, 64),
        });
        this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
            encryption: sqs.QueueEncryption.SQS_MANAGED,
            enforceSSL: true,
            retentionPeriod: aws_cdk_lib_1.Duration.days(14),
        });
        this.role = new iam.Role(this, 'Role', {
            assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
                conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
            }),
            description: 'EventBridge Scheduler runs Lifeboat schedules as this role',
        });
        const starter = props.workers.lambdaFunction('StartScheduledBackup', (0, project_1.handlerEntry)('StartScheduledBackup'), {
            environment: { LIFEBOAT_BACKUP_STATE_MACHINE_ARN: props.backupWorkflow.stateMachineArn },
        });
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
    declare(declared, target) {
        if (this.schedules.has(declared.name))
            throw new Error(`The schedule "${declared.name}" is declared twice in lifeboat:schedules.`);
        const schedule = new scheduler.Schedule(this, `Schedule-${declared.name}`, {
            scheduleName: declared.name,
            scheduleGroup: this.group,
            description: `Lifeboat schedule "${declared.name}" (declared in the CDK context)`,
            schedule: scheduler.ScheduleExpression.expression((0, scheduler_cron_1.schedulerCron)(declared.cron), aws_cdk_lib_1.TimeZone.of(declared.timezone ?? 'UTC')),
            target: new targets.LambdaInvoke(this.starter, {
                role: this.role,
                deadLetterQueue: this.deadLetterQueue,
                retryAttempts: 5,
                maxEventAge: aws_cdk_lib_1.Duration.hours(2),
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
    grantManageSchedules(grantee) {
        const stack = aws_cdk_lib_1.Stack.of(this);
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
exports.Scheduling = Scheduling;
//# sourceMappingURL=schedules.js.map