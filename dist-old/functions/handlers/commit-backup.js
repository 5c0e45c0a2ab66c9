"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler = exports.commitMetrics = void 0;
// Lambda entry of the workflow step CommitBackup (state machines: ${CommitBackupFunctionArn}).
const metrics_1 = require("@aws-lambda-powertools/metrics");
const step_handler_1 = require("./step-handler");
/**
 * What the dashboard and the RPO alarms read: each completed backup, its bytes read and stored,
 * its dedup ratio, and per schedule a completion (the CDK app's RPO alarm counts these).
 */
const commitMetrics = (backup, metrics) => {
    metrics.addMetric('BackupCompleted', metrics_1.MetricUnit.Count, 1);
    metrics.addMetric('BackupBytesRead', metrics_1.MetricUnit.Bytes, backup.original_size_bytes ?? 0);
    metrics.addMetric('BackupBytesStored', metrics_1.MetricUnit.Bytes, backup.final_size_bytes ?? 0);
    if (backup.original_size_bytes && backup.final_size_bytes)
        metrics.addMetric('DedupRatio', metrics_1.MetricUnit.NoUnit, backup.original_size_bytes / backup.final_size_bytes);
    if (backup.schedule_name) {
        const single = metrics.singleMetric();
        single.addDimension('schedule', backup.schedule_name);
        single.addMetric('ScheduledBackupCompleted', metrics_1.MetricUnit.Count, 1);
    }
};
exports.commitMetrics = commitMetrics;
exports.handler = (0, step_handler_1.stepHandler)('CommitBackupFunctionArn', {
    report: exports.commitMetrics,
});
//# sourceMappingURL=commit-backup.js.map