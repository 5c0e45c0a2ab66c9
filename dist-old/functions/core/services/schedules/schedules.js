"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkedReplicas = checkedReplicas;
exports.addSchedule = addSchedule;
exports.getScheduleByName = getScheduleByName;
exports.setScheduleEnabled = setScheduleEnabled;
exports.changeSchedule = changeSchedule;
exports.removeSchedule = removeSchedule;
exports.nextRuns = nextRuns;
exports.scheduledExecutionName = scheduledExecutionName;
exports.scheduledBackupInput = scheduledBackupInput;
const errors_1 = require("../../errors");
const enums_1 = require("../../model/enums");
const ids_1 = require("../../../repository/ids");
const audit_1 = require("../audit");
const policy_1 = require("../retention/policy");
const targets_1 = require("../targets");
const cron_1 = require("./cron");
/** Replica URLs as the catalog keeps them (no options lost: the URL is what replication opens). */
async function checkedReplicas(ctx, urls) {
    for (const url of urls) {
        const opened = await ctx.openStore(url);
        if (opened.location === ctx.storage.location)
            throw new errors_1.InputError(`${url} is the repository itself, not a copy of it.`, 'Name another bucket, container or directory for the copy.');
    }
    return [...new Set(urls)];
}
function backupTypeOf(value) {
    const parsed = enums_1.BackupTypeSchema.safeParse(value ?? 'incremental');
    if (!parsed.success)
        throw new errors_1.InputError(`"${value}" is not a backup type.`, 'Use full, incremental or differential.');
    return parsed.data;
}
/**
 * Records a schedule. Every part is checked first (name, target, cron, time zone, retention,
 * type), so an invalid request writes nothing; a duplicate name is a ConflictError.
 */
async function addSchedule(ctx, request) {
    (0, targets_1.validateName)('schedule', request.name);
    (0, cron_1.validateCron)(request.cron);
    const timezone = request.timezone ?? 'UTC';
    (0, cron_1.validateTimeZone)(timezone);
    const retention = (0, policy_1.parseRetentionPolicy)(request.retention ?? '');
    const backupType = backupTypeOf(request.backup_type);
    const replicas = await checkedReplicas(ctx, request.replicas ?? []);
    const target = await ctx.catalog.getTarget(request.target);
    if (!target)
        throw new errors_1.RecordNotFoundError('target', request.target, 'Create it first with `lifeboat target add NAME --type filesystem --path DIR`.');
    const now = ctx.now().toISOString();
    const schedule = {
        id: (0, ids_1.newUlid)(ctx.now().getTime()),
        name: request.name,
        description: request.description ?? null,
        backup_type: backupType,
        target_type: target.target_type,
        target_config: { target: target.name },
        schedule_cron: request.cron.trim(),
        timezone,
        enabled: request.enabled ?? true,
        retention_policy: retention,
        storage_config: {
            backend: ctx.storage.backend,
            location: ctx.storage.location,
            ...(replicas.length ? { replicas } : {}),
        },
        encryption_enabled: true,
        compression_enabled: true,
        verification_enabled: request.verify ?? true,
        created_at: now,
        updated_at: now,
        created_by: ctx.actor.user_id,
    };
    ctx.scheduleRegistry?.check(schedule);
    await ctx.catalog.createSchedule(schedule);
    try {
        await ctx.scheduleRegistry?.put(schedule);
    }
    catch (error) {
        // Not firing anywhere: the record goes too, and the caller sees why.
        await ctx.catalog.deleteSchedule(schedule.id);
        throw error;
    }
    await (0, audit_1.audit)(ctx, {
        operation_type: 'create',
        entity_type: 'schedule',
        entity_id: schedule.id,
        action: 'schedule.create',
        details: { name: schedule.name, target: target.name, schedule_cron: schedule.schedule_cron, timezone },
    });
    return schedule;
}
async function getScheduleByName(ctx, name) {
    const schedule = await ctx.catalog.getScheduleByName(name);
    if (!schedule)
        throw new errors_1.RecordNotFoundError('schedule', name);
    return schedule;
}
async function setScheduleEnabled(ctx, name, enabled) {
    const schedule = await getScheduleByName(ctx, name);
    const updated = await updateRegistered(ctx, schedule, { enabled, updated_at: ctx.now().toISOString() });
    await (0, audit_1.audit)(ctx, {
        operation_type: 'update',
        entity_type: 'schedule',
        entity_id: schedule.id,
        action: enabled ? 'schedule.enable' : 'schedule.disable',
        details: { name },
    });
    return updated;
}
/**
 * Updates a schedule in the catalog and the registry: what the registry cannot express is refused
 * first; if the registry then fails, the catalog gets the previous values back.
 */
async function updateRegistered(ctx, schedule, patch) {
    ctx.scheduleRegistry?.check({ ...schedule, ...patch });
    const updated = await ctx.catalog.updateSchedule(schedule.id, patch);
    try {
        await ctx.scheduleRegistry?.put(updated);
    }
    catch (error) {
        const previous = Object.fromEntries(Object.keys(patch).map((k) => [k, schedule[k]]));
        await ctx.catalog.updateSchedule(schedule.id, previous);
        throw error;
    }
    return updated;
}
/** Changes a schedule: every field is checked first, so an invalid change writes nothing. */
async function changeSchedule(ctx, name, change) {
    const schedule = await getScheduleByName(ctx, name);
    if (change.cron !== undefined)
        (0, cron_1.validateCron)(change.cron);
    if (change.timezone !== undefined)
        (0, cron_1.validateTimeZone)(change.timezone);
    const retention = change.retention !== undefined ? (0, policy_1.parseRetentionPolicy)(change.retention) : undefined;
    const backupType = change.backup_type !== undefined ? backupTypeOf(change.backup_type) : undefined;
    const replicas = change.replicas !== undefined ? await checkedReplicas(ctx, change.replicas) : undefined;
    const updated = await updateRegistered(ctx, schedule, {
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.cron !== undefined ? { schedule_cron: change.cron.trim() } : {}),
        ...(change.timezone !== undefined ? { timezone: change.timezone } : {}),
        ...(backupType ? { backup_type: backupType } : {}),
        ...(retention ? { retention_policy: retention } : {}),
        ...(change.verify !== undefined ? { verification_enabled: change.verify } : {}),
        ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
        ...(replicas
            ? {
                storage_config: {
                    ...schedule.storage_config,
                    ...(replicas.length ? { replicas } : { replicas: undefined }),
                },
            }
            : {}),
        updated_at: ctx.now().toISOString(),
    });
    await (0, audit_1.audit)(ctx, {
        operation_type: 'update',
        entity_type: 'schedule',
        entity_id: schedule.id,
        action: 'schedule.update',
        details: { name, changed: Object.keys(change) },
    });
    return updated;
}
async function removeSchedule(ctx, name) {
    const schedule = await getScheduleByName(ctx, name);
    // Stops firing first: a registry failure leaves the schedule whole, in both places.
    await ctx.scheduleRegistry?.remove(schedule.name);
    await ctx.catalog.deleteSchedule(schedule.id);
    await (0, audit_1.audit)(ctx, {
        operation_type: 'delete',
        entity_type: 'schedule',
        entity_id: schedule.id,
        action: 'schedule.remove',
        details: { name },
    });
}
/** The next `count` times a schedule fires, in its time zone. */
function nextRuns(schedule, after, count = 3) {
    return (0, cron_1.scheduledTimes)(schedule.schedule_cron, schedule.timezone, after, { count });
}
/**
 * The execution name of a scheduled run: the schedule and the scheduled minute, so that however
 * often the scheduler (or EventBridge Scheduler, retrying) starts it, one backup runs.
 */
function scheduledExecutionName(schedule, time) {
    return `${schedule.id}-${time.toISOString().slice(0, 16).replace(/[-:]/g, '')}`;
}
/** The backup workflow's input for a run of a schedule. */
function scheduledBackupInput(schedule, time) {
    return {
        target: schedule.target_config.target,
        backup_type: schedule.backup_type,
        schedule_id: schedule.id,
        scheduled_at: time ? time.toISOString() : null,
    };
}
//# sourceMappingURL=schedules.js.map