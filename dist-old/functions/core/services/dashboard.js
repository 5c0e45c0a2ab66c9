"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DASHBOARD_WINDOW_DAYS = void 0;
exports.rpoStatus = rpoStatus;
exports.dashboard = dashboard;
const pages_1 = require("./catalog/pages");
const cron_1 = require("./schedules/cron");
exports.DASHBOARD_WINDOW_DAYS = 30;
const TOTALS_LIMIT = 10_000;
const HISTORY_LIMIT = 5_000;
function brief(b) {
    return {
        id: b.id,
        status: b.status,
        backup_type: b.backup_type,
        progress: b.progress,
        started_at: b.started_at,
        completed_at: b.completed_at,
        original_size_bytes: b.original_size_bytes,
        final_size_bytes: b.final_size_bytes,
        error_message: b.error_message,
    };
}
function intervalSeconds(schedule, now) {
    try {
        const [next, after] = (0, cron_1.scheduledTimes)(schedule.schedule_cron, schedule.timezone, now, { count: 2 });
        return {
            next: next ?? null,
            interval: next && after ? (after.getTime() - next.getTime()) / 1000 : null,
        };
    }
    catch {
        return { next: null, interval: null };
    }
}
function rpoStatus(enabled, lastCompletedAt, interval, now) {
    if (!enabled)
        return 'disabled';
    if (!lastCompletedAt)
        return 'never';
    if (interval === null)
        return 'ok';
    const grace = Math.max(interval / 10, 300);
    const age = (now.getTime() - Date.parse(lastCompletedAt)) / 1000;
    return age <= interval + grace ? 'ok' : 'late';
}
async function scheduleStatus(ctx, schedule, now) {
    // Newest first: the first is the last run, the first completed the recovery point.
    const recent = await ctx.catalog.listBackupsBySchedule(schedule.id, { limit: 50 });
    const last = recent.items[0];
    const completed = recent.items.find((b) => b.status === 'completed');
    const { next, interval } = intervalSeconds(schedule, now);
    const lastCompletedAt = completed?.completed_at ?? null;
    return {
        name: schedule.name,
        enabled: schedule.enabled,
        schedule_cron: schedule.schedule_cron,
        timezone: schedule.timezone,
        target: schedule.target_config.target,
        next_run: schedule.enabled && next ? next.toISOString() : null,
        interval_seconds: interval,
        last_backup: last ? brief(last) : null,
        last_completed_at: lastCompletedAt,
        rpo_status: rpoStatus(schedule.enabled, lastCompletedAt, interval, now),
    };
}
/**
 * What the admin UI's dashboard shows, in one call: each schedule's last backup and RPO
 * status, recent failures, the bytes stored and saved, and the window's backups for the charts.
 */
async function dashboard(ctx) {
    const now = ctx.now();
    const since = new Date(now.getTime() - exports.DASHBOARD_WINDOW_DAYS * 86_400_000).toISOString();
    const schedules = await (0, pages_1.allItems)((cursor) => ctx.catalog.listSchedules({ limit: 1000, ...(cursor ? { cursor } : {}) }));
    const [statuses, history, completed, failedJobs, verifications] = await Promise.all([
        Promise.all(schedules.map((s) => scheduleStatus(ctx, s, now))),
        (0, pages_1.itemsUpTo)(HISTORY_LIMIT, (cursor) => ctx.catalog.listBackups({ limit: 1000, since, descending: false, ...(cursor ? { cursor } : {}) })),
        (0, pages_1.itemsUpTo)(TOTALS_LIMIT, (cursor) => ctx.catalog.listBackupsByStatus('completed', { limit: 1000, ...(cursor ? { cursor } : {}) })),
        ctx.catalog.listRecoveryJobs({ status: 'failed', limit: 10 }),
        ctx.catalog.listVerifications({ limit: 200 }),
    ]);
    const original = completed.items.reduce((sum, b) => sum + (b.original_size_bytes ?? 0), 0);
    const stored = completed.items.reduce((sum, b) => sum + (b.final_size_bytes ?? 0), 0);
    return {
        generated_at: now.toISOString(),
        schedules: statuses,
        failures: {
            backups: history.items
                .filter((b) => b.status === 'failed')
                .reverse()
                .slice(0, 10)
                .map(brief),
            recovery_jobs: failedJobs.items.map((j) => ({
                id: j.id,
                backup_id: j.backup_id,
                completed_at: j.completed_at,
                error_message: j.error_message,
            })),
            verifications: verifications.items
                .filter((v) => v.status === 'failed')
                .slice(0, 10)
                .map((v) => ({
                id: v.id,
                backup_id: v.backup_id,
                completed_at: v.completed_at,
                error_message: v.error_message,
            })),
        },
        totals: {
            completed_backups: completed.items.length,
            original_bytes: original,
            stored_bytes: stored,
            dedup_ratio: stored > 0 ? original / stored : null,
            partial: completed.more,
        },
        window_days: exports.DASHBOARD_WINDOW_DAYS,
        history: history.items.map((b) => ({
            id: b.id,
            schedule_id: b.schedule_id,
            target: b.target_identifier,
            status: b.status,
            started_at: b.started_at ?? b.created_at,
            duration_seconds: b.started_at && b.completed_at
                ? (Date.parse(b.completed_at) - Date.parse(b.started_at)) / 1000
                : null,
            original_size_bytes: b.original_size_bytes,
            final_size_bytes: b.final_size_bytes,
        })),
    };
}
//# sourceMappingURL=dashboard.js.map