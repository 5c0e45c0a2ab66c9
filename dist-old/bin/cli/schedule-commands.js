"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runScheduleAdd = runScheduleAdd;
exports.runScheduleList = runScheduleList;
exports.printSchedules = printSchedules;
exports.runScheduleShow = runScheduleShow;
exports.printSchedule = printSchedule;
exports.runScheduleEnable = runScheduleEnable;
exports.runScheduleRemove = runScheduleRemove;
exports.runScheduleRun = runScheduleRun;
const node_child_process_1 = require("node:child_process");
const policy_1 = require("../../functions/core/services/retention/policy");
const schedules_1 = require("../../functions/core/services/schedules/schedules");
const step_failure_1 = require("../../functions/core/services/workflows/step-failure");
const engine_1 = require("../../functions/local/engine");
const errors_1 = require("../../functions/core/errors");
const output_1 = require("./output");
const with_system_1 = require("./with-system");
const pages_1 = require("../../functions/core/services/catalog/pages");
function runScheduleAdd(name, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx }) => {
        const schedule = await (0, schedules_1.addSchedule)(ctx, {
            name,
            target: options.target,
            cron: options.cron,
            timezone: options.timezone,
            backup_type: options.type,
            retention: options.retention,
            verify: options.verify,
            enabled: !options.disabled,
            description: options.description ?? null,
            replicas: options.replicateTo,
        });
        const next = (0, schedules_1.nextRuns)(schedule, ctx.now(), 3);
        if (options.json)
            return (0, output_1.printJson)({ ...schedule, next_runs: next.map((d) => d.toISOString()) });
        (0, output_1.say)(`Schedule "${schedule.name}" added: ${schedule.backup_type} backups of "${options.target}" at "${schedule.schedule_cron}" (${schedule.timezone}).` +
            ` Next runs: ${next.map((d) => d.toISOString()).join(', ')}. They fire while \`lifeboat serve\` runs.`);
    });
}
function row(s, now) {
    return [
        s.name,
        s.target_config.target,
        s.schedule_cron,
        s.timezone,
        s.backup_type,
        s.enabled ? 'yes' : 'no',
        (0, policy_1.formatRetentionPolicy)(s.retention_policy),
        s.enabled ? ((0, schedules_1.nextRuns)(s, now, 1)[0]?.toISOString() ?? '-') : '-',
    ];
}
function runScheduleList(options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx, catalog }) => {
        const items = await (0, pages_1.allItems)((cursor) => catalog.listSchedules({ limit: 1000, cursor }));
        printSchedules(items, options, ctx.now());
    });
}
/** Schedules as a table with their next run, or JSON. */
function printSchedules(items, options, now) {
    if (options.json)
        return (0, output_1.printJson)(items);
    if (items.length === 0)
        return (0, output_1.say)('No schedules yet. Add one with `lifeboat schedule add NAME --target T --cron "0 2 * * *"`.');
    const rows = [
        ['NAME', 'TARGET', 'CRON', 'TIME ZONE', 'TYPE', 'ENABLED', 'RETENTION', 'NEXT RUN'],
        ...items.map((s) => row(s, now)),
    ];
    process.stdout.write(`${(0, output_1.formatTable)(rows)}\n`);
}
function runScheduleShow(name, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx, catalog }) => {
        const schedule = await (0, schedules_1.getScheduleByName)(ctx, name);
        const next = schedule.enabled ? (0, schedules_1.nextRuns)(schedule, ctx.now(), 5).map((d) => d.toISOString()) : [];
        const recent = (await catalog.listBackupsBySchedule(schedule.id, { limit: 5 })).items;
        printSchedule(schedule, next, recent, options);
    });
}
/** One schedule, its next runs and recent backups. */
function printSchedule(schedule, next, recent, options) {
    if (options.json)
        return (0, output_1.printJson)({ ...schedule, next_runs: next, recent_backups: recent });
    const lines = [
        `name:        ${schedule.name} (${schedule.id})`,
        `target:      ${schedule.target_config.target}`,
        `cron:        ${schedule.schedule_cron} (${schedule.timezone})`,
        `type:        ${schedule.backup_type}`,
        `enabled:     ${schedule.enabled ? 'yes' : 'no'}`,
        `retention:   ${(0, policy_1.formatRetentionPolicy)(schedule.retention_policy)}`,
        `verify:      ${schedule.verification_enabled ? 'yes' : 'no'}`,
        `next runs:   ${next.join(', ') || '-'}`,
        `recent:      ${recent.map((b) => `${b.id} ${b.status}`).join('; ') || '-'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
}
function runScheduleEnable(name, enabled, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx }) => {
        const schedule = await (0, schedules_1.setScheduleEnabled)(ctx, name, enabled);
        if (options.json)
            (0, output_1.printJson)(schedule);
        else
            (0, output_1.say)(`Schedule "${name}" ${enabled ? 'enabled' : 'disabled'}.`);
    });
}
function runScheduleRemove(name, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx }) => {
        await (0, schedules_1.removeSchedule)(ctx, name);
        if (options.json)
            (0, output_1.printJson)({ removed: name });
        else
            (0, output_1.say)(`Schedule "${name}" removed; its backups stay.`);
    });
}
/** Runs a schedule's backup workflow now (not at a scheduled time: the name is a fresh id). */
function runScheduleRun(name, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx, catalog }) => {
        const schedule = await (0, schedules_1.getScheduleByName)(ctx, name);
        if (!options.wait) {
            // The workflow runs in a process of its own, which outlives this one; its first step
            // records the backup, whose id is reported as soon as it exists.
            const since = ctx.now();
            const globals = [
                ...(options.repo ? ['--repo', options.repo] : []),
                ...(options.keyFile ? ['--key-file', options.keyFile] : []),
            ];
            (0, node_child_process_1.spawn)(process.execPath, [process.argv[1], ...globals, 'schedule', 'run', name], {
                detached: true,
                stdio: 'ignore',
            }).unref();
            const started = await waitForNewBackup(catalog, schedule.id, since);
            if (options.json)
                (0, output_1.printJson)({ backup_id: started?.id ?? null, status: started?.status ?? 'pending' });
            else
                process.stdout.write(`${started?.id ?? 'started'}\n`);
            return;
        }
        const run = await new engine_1.LocalEngine(ctx).run('backup', (0, schedules_1.scheduledBackupInput)(schedule, null));
        const [backup] = (await catalog.listBackupsBySchedule(schedule.id, { limit: 1 })).items;
        if (options.json)
            (0, output_1.printJson)({ execution: run.name, status: run.status, backup: backup ?? null });
        if (run.status !== 'SUCCEEDED')
            throw new errors_1.LifeboatError('WORKFLOW_FAILED', `The backup of schedule "${name}" failed: ${(0, step_failure_1.describeStepError)(run.error)}`, 'See `lifeboat backups --schedule NAME --status failed`.');
        if (!options.json)
            (0, output_1.say)(`Backup ${backup?.id ?? ''} of schedule "${name}" completed.`);
    });
}
async function waitForNewBackup(catalog, scheduleId, since) {
    for (let i = 0; i < 600; i++) {
        const [latest] = (await catalog.listBackupsBySchedule(scheduleId, { limit: 1 })).items;
        if (latest && latest.created_at >= since.toISOString())
            return latest;
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
}
//# sourceMappingURL=schedule-commands.js.map