"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ROUTES = void 0;
const node_crypto_1 = require("node:crypto");
const zod_1 = require("zod");
const version_1 = require("../../../bin/cli/version");
const errors_1 = require("../../core/errors");
const common_1 = require("../../core/model/common");
const enums_1 = require("../../core/model/enums");
const schedule_1 = require("../../core/model/schedule");
const audit_1 = require("../../core/services/audit");
const schedules_1 = require("../../core/services/schedules/schedules");
const dashboard_1 = require("../../core/services/dashboard");
const cron_1 = require("../../core/services/schedules/cron");
const targets_1 = require("../../core/services/targets");
const cancel_1 = require("../../core/services/workflows/cancel");
const ids_1 = require("../../repository/ids");
const http_1 = require("./http");
const recovery_request_1 = require("./recovery-request");
/** A route, with its handler typed by its schemas. */
function route(definition) {
    return definition;
}
const Limit = zod_1.z.coerce.number().int().min(1).max(1000).default(50);
const PageQuery = zod_1.z.object({ limit: Limit, cursor: zod_1.z.string().optional() }).strict();
const Timestamp = zod_1.z.iso.datetime({ offset: true });
const TimedPageQuery = PageQuery.extend({ since: Timestamp.optional(), until: Timestamp.optional() });
/** A name that can start a workflow once: the idempotency key's digest, or a new id. */
function executionName(prefix, key) {
    return key
        ? `${prefix}-${(0, node_crypto_1.createHash)('sha256').update(key).digest('hex').slice(0, 32)}`
        : `${prefix}-${(0, ids_1.newUlid)()}`;
}
async function startWork(api, workflow, input, key, action, entity) {
    const name = executionName(`api-${workflow}`, key);
    const status = await api.starter.start(workflow, input, name);
    if (status === 'started')
        await (0, audit_1.audit)(api.ctx, {
            operation_type: 'create',
            entity_type: entity.type,
            entity_id: entity.id,
            action,
            details: { execution_name: name },
        });
    return { execution_name: name, status };
}
/** `2026-11-27 02:00 (Fri) CET`: a time as people in that zone read it. */
function localTime(time, zone) {
    const part = (options) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, ...options }).format(time);
    const date = part({ year: 'numeric', month: '2-digit', day: '2-digit' });
    const clock = part({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const weekday = part({ weekday: 'short' });
    // en-GB names European zones (CET, BST) and gives others as offsets (GMT-5).
    const name = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'short' })
        .format(time)
        .split(' ')
        .pop();
    return `${date} ${clock} (${weekday}) ${name}`;
}
/** How many entries one filtered listing reads at most before it answers with what it found. */
const FILTER_SCAN_LIMIT = 2000;
/**
 * A page of the entries of a listing that pass `keep`, read page by page until `limit` are
 * found or FILTER_SCAN_LIMIT were read; `next` resumes exactly after the last entry read. Each
 * read asks for no more than are still wanted, so that a page never holds more than `limit`.
 */
async function filteredPage(page, list, keep) {
    const items = [];
    let cursor = page.cursor;
    let scanned = 0;
    do {
        const read = await list({ ...page, limit: page.limit - items.length, ...(cursor ? { cursor } : {}) });
        scanned += read.items.length;
        items.push(...read.items.filter(keep));
        cursor = read.next;
    } while (cursor && items.length < page.limit && scanned < FILTER_SCAN_LIMIT);
    return { items, ...(cursor ? { next: cursor } : {}) };
}
/** The seed's retention_policy object as the services take it ("keep-daily=7,keep-weekly=4"). */
function retentionText(policy) {
    return Object.entries(policy)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k.replace(/_/g, '-')}=${String(v)}`)
        .join(',');
}
/** What a schedule's owner chooses, without defaults: a change names only what it changes. */
const ScheduleFields = zod_1.z.object({
    schedule_cron: zod_1.z.string().min(1),
    timezone: zod_1.z.string().min(1),
    backup_type: zod_1.z.enum(['full', 'incremental', 'differential']),
    retention_policy: schedule_1.RetentionPolicySchema,
    verification_enabled: zod_1.z.boolean(),
    enabled: zod_1.z.boolean(),
    description: zod_1.z.string().max(1000).nullable(),
    replicas: zod_1.z.array(zod_1.z.string().min(1)).max(10),
});
const ScheduleBody = ScheduleFields.extend({
    name: common_1.NameSchema,
    target: common_1.NameSchema,
    timezone: ScheduleFields.shape.timezone.default('UTC'),
    backup_type: ScheduleFields.shape.backup_type.default('incremental'),
    retention_policy: schedule_1.RetentionPolicySchema.default({}),
    verification_enabled: zod_1.z.boolean().default(true),
    enabled: zod_1.z.boolean().default(true),
    description: ScheduleFields.shape.description.default(null),
    replicas: ScheduleFields.shape.replicas.default([]),
}).strict();
// No defaults here: zod applies a default even to a field left out of a partial object, which
// would turn `{"enabled": false}` into a reset of every other field.
const ScheduleChangeBody = ScheduleFields.partial().strict();
const NameParam = zod_1.z.object({ name: common_1.NameSchema }).strict();
const IdParam = zod_1.z.object({ id: common_1.IdSchema }).strict();
/** `GET /things/{id}`: the record, or 404 naming what was asked for. */
function getById(path, summary, entity, get) {
    return route({
        method: 'GET',
        path,
        summary,
        params: IdParam,
        status: 200,
        async run({ ctx }, { params }) {
            const record = await get(ctx, params.id);
            if (!record)
                throw new errors_1.RecordNotFoundError(entity, params.id);
            return record;
        },
    });
}
exports.ROUTES = [
    route({
        method: 'GET',
        path: '/health',
        summary: 'Whether the API answers and reaches its catalog',
        status: 200,
        async run({ ctx }) {
            await ctx.catalog.listSchedules({ limit: 1 });
            return { status: 'ok', version: (0, version_1.lifeboatVersion)(), catalog: 'reachable' };
        },
    }),
    route({
        method: 'GET',
        path: '/dashboard',
        summary: 'Each schedule with its last backup and RPO status, recent failures, bytes stored and saved',
        status: 200,
        run: ({ ctx }) => (0, dashboard_1.dashboard)(ctx),
    }),
    route({
        method: 'GET',
        path: '/schedule-preview',
        summary: "The next times a cron expression fires in a time zone (the schedule form's helper)",
        query: zod_1.z
            .object({
            schedule_cron: zod_1.z.string().min(1),
            timezone: zod_1.z.string().min(1).default('UTC'),
            count: zod_1.z.coerce.number().int().min(1).max(20).default(5),
        })
            .strict(),
        status: 200,
        async run({ ctx }, { query }) {
            (0, cron_1.validateCron)(query.schedule_cron);
            (0, cron_1.validateTimeZone)(query.timezone);
            const runs = (0, cron_1.scheduledTimes)(query.schedule_cron, query.timezone, ctx.now(), { count: query.count });
            return {
                schedule_cron: query.schedule_cron.trim(),
                timezone: query.timezone,
                next_runs: runs.map((t) => ({
                    at: t.toISOString(),
                    local: localTime(t, query.timezone),
                })),
            };
        },
    }),
    route({
        method: 'GET',
        path: '/targets',
        summary: 'List targets',
        query: PageQuery,
        status: 200,
        run: ({ ctx }, { query }) => ctx.catalog.listTargets(query),
    }),
    route({
        method: 'POST',
        path: '/targets',
        summary: 'Create a target (target_config: kind and the fields of that kind)',
        body: zod_1.z
            .object({
            name: common_1.NameSchema,
            target_config: zod_1.z.record(zod_1.z.string(), zod_1.z.unknown()),
            description: zod_1.z.string().nullable().optional(),
        })
            .strict(),
        status: 201,
        run: ({ ctx }, { body }) => (0, targets_1.addTarget)(ctx, { ...body, description: body.description ?? null }),
    }),
    route({
        method: 'GET',
        path: '/targets/{name}',
        summary: 'Get a target',
        params: NameParam,
        status: 200,
        run: ({ ctx }, { params }) => (0, targets_1.getTarget)(ctx, params.name),
    }),
    route({
        method: 'POST',
        path: '/targets/{name}/test',
        summary: 'Test that a target can be reached and read',
        params: NameParam,
        status: 200,
        run: ({ ctx }, { params }) => (0, targets_1.testTarget)(ctx, params.name),
    }),
    route({
        method: 'GET',
        path: '/schedules',
        summary: 'List schedules',
        query: PageQuery,
        status: 200,
        run: ({ ctx }, { query }) => ctx.catalog.listSchedules(query),
    }),
    route({
        method: 'POST',
        path: '/schedules',
        summary: 'Create a schedule',
        body: ScheduleBody,
        status: 201,
        run: ({ ctx }, { body }) => (0, schedules_1.addSchedule)(ctx, {
            name: body.name,
            target: body.target,
            cron: body.schedule_cron,
            timezone: body.timezone,
            backup_type: body.backup_type,
            retention: retentionText(body.retention_policy),
            verify: body.verification_enabled,
            enabled: body.enabled,
            description: body.description,
            replicas: body.replicas,
        }),
    }),
    route({
        method: 'GET',
        path: '/schedules/{name}',
        summary: 'Get a schedule',
        params: NameParam,
        status: 200,
        run: ({ ctx }, { params }) => (0, schedules_1.getScheduleByName)(ctx, params.name),
    }),
    route({
        method: 'PATCH',
        path: '/schedules/{name}',
        summary: 'Change a schedule (also enable or disable it)',
        params: NameParam,
        body: ScheduleChangeBody,
        status: 200,
        run: ({ ctx }, { params, body }) => (0, schedules_1.changeSchedule)(ctx, params.name, {
            ...(body.schedule_cron !== undefined ? { cron: body.schedule_cron } : {}),
            ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
            ...(body.backup_type !== undefined ? { backup_type: body.backup_type } : {}),
            ...(body.retention_policy !== undefined ? { retention: retentionText(body.retention_policy) } : {}),
            ...(body.verification_enabled !== undefined ? { verify: body.verification_enabled } : {}),
            ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
            ...(body.description !== undefined ? { description: body.description } : {}),
            ...(body.replicas !== undefined ? { replicas: body.replicas } : {}),
        }),
    }),
    route({
        method: 'DELETE',
        path: '/schedules/{name}',
        summary: 'Delete a schedule (its backups stay)',
        params: NameParam,
        status: 204,
        run: ({ ctx }, { params }) => (0, schedules_1.removeSchedule)(ctx, params.name),
    }),
    route({
        method: 'POST',
        path: '/schedules/{name}/run',
        summary: 'Run a schedule now: starts the backup workflow',
        params: NameParam,
        status: 202,
        startsWork: true,
        async run(api, { params, idempotencyKey }) {
            const schedule = await (0, schedules_1.getScheduleByName)(api.ctx, params.name);
            return startWork(api, 'backup', (0, schedules_1.scheduledBackupInput)(schedule, null), idempotencyKey, 'schedule.run', {
                type: 'schedule',
                id: schedule.id,
            });
        },
    }),
    route({
        method: 'GET',
        path: '/backups',
        summary: 'List backups, newest first, by status, schedule or time',
        query: TimedPageQuery.extend({
            status: enums_1.BackupStatusSchema.optional(),
            schedule: common_1.NameSchema.optional(),
        }).strict(),
        status: 200,
        async run({ ctx }, { query }) {
            const page = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
            if ([query.status, query.schedule, query.since ?? query.until].filter((v) => v !== undefined).length > 1)
                throw new http_1.HttpError(422, 'Filter backups by one of status, schedule or time at a time.');
            if (query.status)
                return ctx.catalog.listBackupsByStatus(query.status, page);
            if (query.schedule)
                return ctx.catalog.listBackupsBySchedule((await (0, schedules_1.getScheduleByName)(ctx, query.schedule)).id, page);
            return ctx.catalog.listBackups({
                ...page,
                ...(query.since ? { since: query.since } : {}),
                ...(query.until ? { until: query.until } : {}),
            });
        },
    }),
    getById('/backups/{id}', 'Get a backup with its status and progress', 'backup', (ctx, id) => ctx.catalog.getBackup(id)),
    route({
        method: 'POST',
        path: '/backups/{id}/verify',
        summary: 'Verify a backup: starts the verify workflow',
        params: IdParam,
        body: zod_1.z
            .object({ verification_type: enums_1.VerificationTypeSchema.default('checksum') })
            .strict()
            .default({ verification_type: 'checksum' }),
        status: 202,
        startsWork: true,
        async run(api, { params, body, idempotencyKey }) {
            if (!(await api.ctx.catalog.getBackup(params.id)))
                throw new errors_1.RecordNotFoundError('backup', params.id);
            return startWork(api, 'verify', { backup: params.id, verification_type: body.verification_type }, idempotencyKey, 'backup.verify', {
                type: 'backup',
                id: params.id,
            });
        },
    }),
    route({
        method: 'POST',
        path: '/backups/{id}/cancel',
        summary: 'Cancel a pending or running backup (it stops within seconds; no snapshot is written)',
        params: IdParam,
        status: 200,
        run: ({ ctx }, { params }) => (0, cancel_1.cancelBackup)(ctx, params.id),
    }),
    route({
        method: 'GET',
        path: '/recovery-jobs',
        summary: 'List recovery jobs',
        query: PageQuery,
        status: 200,
        run: ({ ctx }, { query }) => ctx.catalog.listRecoveryJobs(query),
    }),
    route({
        method: 'POST',
        path: '/recovery-jobs',
        summary: 'Restore a backup: starts the restore workflow (validate_only checks and writes nothing)',
        body: recovery_request_1.RecoveryJobBody,
        status: 202,
        startsWork: true,
        async run(api, { body, idempotencyKey }) {
            const request = (0, recovery_request_1.restoreRequestOf)(body);
            return startWork(api, 'restore', request, idempotencyKey, 'recovery.start', {
                type: 'recovery_job',
                id: null,
            });
        },
    }),
    getById('/recovery-jobs/{id}', 'Get a recovery job with its steps, current step and progress', 'recovery job', (ctx, id) => ctx.catalog.getRecoveryJob(id)),
    route({
        method: 'POST',
        path: '/recovery-jobs/{id}/cancel',
        summary: 'Cancel a recovery job that has not finished',
        params: IdParam,
        status: 200,
        run: ({ ctx }, { params }) => (0, cancel_1.cancelRecoveryJob)(ctx, params.id),
    }),
    route({
        method: 'GET',
        path: '/verifications',
        summary: "List verifications, newest first, or one backup's",
        query: PageQuery.extend({ backup: common_1.IdSchema.optional() }).strict(),
        status: 200,
        run({ ctx }, { query }) {
            const { backup, ...page } = query;
            return backup
                ? ctx.catalog.listVerificationsByBackup(backup, page)
                : ctx.catalog.listVerifications(page);
        },
    }),
    getById('/verifications/{id}', 'Get a verification', 'verification', (ctx, id) => ctx.catalog.getVerification(id)),
    route({
        method: 'GET',
        path: '/audit',
        summary: 'The audit log, newest first, by time, user and entity (type, and id)',
        query: TimedPageQuery.extend({
            user: zod_1.z.string().min(1).optional(),
            entity_type: zod_1.z.string().min(1).max(50).optional(),
            entity_id: zod_1.z.string().min(1).max(200).optional(),
        }).strict(),
        status: 200,
        run({ ctx }, { query }) {
            const { user, entity_type, entity_id, ...page } = query;
            const list = (p) => user ? ctx.catalog.listAuditByUser(user, p) : ctx.catalog.listAudit(p);
            if (!entity_type && !entity_id)
                return list(page);
            return filteredPage(page, list, (e) => (!entity_type || e.entity_type === entity_type) && (!entity_id || e.entity_id === entity_id));
        },
    }),
];
//# sourceMappingURL=routes.js.map