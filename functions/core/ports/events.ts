/**
 * Lifeboat's events, as EventBridge carries them in AWS (source "lifeboat") and the local engine
 * delivers them in-process: `Backup Completed` starts verification and retention, the failures
 * go to the alerts.
 */
export type LifeboatEventType =
  | 'Backup Completed'
  | 'Backup Failed'
  | 'Recovery Completed'
  | 'Recovery Failed'
  | 'Verification Passed'
  | 'Verification Failed'
  | 'Retention Applied'
  | 'Retention Failed'
  | 'Backup Replicated'
  | 'Replication Failed';

export interface LifeboatEvent {
  type: LifeboatEventType;
  /** Small and free of secrets: ids, names, statuses, sizes, error messages. */
  detail: Record<string, unknown>;
}

export interface EventPublisher {
  publish(event: LifeboatEvent): Promise<void>;
}
