"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RetentionRequestSchema = void 0;
exports.applyRetention = applyRetention;
exports.collectGarbage = collectGarbage;
exports.recordRetentionFailure = recordRetentionFailure;
const zod_1 = require("zod");
const gc_1 = require("../../../repository/gc");
const ids_1 = require("../../../repository/ids");
const common_1 = require("../../model/common");
const errors_1 = require("../../errors");
const audit_1 = require("../audit");
const pages_1 = require("../catalog/pages");
const policy_1 = require("../retention/policy");
const select_1 = require("../retention/select");
const schedules_1 = require("../schedules/schedules");
const runner_1 = require("./runner");
const step_failure_1 = require("./step-failure");
exports.RetentionRequestSchema = zod_1.z
    .object({
    /** One schedule's policy; all schedules' when absent. */
    schedule: common_1.NameSchema.optional(),
    dry_run: zod_1.z.boolean().default(false),
})
    .strict();
/** Summaries only: a Step Functions payload stays far below its limit. */
const LISTED_PER_SCHEDULE = 200;
function completedBackups(ctx, target) {
    return (0, pages_1.allItems)((cursor) => ctx.catalog.listBackupsByTarget(target, { limit: 1000, cursor, status: 'completed' }));
}
function allSchedules(ctx) {
    return (0, pages_1.allItems)((cursor) => ctx.catalog.listSchedules({ limit: 1000, cursor }));
}
/**
 * Apply retention: for each schedule with rules, the completed backups of its target are kept
 * or forgotten by its policy (in its time zone). Forgetting removes the snapshot's manifest and
 * the catalog record; the data goes with the next garbage collection. A policy without rules
 * keeps everything.
 */
async function applyRetention(ctx, input) {
    const request = exports.RetentionRequestSchema.parse(input);
    const schedules = request.schedule
        ? [await (0, schedules_1.getScheduleByName)(ctx, request.schedule)]
        : await allSchedules(ctx);
    const repo = await ctx.repository();
    const result = { dry_run: request.dry_run, schedules: [], removed: 0 };
    const done = new Set();
    for (const schedule of schedules) {
        const target = schedule.target_config.target;
        if ((0, policy_1.isEmptyPolicy)(schedule.retention_policy) || done.has(target))
            continue;
        done.add(target);
        const backups = await completedBackups(ctx, target);
        const decisions = (0, select_1.selectRetained)(backups.map((b) => ({ id: b.id, time: b.completed_at ?? b.created_at })), schedule.retention_policy, schedule.timezone, ctx.now());
        const removed = decisions.filter((d) => !d.keep);
        const summary = {
            schedule: schedule.name,
            target,
            kept: decisions.length - removed.length,
            removed: removed
                .slice(0, LISTED_PER_SCHEDULE)
                .map((d) => ({ id: d.id, completed_at: backups.find((b) => b.id === d.id)?.completed_at ?? null })),
        };
        result.schedules.push(summary);
        result.removed += removed.length;
        if (request.dry_run)
            continue;
        for (const decision of removed) {
            await (0, gc_1.forgetSnapshot)(repo, decision.id);
            await ctx.catalog.deleteBackup(decision.id);
            await (0, audit_1.audit)(ctx, {
                operation_type: 'delete',
                entity_type: 'backup',
                entity_id: decision.id,
                action: 'backup.forget',
                details: { schedule: schedule.name, target, policy: schedule.retention_policy },
            });
        }
    }
    return result;
}
/**
 * Collect garbage under the fence: writers that died on this host are cleared first; with
 * anyone still writing, GC does not run (it answers `deferred`, with why) rather than risk a
 * backup's chunks.
 */
async function collectGarbage(ctx, input) {
    const { dry_run } = zod_1.z
        .object({ dry_run: zod_1.z.boolean().default(false) })
        .loose()
        .parse(input ?? {});
    const fence = await ctx.catalog.fence();
    for (const [id, runner] of Object.entries(fence.writers))
        if ((0, runner_1.isDeadLocalRunner)(runner))
            await ctx.catalog.leaveWriter(id);
    if (fence.gc && (0, runner_1.isDeadLocalRunner)(fence.gc))
        await ctx.catalog.endGc(fence.gc.id);
    const gcId = (0, ids_1.newUlid)(ctx.now().getTime());
    try {
        await ctx.catalog.beginGc(gcId, { ...(0, runner_1.runner)(), since: ctx.now().toISOString() });
    }
    catch (error) {
        // Busy (backups writing, another GC): not a failure of retention; the next run collects.
        if (error instanceof errors_1.ConflictError)
            return { deferred: `${error.message} ${error.hint}` };
        throw error;
    }
    try {
        const report = await (0, gc_1.collectGarbage)(await ctx.repository(), { dryRun: dry_run });
        await (0, audit_1.audit)(ctx, {
            operation_type: 'gc',
            entity_type: 'repository',
            entity_id: null,
            action: dry_run ? 'repository.gc.dry_run' : 'repository.gc',
            details: { ...report },
        });
        return report;
    }
    finally {
        await ctx.catalog.endGc(gcId);
    }
}
/** The failure path of the retention workflow. */
async function recordRetentionFailure(ctx, input) {
    const state = step_failure_1.StepFailureSchema.parse(input);
    const message = (0, step_failure_1.describeStepError)(state.error);
    await (0, audit_1.audit)(ctx, {
        operation_type: 'update',
        entity_type: 'repository',
        entity_id: null,
        action: 'retention.fail',
        details: { error: message },
    });
    await ctx.events.publish({ type: 'Retention Failed', detail: { error: message } });
    return { error: message };
}
//# sourceMappingURL=retention-steps.js.map