import { spawn } from 'node:child_process';
import type { Backup } from '../../functions/core/model/backup';
import type { BackupSchedule } from '../../functions/core/model/schedule';
import { formatRetentionPolicy } from '../../functions/core/services/retention/policy';
import {
  addSchedule,
  getScheduleByName,
  nextRuns,
  removeSchedule,
  scheduledBackupInput,
  setScheduleEnabled,
} from '../../functions/core/services/schedules/schedules';
import { describeStepError } from '../../functions/core/services/workflows/step-failure';
import { LocalEngine } from '../../functions/local/engine';
import type { LocalSystem } from '../../functions/local/system';
import { LifeboatError } from '../../functions/core/errors';
import { formatTable, printJson, say, type GlobalOptions } from './output';
import { withSystem } from './with-system';
import { allItems } from '../../functions/core/services/catalog/pages';

interface ScheduleAddOptions extends GlobalOptions {
  target: string;
  cron: string;
  timezone: string;
  type: string;
  retention?: string;
  verify: boolean;
  description?: string;
  disabled?: boolean;
  replicateTo: string[];
}

export function runScheduleAdd(name: string, options: ScheduleAddOptions): Promise<void> {
  return withSystem(options, async ({ ctx }) => {
    const schedule = await addSchedule(ctx, {
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
    const next = nextRuns(schedule, ctx.now(), 3);
    if (options.json) return printJson({ ...schedule, next_runs: next.map((d) => d.toISOString()) });
    say(
      `Schedule "${schedule.name}" added: ${schedule.backup_type} backups of "${options.target}" at "${schedule.schedule_cron}" (${schedule.timezone}).` +
        ` Next runs: ${next.map((d) => d.toISOString()).join(', ')}. They fire while \`lifeboat serve\` runs.`,
    );
  });
}

function row(s: BackupSchedule, now: Date): string[] {
  return [
    s.name,
    s.target_config.target,
    s.schedule_cron,
    s.timezone,
    s.backup_type,
    s.enabled ? 'yes' : 'no',
    formatRetentionPolicy(s.retention_policy),
    s.enabled ? (nextRuns(s, now, 1)[0]?.toISOString() ?? '-') : '-',
  ];
}

export function runScheduleList(options: GlobalOptions): Promise<void> {
  return withSystem(options, async ({ ctx, catalog }) => {
    const items = await allItems((cursor) => catalog.listSchedules({ limit: 1000, cursor }));
    printSchedules(items, options, ctx.now());
  });
}

/** Schedules as a table with their next run, or JSON. */
export function printSchedules(items: BackupSchedule[], options: GlobalOptions, now: Date): void {
  if (options.json) return printJson(items);
  if (items.length === 0)
    return say('No schedules yet. Add one with `lifeboat schedule add NAME --target T --cron "0 2 * * *"`.');
  const rows = [
    ['NAME', 'TARGET', 'CRON', 'TIME ZONE', 'TYPE', 'ENABLED', 'RETENTION', 'NEXT RUN'],
    ...items.map((s) => row(s, now)),
  ];
  process.stdout.write(`${formatTable(rows)}\n`);
}

export function runScheduleShow(name: string, options: GlobalOptions): Promise<void> {
  return withSystem(options, async ({ ctx, catalog }) => {
    const schedule = await getScheduleByName(ctx, name);
    const next = schedule.enabled ? nextRuns(schedule, ctx.now(), 5).map((d) => d.toISOString()) : [];
    const recent = (await catalog.listBackupsBySchedule(schedule.id, { limit: 5 })).items;
    printSchedule(schedule, next, recent, options);
  });
}

/** One schedule, its next runs and recent backups. */
export function printSchedule(
  schedule: BackupSchedule,
  next: string[],
  recent: Backup[],
  options: GlobalOptions,
): void {
  if (options.json) return printJson({ ...schedule, next_runs: next, recent_backups: recent });
  const lines = [
    `name:        ${schedule.name} (${schedule.id})`,
    `target:      ${schedule.target_config.target}`,
    `cron:        ${schedule.schedule_cron} (${schedule.timezone})`,
    `type:        ${schedule.backup_type}`,
    `enabled:     ${schedule.enabled ? 'yes' : 'no'}`,
    `retention:   ${formatRetentionPolicy(schedule.retention_policy)}`,
    `verify:      ${schedule.verification_enabled ? 'yes' : 'no'}`,
    `next runs:   ${next.join(', ') || '-'}`,
    `recent:      ${recent.map((b) => `${b.id} ${b.status}`).join('; ') || '-'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function runScheduleEnable(name: string, enabled: boolean, options: GlobalOptions): Promise<void> {
  return withSystem(options, async ({ ctx }) => {
    const schedule = await setScheduleEnabled(ctx, name, enabled);
    if (options.json) printJson(schedule);
    else say(`Schedule "${name}" ${enabled ? 'enabled' : 'disabled'}.`);
  });
}

export function runScheduleRemove(name: string, options: GlobalOptions): Promise<void> {
  return withSystem(options, async ({ ctx }) => {
    await removeSchedule(ctx, name);
    if (options.json) printJson({ removed: name });
    else say(`Schedule "${name}" removed; its backups stay.`);
  });
}

interface ScheduleRunOptions extends GlobalOptions {
  wait: boolean;
}

/** Runs a schedule's backup workflow now (not at a scheduled time: the name is a fresh id). */
export function runScheduleRun(name: string, options: ScheduleRunOptions): Promise<void> {
  return withSystem(options, async ({ ctx, catalog }) => {
    const schedule = await getScheduleByName(ctx, name);
    if (!options.wait) {
      // The workflow runs in a process of its own, which outlives this one; its first step
      // records the backup, whose id is reported as soon as it exists.
      const since = ctx.now();
      const globals = [
        ...(options.repo ? ['--repo', options.repo] : []),
        ...(options.keyFile ? ['--key-file', options.keyFile] : []),
      ];
      spawn(process.execPath, [process.argv[1]!, ...globals, 'schedule', 'run', name], {
        detached: true,
        stdio: 'ignore',
      }).unref();
      const started = await waitForNewBackup(catalog, schedule.id, since);
      if (options.json) printJson({ backup_id: started?.id ?? null, status: started?.status ?? 'pending' });
      else process.stdout.write(`${started?.id ?? 'started'}\n`);
      return;
    }
    const run = await new LocalEngine(ctx).run('backup', scheduledBackupInput(schedule, null));
    const [backup] = (await catalog.listBackupsBySchedule(schedule.id, { limit: 1 })).items;
    if (options.json) printJson({ execution: run.name, status: run.status, backup: backup ?? null });
    if (run.status !== 'SUCCEEDED')
      throw new LifeboatError(
        'WORKFLOW_FAILED',
        `The backup of schedule "${name}" failed: ${describeStepError(run.error)}`,
        'See `lifeboat backups --schedule NAME --status failed`.',
      );
    if (!options.json) say(`Backup ${backup?.id ?? ''} of schedule "${name}" completed.`);
  });
}

async function waitForNewBackup(
  catalog: LocalSystem['catalog'],
  scheduleId: string,
  since: Date,
): Promise<{ id: string; status: string } | undefined> {
  for (let i = 0; i < 600; i++) {
    const [latest] = (await catalog.listBackupsBySchedule(scheduleId, { limit: 1 })).items;
    if (latest && latest.created_at >= since.toISOString()) return latest;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}
