import { InputError, RecordNotFoundError } from '../../errors';
import { BackupTypeSchema, type BackupType } from '../../model/enums';
import type { BackupSchedule, StorageConfig } from '../../model/schedule';
import { newUlid } from '../../../repository/ids';
import { audit } from '../audit';
import type { ServiceContext } from '../context';
import { parseRetentionPolicy } from '../retention/policy';
import { validateName } from '../targets';
import { scheduledTimes, validateCron, validateTimeZone } from './cron';

export interface AddScheduleRequest {
  name: string;
  target: string;
  cron: string;
  timezone?: string;
  backup_type?: string;
  /** The CLI form: "keep-daily=7,keep-weekly=4". Empty: keep everything. */
  retention?: string;
  verify?: boolean;
  enabled?: boolean;
  description?: string | null;
  /** Repository URLs each backup is copied to (lifeboat replicate, as a workflow step). */
  replicas?: string[];
}

/** Replica URLs as the catalog keeps them (no options lost: the URL is what replication opens). */
export async function checkedReplicas(ctx: ServiceContext, urls: string[]): Promise<string[]> {
  for (const url of urls) {
    const opened = await ctx.openStore(url);
    if (opened.location === ctx.storage.location)
      throw new InputError(
        `${url} is the repository itself, not a copy of it.`,
        'Name another bucket, container or directory for the copy.',
      );
  }
  return [...new Set(urls)];
}

function backupTypeOf(value: string | undefined): BackupType {
  const parsed = BackupTypeSchema.safeParse(value ?? 'incremental');
  if (!parsed.success)
    throw new InputError(`"${value}" is not a backup type.`, 'Use full, incremental or differential.');
  return parsed.data;
}

/**
 * Records a schedule. Every part is checked first (name, target, cron, time zone, retention,
 * type), so an invalid request writes nothing; a duplicate name is a ConflictError.
 */
export async function addSchedule(ctx: ServiceContext, request: AddScheduleRequest): Promise<BackupSchedule> {
  validateName('schedule', request.name);
  validateCron(request.cron);
  const timezone = request.timezone ?? 'UTC';
  validateTimeZone(timezone);
  const retention = parseRetentionPolicy(request.retention ?? '');
  const backupType = backupTypeOf(request.backup_type);
  const replicas = await checkedReplicas(ctx, request.replicas ?? []);
  const target = await ctx.catalog.getTarget(request.target);
  if (!target)
    throw new RecordNotFoundError(
      'target',
      request.target,
      'Create it first with `lifeboat target add NAME --type filesystem --path DIR`.',
    );
  const now = ctx.now().toISOString();
  const schedule: BackupSchedule = {
    id: newUlid(ctx.now().getTime()),
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
      backend: ctx.storage.backend as StorageConfig['backend'],
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
  } catch (error) {
    // Not firing anywhere: the record goes too, and the caller sees why.
    await ctx.catalog.deleteSchedule(schedule.id);
    throw error;
  }
  await audit(ctx, {
    operation_type: 'create',
    entity_type: 'schedule',
    entity_id: schedule.id,
    action: 'schedule.create',
    details: { name: schedule.name, target: target.name, schedule_cron: schedule.schedule_cron, timezone },
  });
  return schedule;
}

export async function getScheduleByName(ctx: ServiceContext, name: string): Promise<BackupSchedule> {
  const schedule = await ctx.catalog.getScheduleByName(name);
  if (!schedule) throw new RecordNotFoundError('schedule', name);
  return schedule;
}

export async function setScheduleEnabled(
  ctx: ServiceContext,
  name: string,
  enabled: boolean,
): Promise<BackupSchedule> {
  const schedule = await getScheduleByName(ctx, name);
  const updated = await updateRegistered(ctx, schedule, { enabled, updated_at: ctx.now().toISOString() });
  await audit(ctx, {
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
async function updateRegistered(
  ctx: ServiceContext,
  schedule: BackupSchedule,
  patch: Partial<BackupSchedule>,
): Promise<BackupSchedule> {
  ctx.scheduleRegistry?.check({ ...schedule, ...patch });
  const updated = await ctx.catalog.updateSchedule(schedule.id, patch);
  try {
    await ctx.scheduleRegistry?.put(updated);
  } catch (error) {
    const previous = Object.fromEntries(
      Object.keys(patch).map((k) => [k, schedule[k as keyof BackupSchedule]]),
    );
    await ctx.catalog.updateSchedule(schedule.id, previous);
    throw error;
  }
  return updated;
}

/** What a schedule's update may change (the API's PATCH), each checked like at creation. */
export interface ScheduleChange {
  description?: string | null;
  cron?: string;
  timezone?: string;
  backup_type?: string;
  /** The CLI form ("keep-daily=7"); empty keeps everything. */
  retention?: string;
  verify?: boolean;
  enabled?: boolean;
  replicas?: string[];
}

/** Changes a schedule: every field is checked first, so an invalid change writes nothing. */
export async function changeSchedule(
  ctx: ServiceContext,
  name: string,
  change: ScheduleChange,
): Promise<BackupSchedule> {
  const schedule = await getScheduleByName(ctx, name);
  if (change.cron !== undefined) validateCron(change.cron);
  if (change.timezone !== undefined) validateTimeZone(change.timezone);
  const retention = change.retention !== undefined ? parseRetentionPolicy(change.retention) : undefined;
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
  await audit(ctx, {
    operation_type: 'update',
    entity_type: 'schedule',
    entity_id: schedule.id,
    action: 'schedule.update',
    details: { name, changed: Object.keys(change) },
  });
  return updated;
}

export async function removeSchedule(ctx: ServiceContext, name: string): Promise<void> {
  const schedule = await getScheduleByName(ctx, name);
  // Stops firing first: a registry failure leaves the schedule whole, in both places.
  await ctx.scheduleRegistry?.remove(schedule.name);
  await ctx.catalog.deleteSchedule(schedule.id);
  await audit(ctx, {
    operation_type: 'delete',
    entity_type: 'schedule',
    entity_id: schedule.id,
    action: 'schedule.remove',
    details: { name },
  });
}

/** The next `count` times a schedule fires, in its time zone. */
export function nextRuns(schedule: BackupSchedule, after: Date, count = 3): Date[] {
  return scheduledTimes(schedule.schedule_cron, schedule.timezone, after, { count });
}

/**
 * The execution name of a scheduled run: the schedule and the scheduled minute, so that however
 * often the scheduler (or EventBridge Scheduler, retrying) starts it, one backup runs.
 */
export function scheduledExecutionName(schedule: BackupSchedule, time: Date): string {
  return `${schedule.id}-${time.toISOString().slice(0, 16).replace(/[-:]/g, '')}`;
}

/** The backup workflow's input for a run of a schedule. */
export function scheduledBackupInput(schedule: BackupSchedule, time: Date | null): Record<string, unknown> {
  return {
    target: schedule.target_config.target,
    backup_type: schedule.backup_type,
    schedule_id: schedule.id,
    scheduled_at: time ? time.toISOString() : null,
  };
}
