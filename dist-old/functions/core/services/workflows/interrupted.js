"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.markInterruptedBackups = markInterruptedBackups;
const errors_1 = require("../../errors");
const audit_1 = require("../audit");
const runner_1 = require("./runner");
/**
 * At start, the jobs this host left pending or running in a process that is gone are marked
 * failed ("interrupted"); their snapshots were never committed (a manifest is written last and
 * atomically), so nothing half-made stays visible. Jobs of live processes (a CLI backup running
 * beside the server) and of other hosts are left alone. Returns the backups marked.
 */
async function markInterruptedBackups(ctx) {
    const marked = [];
    for (const status of ['pending', 'running']) {
        let cursor;
        do {
            const page = await ctx.catalog.listBackupsByStatus(status, { limit: 1000, cursor });
            for (const backup of page.items) {
                const runner = backup.metadata?.runner;
                if (typeof runner?.host !== 'string' || typeof runner.pid !== 'number')
                    continue;
                if (!(0, runner_1.isDeadLocalRunner)({ host: runner.host, pid: runner.pid }))
                    continue;
                try {
                    marked.push(await ctx.catalog.updateBackup(backup.id, {
                        status: 'failed',
                        error_message: `Interrupted: the process running it (pid ${runner.pid}) stopped before it finished; nothing was committed.`,
                        completed_at: ctx.now().toISOString(),
                    }, ['pending', 'running']));
                    await (0, audit_1.audit)(ctx, {
                        operation_type: 'update',
                        entity_type: 'backup',
                        entity_id: backup.id,
                        action: 'backup.interrupted',
                    });
                }
                catch (error) {
                    if (!(error instanceof errors_1.ConflictError))
                        throw error;
                }
            }
            cursor = page.next;
        } while (cursor);
    }
    return marked;
}
//# sourceMappingURL=interrupted.js.map