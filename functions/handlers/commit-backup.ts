// Lambda entry of the workflow step CommitBackup (state machines: ${CommitBackupFunctionArn}).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CommittedBackup } from '../core/services/workflows/backup-steps';
import { stepHandler, type ResultMetrics } from './step-handler';

/**
 * What the dashboard and the RPO alarms read: each completed backup, its bytes read and stored,
 * its dedup ratio, and per schedule a completion (the CDK app's RPO alarm counts these).
 */
export const commitMetrics: ResultMetrics<CommittedBackup> = (backup, metrics) => {
  metrics.addMetric('BackupCompleted', MetricUnit.Count, 1);
  metrics.addMetric('BackupBytesRead', MetricUnit.Bytes, backup.original_size_bytes ?? 0);
  metrics.addMetric('BackupBytesStored', MetricUnit.Bytes, backup.final_size_bytes ?? 0);
  if (backup.original_size_bytes && backup.final_size_bytes)
    metrics.addMetric('DedupRatio', MetricUnit.NoUnit, backup.original_size_bytes / backup.final_size_bytes);
  if (backup.schedule_name) {
    const single = metrics.singleMetric();
    single.addDimension('schedule', backup.schedule_name);
    single.addMetric('ScheduledBackupCompleted', MetricUnit.Count, 1);
  }
};

export const handler = stepHandler('CommitBackupFunctionArn', {
  report: commitMetrics as ResultMetrics<unknown>,
});
