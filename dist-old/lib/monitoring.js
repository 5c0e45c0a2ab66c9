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
exports.Monitoring = exports.Alerts = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const actions = __importStar(require("aws-cdk-lib/aws-cloudwatch-actions"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const kms = __importStar(require("aws-cdk-lib/aws-kms"));
const sns = __importStar(require("aws-cdk-lib/aws-sns"));
const subscriptions = __importStar(require("aws-cdk-lib/aws-sns-subscriptions"));
const constructs_1 = require("constructs");
/** The metrics the workflow steps emit (functions/handlers/step-handler.ts), namespace Lifeboat. */
const NAMESPACE = 'Lifeboat';
const stepDimensions = (step) => ({ service: 'lifeboat', step });
/**
 * The alerts topic, encrypted with an operations key that EventBridge and CloudWatch may use to
 * publish (never the vault key: services get no way near the repository's key).
 */
class Alerts extends constructs_1.Construct {
    topic;
    key;
    constructor(scope, id, props = {}) {
        super(scope, id);
        this.key = new kms.Key(this, 'Key', {
            description: 'Lifeboat operations: catalog table and alerts topic',
            enableKeyRotation: true,
        });
        for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com'])
            this.key.addToResourcePolicy(new iam.PolicyStatement({
                sid: `Publish alerts (${service})`,
                principals: [new iam.ServicePrincipal(service)],
                actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
                resources: ['*'],
                conditions: { StringEquals: { 'aws:SourceAccount': aws_cdk_lib_1.Stack.of(this).account } },
            }));
        this.topic = new sns.Topic(this, 'Topic', {
            displayName: 'Lifeboat alerts',
            masterKey: this.key,
            enforceSSL: true,
        });
        for (const email of props.alertEmails ?? [])
            this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
}
exports.Alerts = Alerts;
/**
 * Alarms (failed executions, failed verifications, undelivered events, RPO per schedule), all
 * to the alerts topic, and a dashboard of backups, bytes, durations, dedup ratio and failures.
 */
class Monitoring extends constructs_1.Construct {
    alarms = [];
    dashboard;
    constructor(scope, id, props) {
        super(scope, id);
        const notify = new actions.SnsAction(props.alerts);
        const alarm = (name, options) => {
            const a = new cloudwatch.Alarm(this, name, options);
            a.addAlarmAction(notify);
            this.alarms.push(a);
            return a;
        };
        for (const [name, machine] of Object.entries(props.workflows))
            alarm(`${name}ExecutionsFailed`, {
                alarmDescription: `A ${name} workflow execution failed or timed out: open it in the Step Functions console (docs/OPERATIONS.md §9).`,
                metric: new cloudwatch.MathExpression({
                    expression: 'failed + timedOut',
                    usingMetrics: {
                        failed: machine.metricFailed({ period: aws_cdk_lib_1.Duration.minutes(5), statistic: 'Sum' }),
                        timedOut: machine.metricTimedOut({ period: aws_cdk_lib_1.Duration.minutes(5), statistic: 'Sum' }),
                    },
                    label: `${name} failures`,
                }),
                threshold: 1,
                evaluationPeriods: 1,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            });
        alarm('VerificationFailed', {
            alarmDescription: 'A verification found a backup that does not restore as recorded: run `lifeboat check` (docs/OPERATIONS.md §9).',
            metric: this.metric('VerificationFailed', 'RunVerification', aws_cdk_lib_1.Duration.minutes(5)),
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
        props.deadLetterQueues.forEach((queue, i) => alarm(`DeadLetters${i === 0 ? '' : i}`, {
            alarmDescription: 'A schedule or an event could not start its workflow: read the message in the queue (docs/OPERATIONS.md §9).',
            metric: queue.metricApproximateNumberOfMessagesVisible({
                period: aws_cdk_lib_1.Duration.minutes(5),
                statistic: 'Maximum',
            }),
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }));
        for (const { schedule, hours } of props.rpo ?? []) {
            if (!Number.isInteger(hours) || hours < 1 || hours > 168)
                throw new Error(`rpo_hours of "${schedule}" must be a whole number of hours from 1 to 168.`);
            alarm(`Rpo-${schedule}`, {
                alarmDescription: `No backup of schedule "${schedule}" completed in ${hours} hours (its RPO): docs/OPERATIONS.md §9.`,
                metric: new cloudwatch.Metric({
                    namespace: NAMESPACE,
                    metricName: 'ScheduledBackupCompleted',
                    dimensionsMap: { ...stepDimensions('CommitBackup'), schedule },
                    period: aws_cdk_lib_1.Duration.hours(1),
                    statistic: 'Sum',
                }),
                // Every one of the last N hours without a completion: nothing within N hours.
                threshold: 1,
                evaluationPeriods: hours,
                datapointsToAlarm: hours,
                comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                treatMissingData: cloudwatch.TreatMissingData.BREACHING,
            });
        }
        const hourly = aws_cdk_lib_1.Duration.hours(1);
        this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
            dashboardName: `${aws_cdk_lib_1.Stack.of(this).stackName}-lifeboat`,
            widgets: [
                [
                    new cloudwatch.GraphWidget({
                        title: 'Backups completed',
                        left: [this.metric('BackupCompleted', 'CommitBackup', hourly)],
                        width: 8,
                    }),
                    new cloudwatch.GraphWidget({
                        title: 'Bytes read and stored',
                        left: [
                            this.metric('BackupBytesRead', 'CommitBackup', hourly),
                            this.metric('BackupBytesStored', 'CommitBackup', hourly),
                        ],
                        width: 8,
                    }),
                    new cloudwatch.GraphWidget({
                        title: 'Dedup ratio (read / stored)',
                        left: [this.metric('DedupRatio', 'CommitBackup', hourly, 'Average')],
                        width: 8,
                    }),
                ],
                [
                    new cloudwatch.GraphWidget({
                        title: 'Step durations (ms)',
                        left: ['RunBackup', 'RunRestore', 'RunVerification', 'CollectGarbage'].map((step) => this.metric('StepDuration', step, hourly, 'Maximum')),
                        width: 12,
                    }),
                    new cloudwatch.GraphWidget({
                        title: 'Failures',
                        left: Object.entries(props.workflows).map(([name, m]) => m.metricFailed({ period: hourly, statistic: 'Sum', label: `${name} failed` })),
                        right: [this.metric('VerificationFailed', 'RunVerification', hourly)],
                        width: 12,
                    }),
                ],
            ],
        });
    }
    metric(name, step, period, statistic = 'Sum') {
        return new cloudwatch.Metric({
            namespace: NAMESPACE,
            metricName: name,
            dimensionsMap: stepDimensions(step),
            period,
            statistic,
            label: name,
        });
    }
}
exports.Monitoring = Monitoring;
//# sourceMappingURL=monitoring.js.map