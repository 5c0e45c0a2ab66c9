import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The detail-types Lifeboat's steps publish (functions/core/ports/events.ts) that need a person. */
export const ALERT_EVENTS = [
  'Backup Failed',
  'Recovery Failed',
  'Verification Failed',
  'Retention Failed',
  'Replication Failed',
] as const;

/** The rule patterns (EventBridge's event pattern syntax) that start verification and retention. */
export const VERIFY_AFTER_BACKUP = {
  source: ['lifeboat'],
  detailType: ['Backup Completed'],
  detail: { verification_enabled: [true] },
};
export const RETENTION_AFTER_BACKUP = {
  source: ['lifeboat'],
  detailType: ['Backup Completed'],
  detail: { retention_enabled: [true] },
};

export interface ReactionsProps {
  readonly verifyWorkflow: sfn.IStateMachine;
  readonly retentionWorkflow: sfn.IStateMachine;
  readonly alerts: sns.ITopic;
  /** Where events that could not start a workflow go. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Lifeboat's event bus (source `lifeboat`, detail-type the event's type) and the rules that
 * make the system event-driven: a completed backup starts its verification (when its schedule
 * asks) and its schedule's retention (when it has a policy); failures go to the alerts topic.
 * The local engine's twin is functions/local/reactions.ts.
 */
export class LifeboatEvents extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `${Stack.of(this).stackName}-events` });
  }

  grantPutEvents(grantee: iam.IGrantable): void {
    this.bus.grantPutEventsTo(grantee);
  }

  addReactions(props: ReactionsProps): void {
    const delivery = {
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: 8,
      maxEventAge: Duration.hours(6),
    };
    new events.Rule(this, 'VerifyCompletedBackups', {
      eventBus: this.bus,
      description: 'A completed backup whose schedule asks for verification starts the verify workflow',
      eventPattern: VERIFY_AFTER_BACKUP,
      targets: [
        new targets.SfnStateMachine(props.verifyWorkflow, {
          ...delivery,
          input: events.RuleTargetInput.fromObject({
            backup: events.EventField.fromPath('$.detail.backup_id'),
            verification_type: 'checksum',
          }),
        }),
      ],
    });
    new events.Rule(this, 'ApplyRetentionAfterBackups', {
      eventBus: this.bus,
      description:
        'A completed backup whose schedule has a retention policy starts the retention workflow for it',
      eventPattern: RETENTION_AFTER_BACKUP,
      targets: [
        new targets.SfnStateMachine(props.retentionWorkflow, {
          ...delivery,
          input: events.RuleTargetInput.fromObject({
            schedule: events.EventField.fromPath('$.detail.schedule_name'),
          }),
        }),
      ],
    });
    new events.Rule(this, 'AlertOnFailures', {
      eventBus: this.bus,
      description:
        'Failed backups, restores, verifications, retention runs and copies go to the alerts topic',
      eventPattern: { source: ['lifeboat'], detailType: [...ALERT_EVENTS] },
      targets: [
        new targets.SnsTopic(props.alerts, {
          ...delivery,
          message: events.RuleTargetInput.fromText(
            `Lifeboat: ${events.EventField.fromPath('$.detail-type')} at ${events.EventField.time}. ` +
              `Details: ${events.EventField.fromPath('$.detail')}`,
          ),
        }),
      ],
    });
  }
}
