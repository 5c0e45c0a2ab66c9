"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.remoteScheduleList = remoteScheduleList;
exports.remoteScheduleShow = remoteScheduleShow;
exports.remoteScheduleAdd = remoteScheduleAdd;
exports.remoteScheduleEnable = remoteScheduleEnable;
exports.remoteScheduleRemove = remoteScheduleRemove;
exports.remoteScheduleRun = remoteScheduleRun;
exports.remoteBackups = remoteBackups;
exports.remoteCancel = remoteCancel;
exports.remoteVerify = remoteVerify;
exports.remoteRestore = remoteRestore;
const node_crypto_1 = require("node:crypto");
const promises_1 = require("node:timers/promises");
const errors_1 = require("../../functions/core/errors");
const enums_1 = require("../../functions/core/model/enums");
const schedules_1 = require("../../functions/core/services/schedules/schedules");
const ids_1 = require("../../functions/repository/ids");
const api_client_1 = require("./api-client");
const catalog_commands_1 = require("./catalog-commands");
const output_1 = require("./output");
const schedule_commands_1 = require("./schedule-commands");
const verify_1 = require("./verify");
const POLL_MS = Number(process.env.LIFEBOAT_POLL_MS ?? 2000);
/** How long a command waits for the record of the work it started to appear. */
const APPEAR_TIMEOUT_MS = 5 * 60_000;
const encode = encodeURIComponent;
/**
 * Follows a record until `done`: each change of `describe` is said once (step, progress), so a
 * long restore shows where it is without flooding the terminal.
 */
async function follow(read, done, describe, quiet) {
    let said = '';
    for (;;) {
        const value = await read();
        const line = describe(value);
        if (!quiet && line !== said)
            (0, output_1.say)(line);
        said = line;
        if (done(value))
            return value;
        await (0, promises_1.setTimeout)(POLL_MS);
    }
}
/** The first new item of a listing (not among `known`) that `mine` recognizes, once it appears. */
async function appeared(list, known, mine, what) {
    const deadline = Date.now() + APPEAR_TIMEOUT_MS;
    for (;;) {
        const found = (await list()).items.find((item) => !known.has(item.id) && mine(item));
        if (found)
            return found;
        if (Date.now() > deadline)
            throw new errors_1.LifeboatError('API', `The ${what} was started but its record did not appear within ${APPEAR_TIMEOUT_MS / 60_000} minutes.`, 'Look at the workflow in the Step Functions console, or list it later through the API.');
        await (0, promises_1.setTimeout)(POLL_MS);
    }
}
const ids = (page) => new Set(page.items.map((i) => i.id));
async function remoteScheduleList(options) {
    const page = await api_client_1.ApiClient.of(options).get('/schedules', { limit: 1000 });
    (0, schedule_commands_1.printSchedules)(page.items, options, new Date());
}
async function remoteScheduleShow(name, options) {
    const api = api_client_1.ApiClient.of(options);
    const schedule = await api.get(`/schedules/${encode(name)}`);
    const recent = await api.get('/backups', { schedule: name, limit: 5 });
    const next = schedule.enabled ? (0, schedules_1.nextRuns)(schedule, new Date(), 5).map((d) => d.toISOString()) : [];
    (0, schedule_commands_1.printSchedule)(schedule, next, recent.items, options);
}
async function remoteScheduleAdd(name, body, options) {
    const schedule = await api_client_1.ApiClient.of(options).send('POST', '/schedules', { name, ...body });
    if (options.json)
        return (0, output_1.printJson)(schedule);
    (0, output_1.say)(`Schedule "${schedule.name}" added: ${schedule.backup_type} backups of "${schedule.target_config.target}" at "${schedule.schedule_cron}" (${schedule.timezone}); EventBridge Scheduler runs it.`);
}
async function remoteScheduleEnable(name, enabled, options) {
    const schedule = await api_client_1.ApiClient.of(options).send('PATCH', `/schedules/${encode(name)}`, {
        enabled,
    });
    if (options.json)
        (0, output_1.printJson)(schedule);
    else
        (0, output_1.say)(`Schedule "${name}" ${enabled ? 'enabled' : 'disabled'}.`);
}
async function remoteScheduleRemove(name, options) {
    await api_client_1.ApiClient.of(options).send('DELETE', `/schedules/${encode(name)}`);
    if (options.json)
        (0, output_1.printJson)({ removed: name });
    else
        (0, output_1.say)(`Schedule "${name}" removed; its backups stay.`);
}
/** Starts a schedule's backup in the deployment; with `wait`, follows it to its end. */
async function remoteScheduleRun(name, wait, options) {
    const api = api_client_1.ApiClient.of(options);
    const list = () => api.get('/backups', { schedule: name, limit: 20 });
    const known = ids(await list());
    const started = await api.send('POST', `/schedules/${encode(name)}/run`, undefined, (0, node_crypto_1.randomUUID)());
    const backup = await appeared(list, known, () => true, `backup of schedule "${name}"`);
    if (!wait) {
        if (options.json)
            (0, output_1.printJson)({ backup_id: backup.id, status: backup.status, execution_name: started.execution_name });
        else
            process.stdout.write(`${backup.id}\n`);
        return;
    }
    const done = await follow(() => api.get(`/backups/${backup.id}`), (b) => enums_1.FINISHED_BACKUP.includes(b.status), (b) => `backup ${b.id}: ${b.status} ${b.progress}%`, Boolean(options.json));
    if (options.json)
        (0, output_1.printJson)({ execution: started.execution_name, status: done.status, backup: done });
    if (done.status !== 'completed')
        throw new errors_1.LifeboatError('WORKFLOW_FAILED', `The backup of schedule "${name}" ${done.status}: ${done.error_message ?? 'no reason recorded'}`, `See \`lifeboat backups --schedule ${name} --api URL\` and the workflow in the Step Functions console.`);
    if (!options.json)
        (0, output_1.say)(`Backup ${done.id} of schedule "${name}" completed.`);
}
async function remoteBackups(query, options) {
    (0, catalog_commands_1.printBackups)(await api_client_1.ApiClient.of(options).get('/backups', { ...query }), options);
}
/** Cancels a backup, or else a recovery job, with that id. */
async function remoteCancel(id, options) {
    const api = api_client_1.ApiClient.of(options);
    try {
        const backup = await api.send('POST', `/backups/${encode(id)}/cancel`);
        if (options.json)
            (0, output_1.printJson)(backup);
        else
            (0, output_1.say)(`Backup ${id} cancelled; it stops within seconds and writes no snapshot.`);
    }
    catch (error) {
        if (!(error instanceof api_client_1.ApiProblemError) || error.status !== 404)
            throw error;
        const job = await api.send('POST', `/recovery-jobs/${encode(id)}/cancel`);
        if (options.json)
            (0, output_1.printJson)(job);
        else
            (0, output_1.say)(`Recovery job ${id} cancelled; the restore stops within seconds.`);
    }
}
function fullId(reference, what) {
    if (!ids_1.ULID_PATTERN.test(reference))
        throw new errors_1.InputError(`Through the API, name the ${what} by its full id, not "${reference}".`, 'Find it with `lifeboat backups --api URL`.');
    return reference;
}
/** Verifies a backup in the deployment and reports the verdict (exit status 11 when it fails). */
async function remoteVerify(reference, type, options) {
    const api = api_client_1.ApiClient.of(options);
    const id = fullId(reference, 'backup');
    const list = () => api.get('/verifications', { backup: id, limit: 50 });
    const known = ids(await list());
    await api.send('POST', `/backups/${id}/verify`, { verification_type: type }, (0, node_crypto_1.randomUUID)());
    const started = await appeared(list, known, (v) => v.backup_id === id, 'verification');
    const done = await follow(() => api.get(`/verifications/${started.id}`), (v) => enums_1.FINISHED_VERIFICATION.includes(v.status), (v) => `verification ${v.id}: ${v.status}`, Boolean(options.json));
    (0, verify_1.report)(done, options);
}
/**
 * Restores through the deployment's restore workflow: the recovery job is created, followed step
 * by step, and its outcome reported. Paths are on the machine that runs the restore there (an EFS
 * mount, the Fargate task), not on this one.
 */
async function remoteRestore(reference, target, request, options) {
    const api = api_client_1.ApiClient.of(options);
    // The API resolves a prefix or latest:NAME itself; the job then names the backup it found.
    const backup = ids_1.ULID_PATTERN.test(reference) ? reference : undefined;
    const list = () => api.get('/recovery-jobs', { limit: 50 });
    const known = ids(await list());
    const body = {
        backup: reference,
        target_config: target,
        point_in_time: request.point_in_time ?? null,
        validate_only: request.validate_only ?? false,
    };
    await api.send('POST', '/recovery-jobs', body, (0, node_crypto_1.randomUUID)());
    const started = await appeared(list, known, (j) => (backup === undefined || j.backup_id === backup) && sameTarget(j.target_config, target), 'recovery job');
    const job = await follow(() => api.get(`/recovery-jobs/${started.id}`), (j) => enums_1.FINISHED_RECOVERY.includes(j.status), (j) => `recovery job ${j.id}: ${j.status} ${j.progress}%${j.current_step ? ` (${j.current_step})` : ''}`, Boolean(options.json));
    if (options.json)
        (0, output_1.printJson)(job);
    if (job.status !== 'completed') {
        const failed = job.steps.find((s) => s.status === 'failed');
        throw new errors_1.LifeboatError('WORKFLOW_FAILED', `The restore ${job.status}${failed ? ` at "${failed.name}"` : ''}: ${job.error_message ?? failed?.message ?? 'no reason recorded'}`, `The recovery job ${job.id} has every step: \`lifeboat api GET /recovery-jobs/${job.id} --api URL\`.`, errors_1.ExitCode.failure);
    }
    if (!options.json)
        (0, output_1.say)(job.validate_only
            ? `Restore of ${job.backup_id} is possible (${job.recovery_type}); nothing was written (recovery job ${job.id}).`
            : `Restored ${job.backup_id} (${job.recovery_type}, recovery job ${job.id}): ${job.recovered_size_bytes ?? 0} bytes, every step completed.`);
}
/** The job records the target as the workflow parsed it (defaults filled in): compare what was asked. */
function sameTarget(recorded, asked) {
    return Object.entries(asked).every(([k, v]) => JSON.stringify(recorded[k]) === JSON.stringify(v));
}
//# sourceMappingURL=remote.js.map