import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowName } from './project';

/** The metrics the workflow steps emit (functions/handlers/step-handler.ts), namespace Lifeboat. */
const NAMESPACE = 'Lifeboat';
const stepDimensions = (step: string) => ({ service: 'lifeboat', step });

export interface AlertsProps {
  /** E-mail addresses subscribed to the alerts topic. @default none */
  readonly alertEmails?: string[];
}

/**
 * The alerts topic, encrypted with an operations key that EventBridge and CloudWatch may use to
 * publish (never the vault key: services get no way near the repository's key).
 */
export class Alerts extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Lifeboat operations: catalog table and alerts topic',
      enableKeyRotation: true,
    });
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com'])
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Publish alerts (${service})`,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Lifeboat alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.alertEmails ?? [])
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
}

export interface MonitoringProps {
  readonly alerts: sns.ITopic;
  readonly workflows: Record<WorkflowName, sfn.IStateMachine>;
  readonly deadLetterQueues: sqs.IQueue[];
  /** Schedules with an RPO: no completed backup within `hours` fires an alarm. */
  readonly rpo?: { schedule: string; hours: number }[];
}

/**
 * Alarms (failed executions, failed verifications, undelivered events, RPO per schedule), all
 * to the alerts topic, and a dashboard of backups, bytes, durations, dedup ratio and failures.
 */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const notify = new actions.SnsAction(props.alerts);
    const alarm = (name: string, options: cloudwatch.AlarmProps) => {
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
            failed: machine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
            timedOut: machine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
          },
          label: `${name} failures`,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    alarm('VerificationFailed', {
      alarmDescription:
        'A verification found a backup that does not restore as recorded: run `lifeboat check` (docs/OPERATIONS.md §9).',
      metric: this.metric('VerificationFailed', 'RunVerification', Duration.minutes(5)),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    props.deadLetterQueues.forEach((queue, i) =>
      alarm(`DeadLetters${i === 0 ? '' : i}`, {
        alarmDescription:
          'A schedule or an event could not start its workflow: read the message in the queue (docs/OPERATIONS.md §9).',
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const { schedule, hours } of props.rpo ?? []) {
      if (!Number.isInteger(hours) || hours < 1 || hours > 168)
        throw new Error(`rpo_hours of "${schedule}" must be a whole number of hours from 1 to 168.`);
      alarm(`Rpo-${schedule}`, {
        alarmDescription: `No backup of schedule "${schedule}" completed in ${hours} hours (its RPO): docs/OPERATIONS.md §9.`,
        metric: new cloudwatch.Metric({
          namespace: NAMESPACE,
          metricName: 'ScheduledBackupCompleted',
          dimensionsMap: { ...stepDimensions('CommitBackup'), schedule },
          period: Duration.hours(1),
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

    const hourly = Duration.hours(1);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-lifeboat`,
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
            left: ['RunBackup', 'RunRestore', 'RunVerification', 'CollectGarbage'].map((step) =>
              this.metric('StepDuration', step, hourly, 'Maximum'),
            ),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Failures',
            left: Object.entries(props.workflows).map(([name, m]) =>
              m.metricFailed({ period: hourly, statistic: 'Sum', label: `${name} failed` }),
            ),
            right: [this.metric('VerificationFailed', 'RunVerification', hourly)],
            width: 12,
          }),
        ],
      ],
    });
  }

  private metric(name: string, step: string, period: Duration, statistic = 'Sum'): cloudwatch.Metric {
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
