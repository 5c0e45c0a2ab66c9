import { createHash } from 'node:crypto';
import { z } from 'zod';
import { lifeboatVersion } from '../../../bin/cli/version';
import { RecordNotFoundError } from '../../core/errors';
import { IdSchema, NameSchema } from '../../core/model/common';
import { BackupStatusSchema, VerificationTypeSchema } from '../../core/model/enums';
import { RetentionPolicySchema } from '../../core/model/schedule';
import type { Page } from '../../core/ports/catalog';
import type { WorkflowName, WorkflowStarter } from '../../core/ports/workflows';
import { audit } from '../../core/services/audit';
import type { ServiceContext } from '../../core/services/context';
import {
  addSchedule,
  changeSchedule,
  getScheduleByName,
  removeSchedule,
  scheduledBackupInput,
} from '../../core/services/schedules/schedules';
import { dashboard } from '../../core/services/dashboard';
import { scheduledTimes, validateCron, validateTimeZone } from '../../core/services/schedules/cron';
import { addTarget, getTarget, testTarget } from '../../core/services/targets';
import { cancelBackup, cancelRecoveryJob } from '../../core/services/workflows/cancel';
import { newUlid } from '../../repository/ids';
import { HttpError } from './http';
import { RecoveryJobBody, restoreRequestOf } from './recovery-request';

export interface ApiContext {
  /** The services, with the caller as the actor (the audit log's who, where, with what). */
  ctx: ServiceContext;
  starter: WorkflowStarter;
}

export interface RouteInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** The Idempotency-Key header of a POST that starts work. */
  idempotencyKey?: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `/schedules/{name}`: `{x}` is a path parameter. */
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The status of a success: 200, 201, 202 (work started) or 204. */
  status: 200 | 201 | 202 | 204;
  /** Starts a workflow: an Idempotency-Key makes a repeated request start nothing new. */
  startsWork?: boolean;
  run(api: ApiContext, input: RouteInput): Promise<unknown>;
}

/** A route, with its handler typed by its schemas. */
function route<P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodType>(
  definition: Omit<Route, 'run' | 'params' | 'query' | 'body'> & {
    params?: P;
    query?: Q;
    body?: B;
    run(
      api: ApiContext,
      input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; idempotencyKey?: string },
    ): Promise<unknown>;
  },
): Route {
  return definition as unknown as Route;
}

const Limit = z.coerce.number().int().min(1).max(1000).default(50);
const PageQuery = z.object({ limit: Limit, cursor: z.string().optional() }).strict();
const Timestamp = z.iso.datetime({ offset: true });
const TimedPageQuery = PageQuery.extend({ since: Timestamp.optional(), until: Timestamp.optional() });

/** A name that can start a workflow once: the idempotency key's digest, or a new id. */
function executionName(prefix: string, key: string | undefined): string {
  return key
    ? `${prefix}-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`
    : `${prefix}-${newUlid()}`;
}

async function startWork(
  api: ApiContext,
  workflow: WorkflowName,
  input: Record<string, unknown>,
  key: string | undefined,
  action: string,
  entity: { type: 'schedule' | 'backup' | 'recovery_job'; id: string | null },
): Promise<{ execution_name: string; status: 'started' | 'already_started' }> {
  const name = executionName(`api-${workflow}`, key);
  const status = await api.starter.start(workflow, input, name);
  if (status === 'started')
    await audit(api.ctx, {
      operation_type: 'create',
      entity_type: entity.type,
      entity_id: entity.id,
      action,
      details: { execution_name: name },
    });
  return { execution_name: name, status };
}

/** `2026-11-27 02:00 (Fri) CET`: a time as people in that zone read it. */
function localTime(time: Date, zone: string): string {
  const part = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, ...options }).format(time);
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
async function filteredPage<T, P extends { limit: number; cursor?: string | undefined }>(
  page: P,
  list: (page: P) => Promise<Page<T>>,
  keep: (item: T) => boolean,
): Promise<Page<T>> {
  const items: T[] = [];
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
function retentionText(policy: z.output<typeof RetentionPolicySchema>): string {
  return Object.entries(policy)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k.replace(/_/g, '-')}=${String(v)}`)
    .join(',');
}

/** What a schedule's owner chooses, without defaults: a change names only what it changes. */
const ScheduleFields = z.object({
  schedule_cron: z.string().min(1),
  timezone: z.string().min(1),
  backup_type: z.enum(['full', 'incremental', 'differential']),
  retention_policy: RetentionPolicySchema,
  verification_enabled: z.boolean(),
  enabled: z.boolean(),
  description: z.string().max(1000).nullable(),
  replicas: z.array(z.string().min(1)).max(10),
});

const ScheduleBody = ScheduleFields.extend({
  name: NameSchema,
  target: NameSchema,
  timezone: ScheduleFields.shape.timezone.default('UTC'),
  backup_type: ScheduleFields.shape.backup_type.default('incremental'),
  retention_policy: RetentionPolicySchema.default({}),
  verification_enabled: z.boolean().default(true),
  enabled: z.boolean().default(true),
  description: ScheduleFields.shape.description.default(null),
  replicas: ScheduleFields.shape.replicas.default([]),
}).strict();

// No defaults here: zod applies a default even to a field left out of a partial object, which
// would turn `{"enabled": false}` into a reset of every other field.
const ScheduleChangeBody = ScheduleFields.partial().strict();

const NameParam = z.object({ name: NameSchema }).strict();
const IdParam = z.object({ id: IdSchema }).strict();

/** `GET /things/{id}`: the record, or 404 naming what was asked for. */
function getById(
  path: string,
  summary: string,
  entity: string,
  get: (ctx: ServiceContext, id: string) => Promise<unknown>,
): Route {
  return route({
    method: 'GET',
    path,
    summary,
    params: IdParam,
    status: 200,
    async run({ ctx }, { params }) {
      const record = await get(ctx, params.id);
      if (!record) throw new RecordNotFoundError(entity, params.id);
      return record;
    },
  });
}

export const ROUTES: readonly Route[] = [
  route({
    method: 'GET',
    path: '/health',
    summary: 'Whether the API answers and reaches its catalog',
    status: 200,
    async run({ ctx }) {
      await ctx.catalog.listSchedules({ limit: 1 });
      return { status: 'ok', version: lifeboatVersion(), catalog: 'reachable' };
    },
  }),

  route({
    method: 'GET',
    path: '/dashboard',
    summary: 'Each schedule with its last backup and RPO status, recent failures, bytes stored and saved',
    status: 200,
    run: ({ ctx }) => dashboard(ctx),
  }),
  route({
    method: 'GET',
    path: '/schedule-preview',
    summary: "The next times a cron expression fires in a time zone (the schedule form's helper)",
    query: z
      .object({
        schedule_cron: z.string().min(1),
        timezone: z.string().min(1).default('UTC'),
        count: z.coerce.number().int().min(1).max(20).default(5),
      })
      .strict(),
    status: 200,
    async run({ ctx }, { query }) {
      validateCron(query.schedule_cron);
      validateTimeZone(query.timezone);
      const runs = scheduledTimes(query.schedule_cron, query.timezone, ctx.now(), { count: query.count });
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
    body: z
      .object({
        name: NameSchema,
        target_config: z.record(z.string(), z.unknown()),
        description: z.string().nullable().optional(),
      })
      .strict(),
    status: 201,
    run: ({ ctx }, { body }) => addTarget(ctx, { ...body, description: body.description ?? null }),
  }),
  route({
    method: 'GET',
    path: '/targets/{name}',
    summary: 'Get a target',
    params: NameParam,
    status: 200,
    run: ({ ctx }, { params }) => getTarget(ctx, params.name),
  }),
  route({
    method: 'POST',
    path: '/targets/{name}/test',
    summary: 'Test that a target can be reached and read',
    params: NameParam,
    status: 200,
    run: ({ ctx }, { params }) => testTarget(ctx, params.name),
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
    run: ({ ctx }, { body }) =>
      addSchedule(ctx, {
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
    run: ({ ctx }, { params }) => getScheduleByName(ctx, params.name),
  }),
  route({
    method: 'PATCH',
    path: '/schedules/{name}',
    summary: 'Change a schedule (also enable or disable it)',
    params: NameParam,
    body: ScheduleChangeBody,
    status: 200,
    run: ({ ctx }, { params, body }) =>
      changeSchedule(ctx, params.name, {
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
    run: ({ ctx }, { params }) => removeSchedule(ctx, params.name),
  }),
  route({
    method: 'POST',
    path: '/schedules/{name}/run',
    summary: 'Run a schedule now: starts the backup workflow',
    params: NameParam,
    status: 202,
    startsWork: true,
    async run(api, { params, idempotencyKey }) {
      const schedule = await getScheduleByName(api.ctx, params.name);
      return startWork(api, 'backup', scheduledBackupInput(schedule, null), idempotencyKey, 'schedule.run', {
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
      status: BackupStatusSchema.optional(),
      schedule: NameSchema.optional(),
    }).strict(),
    status: 200,
    async run({ ctx }, { query }) {
      const page = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
      if (
        [query.status, query.schedule, query.since ?? query.until].filter((v) => v !== undefined).length > 1
      )
        throw new HttpError(422, 'Filter backups by one of status, schedule or time at a time.');
      if (query.status) return ctx.catalog.listBackupsByStatus(query.status, page);
      if (query.schedule)
        return ctx.catalog.listBackupsBySchedule((await getScheduleByName(ctx, query.schedule)).id, page);
      return ctx.catalog.listBackups({
        ...page,
        ...(query.since ? { since: query.since } : {}),
        ...(query.until ? { until: query.until } : {}),
      });
    },
  }),
  getById('/backups/{id}', 'Get a backup with its status and progress', 'backup', (ctx, id) =>
    ctx.catalog.getBackup(id),
  ),
  route({
    method: 'POST',
    path: '/backups/{id}/verify',
    summary: 'Verify a backup: starts the verify workflow',
    params: IdParam,
    body: z
      .object({ verification_type: VerificationTypeSchema.default('checksum') })
      .strict()
      .default({ verification_type: 'checksum' }),
    status: 202,
    startsWork: true,
    async run(api, { params, body, idempotencyKey }) {
      if (!(await api.ctx.catalog.getBackup(params.id))) throw new RecordNotFoundError('backup', params.id);
      return startWork(
        api,
        'verify',
        { backup: params.id, verification_type: body.verification_type },
        idempotencyKey,
        'backup.verify',
        {
          type: 'backup',
          id: params.id,
        },
      );
    },
  }),

  route({
    method: 'POST',
    path: '/backups/{id}/cancel',
    summary: 'Cancel a pending or running backup (it stops within seconds; no snapshot is written)',
    params: IdParam,
    status: 200,
    run: ({ ctx }, { params }) => cancelBackup(ctx, params.id),
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
    body: RecoveryJobBody,
    status: 202,
    startsWork: true,
    async run(api, { body, idempotencyKey }) {
      const request = restoreRequestOf(body) as Record<string, unknown>;
      return startWork(api, 'restore', request, idempotencyKey, 'recovery.start', {
        type: 'recovery_job',
        id: null,
      });
    },
  }),
  getById(
    '/recovery-jobs/{id}',
    'Get a recovery job with its steps, current step and progress',
    'recovery job',
    (ctx, id) => ctx.catalog.getRecoveryJob(id),
  ),

  route({
    method: 'POST',
    path: '/recovery-jobs/{id}/cancel',
    summary: 'Cancel a recovery job that has not finished',
    params: IdParam,
    status: 200,
    run: ({ ctx }, { params }) => cancelRecoveryJob(ctx, params.id),
  }),

  route({
    method: 'GET',
    path: '/verifications',
    summary: "List verifications, newest first, or one backup's",
    query: PageQuery.extend({ backup: IdSchema.optional() }).strict(),
    status: 200,
    run({ ctx }, { query }) {
      const { backup, ...page } = query;
      return backup
        ? ctx.catalog.listVerificationsByBackup(backup, page)
        : ctx.catalog.listVerifications(page);
    },
  }),
  getById('/verifications/{id}', 'Get a verification', 'verification', (ctx, id) =>
    ctx.catalog.getVerification(id),
  ),

  route({
    method: 'GET',
    path: '/audit',
    summary: 'The audit log, newest first, by time, user and entity (type, and id)',
    query: TimedPageQuery.extend({
      user: z.string().min(1).optional(),
      entity_type: z.string().min(1).max(50).optional(),
      entity_id: z.string().min(1).max(200).optional(),
    }).strict(),
    status: 200,
    run({ ctx }, { query }) {
      const { user, entity_type, entity_id, ...page } = query;
      const list = (p: typeof page) =>
        user ? ctx.catalog.listAuditByUser(user, p) : ctx.catalog.listAudit(p);
      if (!entity_type && !entity_id) return list(page);
      return filteredPage(
        page,
        list,
        (e) => (!entity_type || e.entity_type === entity_type) && (!entity_id || e.entity_id === entity_id),
      );
    },
  }),
];
