import { isatty } from 'node:tty';
import type { RestoredComponent } from '../../functions/core/services/workflows/application-restore';
import { FdSink } from '../../functions/adapters/local/fd-sink';
import { InputError } from '../../functions/core/errors';
import { openRepository, resolveSettings } from '../../functions/local/home';
import {
  KEPT_BY_NEVER,
  type OverwriteMode,
  type TreeRestoreResult,
} from '../../functions/sources/filesystem/restore';
import { resolve } from 'node:path';
import { LifeboatError } from '../../functions/core/errors';
import type { RecoveryJob } from '../../functions/core/model/recovery-job';
import {
  runRestore as runRestoreStep,
  type RestoreRequest,
  type RunRestoreHooks,
} from '../../functions/core/services/workflows/restore-steps';
import { describeStepError } from '../../functions/core/services/workflows/step-failure';
import { STEPS } from '../../functions/core/services/workflows/steps';
import { LocalEngine } from '../../functions/local/engine';
import { ApiClient } from './api-client';
import { remoteRestore } from './remote';
import { localSystem } from '../../functions/local/system';
import { watchSteps } from './workflow';
import { count, formatBytes, printJson, say, sayPathProblems, type GlobalOptions } from './output';
import { ByteProgress, TreeProgress } from './progress';
import { DatabaseConnectionSchema, type DatabaseConnection } from '../../functions/core/model/target';
import { credentialRef, parseServerUrl } from './database-options';

interface RestoreOptions extends GlobalOptions {
  /** Restore through this deployed API (or LIFEBOAT_API) instead of here. */
  api?: string;
  /** Read the backup's data from this copy (made by `lifeboat replicate`). */
  from?: string;
  stdout?: boolean;
  validateOnly?: boolean;
  target?: string;
  database?: string;
  targetDir?: string;
  inPlace?: boolean;
  pointInTime?: string;
  url?: string;
  passwordEnv?: string;
  passwordFile?: string;
  passwordSecret?: string;
  schema: string[];
  table: string[];
  include: string[];
  exclude: string[];
  /** A mode for files; bare (true) for a database. */
  overwrite?: OverwriteMode | true;
  delete?: boolean;
  readBack?: boolean;
}

const FILE_OVERWRITE_MODES: readonly string[] = ['never', 'if-changed', 'always'];

export async function runRestore(reference: string, options: RestoreOptions): Promise<void> {
  const destinations = [
    options.stdout,
    options.target,
    options.database,
    options.targetDir,
    options.inPlace,
  ].filter((d) => d !== undefined);
  if (destinations.length > 1) {
    throw new InputError(
      'Give one of --stdout, --target, --database, --target-dir and --in-place.',
      '--target DIR is for file backups, --database NAME for database dumps, --stdout for any stream.',
    );
  }
  if (destinations.length === 0) {
    throw new InputError(
      'Where to? Nothing restored.',
      'Pass --target DIR for a file backup (`lifeboat restore latest:home --target /tmp/home`), --database NAME for a database (`lifeboat restore latest:app --database app_restored`), or --stdout for a stream.',
    );
  }
  if (remote(options) && (options.stdout || options.from))
    throw new InputError(
      `--${options.stdout ? 'stdout' : 'from'} restores on this machine; through the API a restore runs in the deployment.`,
      'Restore into --target DIR, --database NAME, --target-dir DIR or --in-place there, or leave out --api to restore here.',
    );
  if (options.pointInTime !== undefined && !options.targetDir)
    throw new InputError(
      '--point-in-time restores a PostgreSQL base backup into a data directory.',
      'Add --target-dir DIR (a new, empty directory).',
    );
  if (options.targetDir) return restoreToDataDirectory(reference, options.targetDir, options);
  if (options.inPlace) return restoreApplication(reference, options);
  if (options.database) return restoreToDatabase(reference, options.database, options);
  if (options.schema.length > 0 || options.table.length > 0 || options.url)
    throw new InputError('--schema, --table and --url apply to database restores.', 'Add --database NAME.');
  if (options.overwrite === true)
    throw new InputError(
      'For files, say which overwrite mode: --overwrite never, if-changed or always.',
      'never keeps existing files; if-changed replaces those whose size or mtime differ; always replaces all.',
    );
  if (options.overwrite !== undefined && !FILE_OVERWRITE_MODES.includes(options.overwrite))
    throw new InputError(
      `"${options.overwrite}" is not an overwrite mode.`,
      'Use --overwrite never, if-changed or always.',
    );
  if (options.target) return restoreToDirectory(reference, options.target, options);
  return restoreToStdout(reference, options);
}

const remote = (options: RestoreOptions) => ApiClient.chosen(options);

/** What the API's recovery job takes besides the target. */
function requestOf(options: RestoreOptions): { validate_only: boolean } {
  return { validate_only: options.validateOnly ?? false };
}

/** A database dump into a database, through the restore workflow; the tables are checked after. */
async function restoreToDatabase(
  reference: string,
  database: string,
  options: RestoreOptions,
): Promise<void> {
  if (options.overwrite !== undefined && options.overwrite !== true)
    throw new InputError(
      '--overwrite takes no mode for a database: it replaces the database (or, with --table/--schema, those objects).',
      'Pass --overwrite alone.',
    );
  const target = {
    kind: 'database' as const,
    database,
    connection: options.url ? databaseConnection(options.url, options) : undefined,
    overwrite: options.overwrite === true,
    schemas: options.schema,
    tables: options.table,
  };
  if (remote(options)) return remoteRestore(reference, target, requestOf(options), options);
  const started = Date.now();
  const progress = new ByteProgress('restore');
  const job = await runRestoreWorkflow(reference, target, options, progress, {
    onProgress: (_files, bytes) => progress.update(bytes),
  });
  if (job.validate_only) return printValidated(job, options);
  const results = job.validation_results as {
    restore?: { bytes_restored?: number; replaced?: boolean; into_existing?: boolean };
    verification?: { tables_checked?: number };
  } | null;
  const restored = results?.restore ?? {};
  const tables = results?.verification?.tables_checked ?? 0;
  if (options.json)
    return printJson({
      id: job.backup_id,
      recovery_job_id: job.id,
      database,
      recovery_type: job.recovery_type,
      ...restored,
      tables_checked: tables,
      duration_ms: Date.now() - started,
    });
  say(
    `Restored ${job.backup_id} into database "${database}"` +
      (restored.replaced
        ? ' (the old one was replaced)'
        : restored.into_existing
          ? ' (into the existing database)'
          : '') +
      `: ${formatBytes(restored.bytes_restored ?? 0)} of dump, ${count(tables, 'table')} checked against the backup's checksums.`,
  );
}

/** An application backup, every component back where it came from, then each checked. */
async function restoreApplication(reference: string, options: RestoreOptions): Promise<void> {
  if (options.overwrite !== undefined && options.overwrite !== true)
    throw new InputError('--overwrite takes no mode for an application restore.', 'Pass --overwrite alone.');
  const target = { kind: 'application' as const, overwrite: options.overwrite === true };
  if (remote(options)) return remoteRestore(reference, target, requestOf(options), options);
  const progress = new ByteProgress('restore');
  const job = await runRestoreWorkflow(reference, target, options, progress, {
    onProgress: (_files, bytes) => progress.update(bytes),
  });
  if (job.validate_only) return printValidated(job, options);
  const results = job.validation_results as { restore?: { components?: RestoredComponent[] } } | null;
  const components = results?.restore?.components ?? [];
  // As a restore of one tree: what a file component refused or left alone, a line each.
  for (const c of components) {
    sayPathProblems('refused', c.refused ?? [], c.target);
    sayPathProblems('skipped', c.skipped ?? [], c.target);
  }
  if (components.some((c) => (c.refused?.length ?? 0) > 0)) process.exitCode = 3;
  if (options.json) return printJson({ id: job.backup_id, recovery_job_id: job.id, components });
  for (const c of components) say(`${c.target}: ${formatBytes(c.bytes)} restored to ${c.restored_to}`);
  say(
    `Restored application backup ${job.backup_id}: ${count(components.length, 'component')}, each checked against the backup.`,
  );
}

/** An ISO 8601 time with a zone, as UTC; anything else is refused rather than guessed. */
function parsePointInTime(text: string): string {
  const time = Date.parse(text);
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(text.trim()) || Number.isNaN(time))
    throw new InputError(
      `"${text}" is not a time with a zone.`,
      'Write it in ISO 8601 with Z or an offset, e.g. 2026-11-26T10:15:00Z or 2026-11-26T11:15:00+01:00.',
    );
  return new Date(time).toISOString();
}

/** A PostgreSQL base backup into a new data directory, set up to recover (to a time, or to the end). */
async function restoreToDataDirectory(
  reference: string,
  dir: string,
  options: RestoreOptions,
): Promise<void> {
  const at = options.pointInTime === undefined ? null : parsePointInTime(options.pointInTime);
  if (remote(options))
    return remoteRestore(
      reference,
      { kind: 'data-directory', path: dir },
      { ...requestOf(options), point_in_time: at },
      options,
    );
  const progress = new ByteProgress('restore');
  const job = await runRestoreWorkflow(
    reference,
    { kind: 'data-directory', path: resolve(dir) },
    { ...options, pointInTime: at ?? undefined },
    progress,
    { onProgress: (_files, bytes) => progress.update(bytes) },
  );
  const range = (job.validation_results as { wal_range?: { from: string; to: string | null } } | null)
    ?.wal_range;
  if (options.json)
    return printJson({
      id: job.backup_id,
      recovery_job_id: job.id,
      data_directory: resolve(dir),
      point_in_time: at,
      wal_range: range,
    });
  if (job.validate_only) return printValidated(job, options);
  say(
    `Restored base backup ${job.backup_id} into ${resolve(dir)}, set up to recover ${at ? `to ${at}` : 'to the end of the WAL archive'}` +
      (range ? ` (the archive covers ${range.from} to ${range.to ?? 'the end of the backup'})` : '') +
      `. Start PostgreSQL on it (as the server's user: chown -R postgres ${resolve(dir)} if needed); it fetches WAL with \`lifeboat wal-fetch\` and promotes when done.`,
  );
}

/** Another server for a database restore: --url and how to find its password. */
function databaseConnection(url: string, options: RestoreOptions): DatabaseConnection {
  const parsed = parseServerUrl(url);
  return DatabaseConnectionSchema.parse({
    host: parsed.host,
    port: parsed.port,
    user: parsed.user,
    password: credentialRef(options),
    tls: { mode: parsed.tls?.mode ?? 'prefer', ca_file: null },
  });
}

/** Through the restore workflow: the recovery job records every step, progress and the checks. */
async function restoreToDirectory(reference: string, target: string, options: RestoreOptions): Promise<void> {
  const directory = {
    kind: 'directory' as const,
    // Through the API the path is on the machine that restores there: as given.
    path: remote(options) ? target : resolve(target),
    includes: options.include,
    excludes: options.exclude,
    overwrite: options.overwrite === true ? undefined : options.overwrite,
    delete: options.delete ?? false,
    read_back: options.readBack ?? false,
  };
  if (remote(options)) return remoteRestore(reference, directory, requestOf(options), options);
  const progress = new TreeProgress('restore');
  let result: TreeRestoreResult | undefined;
  const job = await runRestoreWorkflow(reference, directory, options, progress, {
    onProgress: (files, bytes) => progress.update(files, bytes),
    onResult: (r) => (result = r),
  });
  if (job.validate_only) return printValidated(job, options);
  if (!result)
    throw new LifeboatError('WORKFLOW_FAILED', 'The restore step reported nothing.', 'This is a bug.');
  printRestored(job, result, target, options);
}

/**
 * Runs the restore workflow in-process, with the CLI watching the Restore step (progress, the
 * result, where a stream goes) and keeping the first error as thrown, for its exit code.
 * Returns the finished recovery job.
 */
async function runRestoreWorkflow(
  reference: string,
  target: RestoreRequest['target_config'],
  options: RestoreOptions,
  progress: { stop(): void },
  hooks: RunRestoreHooks,
): Promise<RecoveryJob> {
  const settings = resolveSettings(options);
  // --from: the data comes from a copy (lifeboat replicate); the catalog stays the primary's.
  const readFrom = options.from ? resolveSettings({ ...options, repo: options.from }) : undefined;
  // A restore reads an existing repository; it never creates one.
  const repository = await openRepository(readFrom ?? settings);
  const system = localSystem(settings, process.env, { readFrom, repository });
  let failure: unknown;
  const steps = watchSteps(STEPS, (error) => (failure = error), {
    RunRestoreFunctionArn: (ctx, input) => runRestoreStep(ctx, input, hooks),
  });
  const request: RestoreRequest = {
    backup: reference,
    target_config: target,
    point_in_time: options.pointInTime ?? null,
    validate_only: options.validateOnly ?? false,
  };
  try {
    const execution = await new LocalEngine(system.ctx, { steps }).run('restore', request);
    progress.stop();
    const jobId = (execution.output as { validated?: { recovery_job_id?: string } } | undefined)?.validated
      ?.recovery_job_id;
    const job = jobId ? await system.catalog.getRecoveryJob(jobId) : undefined;
    if (execution.status !== 'SUCCEEDED' || !job) {
      throw (
        failure ??
        new LifeboatError(
          'WORKFLOW_FAILED',
          `The restore workflow ${execution.name} failed: ${describeStepError(execution.error)}`,
          'See the recovery job in the catalog for the step that failed.',
        )
      );
    }
    return job;
  } finally {
    progress.stop();
    await system.close();
  }
}

function printValidated(job: RecoveryJob, options: RestoreOptions): void {
  if (options.json) return printJson(job);
  const into =
    job.target_config.kind === 'database'
      ? `database "${String(job.target_config.database)}"`
      : job.target_config.kind === 'application'
        ? 'its original places'
        : String(job.target_config.path);
  say(
    `Restore of ${job.backup_id} into ${into} is possible (${job.recovery_type}); ` +
      `nothing was written (recovery job ${job.id}).`,
  );
}

function printRestored(
  job: RecoveryJob,
  result: TreeRestoreResult,
  target: string,
  options: RestoreOptions,
): void {
  sayPathProblems('refused', result.refused);
  // Existing files kept by --overwrite never can be many, and the summary counts them; the rest
  // (Lifeboat's own files) are few, and worth a line each.
  sayPathProblems(
    'skipped',
    result.skipped.filter((s) => s.problem !== KEPT_BY_NEVER),
  );
  const verification = (
    job.validation_results as { verification?: { files_checked?: number; read_back?: boolean } } | null
  )?.verification;
  if (options.json) {
    printJson({ id: job.backup_id, recovery_job_id: job.id, target, ...result, verification });
  } else {
    say(
      `Restored ${job.backup_id} into ${target}: ${count(result.files_restored, 'file')} ` +
        `(${formatBytes(result.bytes_restored)}), ${count(result.dirs, 'directory', 'directories')}, ${count(result.symlinks, 'symlink')}, ` +
        `${count(result.hardlinks, 'hard link')}` +
        (result.files_unchanged ? `; ${result.files_unchanged} unchanged` : '') +
        (result.files_skipped ? `; ${result.files_skipped} existing left alone` : '') +
        (result.deleted ? `; ${result.deleted} extra entries deleted` : '') +
        `; ${(result.duration_ms / 1000).toFixed(1)} s` +
        (verification ? `; ${checkedFiles(verification)}.` : '.'),
    );
    if (result.time_precision === 'us')
      say(
        "Times were set to the microsecond, not the backup's nanoseconds: Lifeboat's small native " +
          'addon for them is not built here (`npm run build` builds it where a C compiler, cc, is installed).',
      );
  }
  // Refused entries are a warning: the rest is restored, but not everything the manifest named.
  if (result.refused.length > 0) process.exitCode = 3;
}

function checkedFiles(verification: { files_checked?: number; read_back?: boolean }): string {
  const files = count(verification.files_checked ?? 0, 'file');
  return verification.read_back ? `${files} read back and verified` : `${files} checked (type and size)`;
}

/** A stream backup to standard output, through the restore workflow (run in this process). */
async function restoreToStdout(reference: string, options: RestoreOptions): Promise<void> {
  if (isatty(1)) {
    throw new InputError(
      'Standard output is a terminal: the restored bytes would be written to the screen.',
      'Redirect or pipe it, e.g. `lifeboat restore latest:db --stdout > db.sql`.',
    );
  }
  const started = Date.now();
  const progress = new ByteProgress('restore');
  let result: { bytes: number; checksum: string } | undefined;
  const job = await runRestoreWorkflow(reference, { kind: 'stream' }, options, progress, {
    openSink: () => new FdSink(1),
    onProgress: (_files, bytes) => progress.update(bytes),
    onStreamResult: (r) => (result = r),
  });
  if (!result)
    throw new LifeboatError('WORKFLOW_FAILED', 'The restore step reported nothing.', 'This is a bug.');
  const summary = {
    id: job.backup_id,
    recovery_job_id: job.id,
    restored_bytes: result.bytes,
    checksum_value: result.checksum,
    duration_ms: Date.now() - started,
  };
  // stdout carries the data, so the summary goes to stderr even with --json.
  if (options.json) process.stderr.write(`${JSON.stringify(summary)}\n`);
  else say(`Restored ${job.backup_id}: ${formatBytes(result.bytes)}, checksum verified.`);
}
