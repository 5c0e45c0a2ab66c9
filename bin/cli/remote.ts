import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from '../../functions/core/ports/catalog';
import type { Backup } from '../../functions/core/model/backup';
import type { RecoveryJob } from '../../functions/core/model/recovery-job';
import type { BackupSchedule } from '../../functions/core/model/schedule';
import type { BackupVerification } from '../../functions/core/model/verification';
import { ExitCode, InputError, LifeboatError } from '../../functions/core/errors';
import { FINISHED_BACKUP, FINISHED_RECOVERY, FINISHED_VERIFICATION } from '../../functions/core/model/enums';
import { nextRuns } from '../../functions/core/services/schedules/schedules';
import type { RestoreRequest } from '../../functions/core/services/workflows/restore-steps';
import { ULID_PATTERN } from '../../functions/repository/ids';
import { ApiClient, ApiProblemError } from './api-client';
import { printBackups } from './catalog-commands';
import { printJson, say, type GlobalOptions } from './output';
import { printSchedule, printSchedules } from './schedule-commands';
import { report } from './verify';

/**
 * The commands an operator runs against a deployed Lifeboat (`--api URL` or LIFEBOAT_API): the
 * same words and output as locally, through the API instead of the local catalog. Work the API
 * starts runs in the deployment (Step Functions); the CLI follows it until it ends.
 */
export interface RemoteOptions extends GlobalOptions {
  api?: string;
}

const POLL_MS = Number(process.env.LIFEBOAT_POLL_MS ?? 2000);

/** How long a command waits for the record of the work it started to appear. */
const APPEAR_TIMEOUT_MS = 5 * 60_000;

const encode = encodeURIComponent;

/**
 * Follows a record until `done`: each change of `describe` is said once (step, progress), so a
 * long restore shows where it is without flooding the terminal.
 */
async function follow<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  describe: (value: T) => string,
  quiet: boolean,
): Promise<T> {
  let said = '';
  for (;;) {
    const value = await read();
    const line = describe(value);
    if (!quiet && line !== said) say(line);
    said = line;
    if (done(value)) return value;
    await delay(POLL_MS);
  }
}

/** The first new item of a listing (not among `known`) that `mine` recognizes, once it appears. */
async function appeared<T extends { id: string }>(
  list: () => Promise<Page<T>>,
  known: Set<string>,
  mine: (item: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + APPEAR_TIMEOUT_MS;
  for (;;) {
    const found = (await list()).items.find((item) => !known.has(item.id) && mine(item));
    if (found) return found;
    if (Date.now() > deadline)
      throw new LifeboatError(
        'API',
        `The ${what} was started but its record did not appear within ${APPEAR_TIMEOUT_MS / 60_000} minutes.`,
        'Look at the workflow in the Step Functions console, or list it later through the API.',
      );
    await delay(POLL_MS);
  }
}

const ids = <T extends { id: string }>(page: Page<T>) => new Set(page.items.map((i) => i.id));

export async function remoteScheduleList(options: RemoteOptions): Promise<void> {
  const page = await ApiClient.of(options).get<Page<BackupSchedule>>('/schedules', { limit: 1000 });
  printSchedules(page.items, options, new Date());
}

export async function remoteScheduleShow(name: string, options: RemoteOptions): Promise<void> {
  const api = ApiClient.of(options);
  const schedule = await api.get<BackupSchedule>(`/schedules/${encode(name)}`);
  const recent = await api.get<Page<Backup>>('/backups', { schedule: name, limit: 5 });
  const next = schedule.enabled ? nextRuns(schedule, new Date(), 5).map((d) => d.toISOString()) : [];
  printSchedule(schedule, next, recent.items, options);
}

export async function remoteScheduleAdd(
  name: string,
  body: Record<string, unknown>,
  options: RemoteOptions,
): Promise<void> {
  const schedule = await ApiClient.of(options).send<BackupSchedule>('POST', '/schedules', { name, ...body });
  if (options.json) return printJson(schedule);
  say(
    `Schedule "${schedule.name}" added: ${schedule.backup_type} backups of "${schedule.target_config.target}" at "${schedule.schedule_cron}" (${schedule.timezone}); EventBridge Scheduler runs it.`,
  );
}

export async function remoteScheduleEnable(
  name: string,
  enabled: boolean,
  options: RemoteOptions,
): Promise<void> {
  const schedule = await ApiClient.of(options).send<BackupSchedule>('PATCH', `/schedules/${encode(name)}`, {
    enabled,
  });
  if (options.json) printJson(schedule);
  else say(`Schedule "${name}" ${enabled ? 'enabled' : 'disabled'}.`);
}

export async function remoteScheduleRemove(name: string, options: RemoteOptions): Promise<void> {
  await ApiClient.of(options).send('DELETE', `/schedules/${encode(name)}`);
  if (options.json) printJson({ removed: name });
  else say(`Schedule "${name}" removed; its backups stay.`);
}

/** Starts a schedule's backup in the deployment; with `wait`, follows it to its end. */
export async function remoteScheduleRun(name: string, wait: boolean, options: RemoteOptions): Promise<void> {
  const api = ApiClient.of(options);
  const list = () => api.get<Page<Backup>>('/backups', { schedule: name, limit: 20 });
  const known = ids(await list());
  const started = await api.send<{ execution_name: string }>(
    'POST',
    `/schedules/${encode(name)}/run`,
    undefined,
    randomUUID(),
  );
  const backup = await appeared(list, known, () => true, `backup of schedule "${name}"`);
  if (!wait) {
    if (options.json)
      printJson({ backup_id: backup.id, status: backup.status, execution_name: started.execution_name });
    else process.stdout.write(`${backup.id}\n`);
    return;
  }
  const done = await follow(
    () => api.get<Backup>(`/backups/${backup.id}`),
    (b) => FINISHED_BACKUP.includes(b.status),
    (b) => `backup ${b.id}: ${b.status} ${b.progress}%`,
    Boolean(options.json),
  );
  if (options.json) printJson({ execution: started.execution_name, status: done.status, backup: done });
  if (done.status !== 'completed')
    throw new LifeboatError(
      'WORKFLOW_FAILED',
      `The backup of schedule "${name}" ${done.status}: ${done.error_message ?? 'no reason recorded'}`,
      `See \`lifeboat backups --schedule ${name} --api URL\` and the workflow in the Step Functions console.`,
    );
  if (!options.json) say(`Backup ${done.id} of schedule "${name}" completed.`);
}

export interface RemoteBackupsQuery {
  schedule?: string;
  status?: string;
  limit: number;
  cursor?: string;
}

export async function remoteBackups(query: RemoteBackupsQuery, options: RemoteOptions): Promise<void> {
  printBackups(await ApiClient.of(options).get<Page<Backup>>('/backups', { ...query }), options);
}

/** Cancels a backup, or else a recovery job, with that id. */
export async function remoteCancel(id: string, options: RemoteOptions): Promise<void> {
  const api = ApiClient.of(options);
  try {
    const backup = await api.send<Backup>('POST', `/backups/${encode(id)}/cancel`);
    if (options.json) printJson(backup);
    else say(`Backup ${id} cancelled; it stops within seconds and writes no snapshot.`);
  } catch (error) {
    if (!(error instanceof ApiProblemError) || error.status !== 404) throw error;
    const job = await api.send<RecoveryJob>('POST', `/recovery-jobs/${encode(id)}/cancel`);
    if (options.json) printJson(job);
    else say(`Recovery job ${id} cancelled; the restore stops within seconds.`);
  }
}

function fullId(reference: string, what: string): string {
  if (!ULID_PATTERN.test(reference))
    throw new InputError(
      `Through the API, name the ${what} by its full id, not "${reference}".`,
      'Find it with `lifeboat backups --api URL`.',
    );
  return reference;
}

/** Verifies a backup in the deployment and reports the verdict (exit status 11 when it fails). */
export async function remoteVerify(reference: string, type: string, options: RemoteOptions): Promise<void> {
  const api = ApiClient.of(options);
  const id = fullId(reference, 'backup');
  const list = () => api.get<Page<BackupVerification>>('/verifications', { backup: id, limit: 50 });
  const known = ids(await list());
  await api.send('POST', `/backups/${id}/verify`, { verification_type: type }, randomUUID());
  const started = await appeared(list, known, (v) => v.backup_id === id, 'verification');
  const done = await follow(
    () => api.get<BackupVerification>(`/verifications/${started.id}`),
    (v) => FINISHED_VERIFICATION.includes(v.status),
    (v) => `verification ${v.id}: ${v.status}`,
    Boolean(options.json),
  );
  report(done, options);
}

/**
 * Restores through the deployment's restore workflow: the recovery job is created, followed step
 * by step, and its outcome reported. Paths are on the machine that runs the restore there (an EFS
 * mount, the Fargate task), not on this one.
 */
export async function remoteRestore(
  reference: string,
  target: RestoreRequest['target_config'],
  request: { point_in_time?: string | null; validate_only?: boolean },
  options: RemoteOptions,
): Promise<void> {
  const api = ApiClient.of(options);
  // The API resolves a prefix or latest:NAME itself; the job then names the backup it found.
  const backup = ULID_PATTERN.test(reference) ? reference : undefined;
  const list = () => api.get<Page<RecoveryJob>>('/recovery-jobs', { limit: 50 });
  const known = ids(await list());
  const body = {
    backup: reference,
    target_config: target,
    point_in_time: request.point_in_time ?? null,
    validate_only: request.validate_only ?? false,
  };
  await api.send('POST', '/recovery-jobs', body, randomUUID());
  const started = await appeared(
    list,
    known,
    (j) => (backup === undefined || j.backup_id === backup) && sameTarget(j.target_config, target),
    'recovery job',
  );
  const job = await follow(
    () => api.get<RecoveryJob>(`/recovery-jobs/${started.id}`),
    (j) => FINISHED_RECOVERY.includes(j.status),
    (j) => `recovery job ${j.id}: ${j.status} ${j.progress}%${j.current_step ? ` (${j.current_step})` : ''}`,
    Boolean(options.json),
  );
  if (options.json) printJson(job);
  if (job.status !== 'completed') {
    const failed = job.steps.find((s) => s.status === 'failed');
    throw new LifeboatError(
      'WORKFLOW_FAILED',
      `The restore ${job.status}${failed ? ` at "${failed.name}"` : ''}: ${job.error_message ?? failed?.message ?? 'no reason recorded'}`,
      `The recovery job ${job.id} has every step: \`lifeboat api GET /recovery-jobs/${job.id} --api URL\`.`,
      ExitCode.failure,
    );
  }
  if (!options.json)
    say(
      job.validate_only
        ? `Restore of ${job.backup_id} is possible (${job.recovery_type}); nothing was written (recovery job ${job.id}).`
        : `Restored ${job.backup_id} (${job.recovery_type}, recovery job ${job.id}): ${job.recovered_size_bytes ?? 0} bytes, every step completed.`,
    );
}

/** The job records the target as the workflow parsed it (defaults filled in): compare what was asked. */
function sameTarget(recorded: Record<string, unknown>, asked: Record<string, unknown>): boolean {
  return Object.entries(asked).every(([k, v]) => JSON.stringify(recorded[k]) === JSON.stringify(v));
}
