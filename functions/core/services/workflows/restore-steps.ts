import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import {
  baseBackupOf,
  checkPointInTime,
  DataDirectoryTargetSchema,
  restoreDataDirectory,
  walRange,
  type WalRange,
} from '../point-in-time';
import { walFetchCommand } from '../wal-archive';
import { ApplicationSourceSchema } from '../application';
import {
  ApplicationRestoreTargetSchema,
  checkRestoredApplication,
  type RestoredComponent,
  runApplicationRestore,
  validateApplicationRestore,
} from './application-restore';
import { ChunkReader, loadChunkIndex } from '../../../repository/reader';
import { PackClass } from '../../../repository/pack';
import { compactHeap } from '../../../repository/young-gc';
import type { SnapshotManifest } from '../../../repository/snapshot';
import { listSnapshot } from '../../../sources/filesystem/browse';
import { checkRestoreTarget, restoreTree, type TreeRestoreResult } from '../../../sources/filesystem/restore';
import {
  NOT_RESTORED_KEPT,
  verifyRestoredTree,
  type RestoredTreeCheck,
} from '../../../sources/filesystem/verify-restored';
import { ConflictError, InputError, LifeboatError, RecordNotFoundError } from '../../errors';
import { IdSchema, TimestampSchema } from '../../model/common';
import type { RecoveryJob, RecoveryStep } from '../../model/recovery-job';
import { newUlid } from '../../../repository/ids';
import type { ByteSink } from '../../ports/byte-sink';
import { audit } from '../audit';
import { restoreStream } from '../restore-stream';
import type { ServiceContext } from '../context';
import { JobProgress } from './job-progress';
import { runner } from './runner';
import { describeFailure, StepFailureSchema } from './step-failure';
import { checkWorkerPaths } from '../worker-files';
import { OwnFiles } from '../../../sources/filesystem/own-files';
import {
  checkRestoredDatabase,
  DatabaseRestoreTargetSchema,
  runDatabaseRestore,
  validateDatabaseRestore,
  type DatabaseRestoreTarget,
} from './database-restore';

/** Where a file backup is restored to (the seed's recovery_jobs.target_config). */
export const DirectoryTargetSchema = z.object({
  kind: z.literal('directory'),
  path: z.string().min(1),
  includes: z.array(z.string()).default([]),
  excludes: z.array(z.string()).default([]),
  /** Absent: not chosen, and a non-empty target is refused. */
  overwrite: z.enum(['never', 'if-changed', 'always']).optional(),
  delete: z.boolean().default(false),
  /**
   * Validate recovery reads every restored file back and compares its bytes with the backup.
   * Off: it checks that every entry is there with its type (files with their size, links with
   * their target); the bytes were checked chunk by chunk against their ids before being written.
   */
  read_back: z.boolean().default(false),
});

/** A stream backup written to the caller's byte sink (`restore --stdout`): local only. */
export const StreamTargetSchema = z.object({ kind: z.literal('stream') });
export const RestoreTargetSchema = z.discriminatedUnion('kind', [
  DirectoryTargetSchema,
  StreamTargetSchema,
  DatabaseRestoreTargetSchema,
  DataDirectoryTargetSchema,
  ApplicationRestoreTargetSchema,
]);

export const RestoreRequestSchema = z
  .object({
    /** A backup id, a unique prefix of one, or latest:NAME. */
    backup: z.string().min(1),
    target_config: RestoreTargetSchema,
    point_in_time: TimestampSchema.nullable().default(null),
    validate_only: z.boolean().default(false),
  })
  .strict();
export type RestoreRequest = z.input<typeof RestoreRequestSchema>;

const JobIdSchema = z.object({ recovery_job_id: IdSchema }).strict();
type RestoreTarget = z.output<typeof RestoreTargetSchema>;

/** The workflow's steps as the job records them, by the state names of restore.asl.json. */
export const RESTORE_STEPS = [
  'Validate request',
  'Plan restore',
  'Restore',
  'Validate recovery',
  'Finalize recovery',
];

/** A restore whose check of the restored files found differences. */
export class RecoveryValidationError extends LifeboatError {
  constructor(
    readonly check: RestoredTreeCheck,
    what: 'files' | 'database' | 'application',
  ) {
    const first = check.problems[0];
    super(
      'RECOVERY_INVALID',
      `The restored ${WHAT_RESTORED[what]} not match the backup: ${check.problems.length} problem(s); first: ${first?.path}: ${first?.problem}.`,
      NEXT_STEP[what],
    );
  }
}

const WHAT_RESTORED = { files: 'files do', database: 'database does', application: 'application does' };
const NEXT_STEP = {
  files:
    'Something changed the target during the restore, or the disk returned other bytes; restore again into an empty directory and check the disk.',
  database:
    'Something wrote to the database during the restore, or the restore tool changed data; restore again into a new database and compare.',
  application:
    'Something changed its files or wrote to its databases during the restore (the first problem names the component); stop the application, restore again and compare.',
};

function withStep(
  job: RecoveryJob,
  name: string,
  status: RecoveryStep['status'],
  now: string,
  message: string | null = null,
): RecoveryStep[] {
  return job.steps.map((step) =>
    step.name !== name
      ? step
      : {
          ...step,
          status,
          started_at: step.started_at ?? now,
          completed_at: status === 'running' ? null : now,
          message,
        },
  );
}

async function loadJob(ctx: ServiceContext, input: unknown): Promise<RecoveryJob> {
  const { recovery_job_id } = JobIdSchema.parse(input);
  const job = await ctx.catalog.getRecoveryJob(recovery_job_id);
  if (!job) throw new RecordNotFoundError('recovery job', recovery_job_id);
  return job;
}

function targetOf(job: RecoveryJob): RestoreTarget {
  return RestoreTargetSchema.parse(job.target_config);
}

async function manifestOf(ctx: ServiceContext, job: RecoveryJob): Promise<SnapshotManifest> {
  return (await ctx.repository()).loadSnapshot(job.backup_id);
}

/**
 * Validate: the backup exists and is a file tree, the paths asked for are in it, the target can
 * take it; the recovery job is recorded (status validating) with its steps.
 */
export async function validateRestore(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ recovery_job_id: string; validate_only: boolean }> {
  const request = RestoreRequestSchema.parse(input);
  const repo = await ctx.repository();
  const manifest = await repo.resolveSnapshot(request.backup);
  const target = request.target_config;
  if (target.kind === 'directory' || target.kind === 'data-directory')
    checkWorkerPaths(ctx.workerFiles, [target.path], 'restore into');
  let walCoverage: WalRange | undefined;
  if (request.point_in_time && target.kind !== 'data-directory')
    throw new InputError(
      'Point-in-time recovery applies to PostgreSQL base backups with a WAL archive, restored into a data directory.',
      'Restore a base backup with --target-dir DIR --point-in-time TIME, or drop --point-in-time.',
    );
  if (target.kind === 'application') {
    await validateApplicationRestore(ctx, manifest, target);
  } else if (target.kind === 'data-directory') {
    const base = baseBackupOf(manifest);
    walCoverage = await walRange(repo, base);
    if (request.point_in_time) checkPointInTime(base, walCoverage, request.point_in_time);
    if (fs.existsSync(target.path) && fs.readdirSync(target.path).length > 0)
      throw new InputError(
        `${target.path} is not empty.`,
        'A data directory is restored into a new or empty directory.',
      );
  } else if (target.kind === 'database') {
    await validateDatabaseRestore(ctx, manifest, target);
  } else if (target.kind === 'stream') {
    if (manifest.content.kind !== 'stream')
      throw new InputError(
        `Backup ${manifest.id} is a file tree, not a stream.`,
        'Restore it into a directory with --target DIR.',
      );
  } else {
    if (manifest.content.kind !== 'tree')
      throw new InputError(
        `Backup ${manifest.id} is ${manifest.source ? `a ${manifest.source.kind} dump` : 'a stream'}, not a file tree.`,
        manifest.source
          ? 'Restore it into a database with --database NAME, or as a file with --stdout.'
          : 'Restore it with --stdout.',
      );
    checkRestoreTarget(target.path, target.overwrite, new OwnFiles(ctx.ownFiles));
  }
  if (target.kind === 'directory' && target.includes.length > 0) {
    // Only trees are read here: the index of metadata packs will do.
    const reader = new ChunkReader(repo, await loadChunkIndex(repo, PackClass.meta));
    for (const include of target.includes) {
      // Throws InputError naming the path when the backup does not hold it.
      for await (const _ of listSnapshot(reader, manifest, include)) break;
    }
  }
  const now = ctx.now();
  const at = now.toISOString();
  const partial =
    (target.kind === 'directory' && (target.includes.length > 0 || target.excludes.length > 0)) ||
    (target.kind === 'database' && (target.schemas.length > 0 || target.tables.length > 0));
  const recoveryType = request.point_in_time ? 'point_in_time' : partial ? 'partial' : 'full';
  const job: RecoveryJob = {
    id: newUlid(now.getTime()),
    backup_id: manifest.id,
    recovery_type: recoveryType,
    target_config: { ...target },
    point_in_time: request.point_in_time,
    validate_only: request.validate_only,
    overwrite_existing:
      (target.kind === 'directory' && (target.overwrite === 'if-changed' || target.overwrite === 'always')) ||
      (target.kind === 'database' && target.overwrite) ||
      (target.kind === 'application' && target.overwrite),
    status: 'validating',
    progress: 0,
    steps: RESTORE_STEPS.map((name) => ({
      name,
      status: name === RESTORE_STEPS[0] ? 'completed' : 'pending',
      started_at: name === RESTORE_STEPS[0] ? at : null,
      completed_at: name === RESTORE_STEPS[0] ? at : null,
      message: null,
    })),
    current_step: RESTORE_STEPS[0]!,
    started_at: at,
    completed_at: null,
    estimated_completion: null,
    recovered_size_bytes: null,
    error_message: null,
    validation_results: { runner: runner(), ...(walCoverage ? { wal_range: { ...walCoverage } } : {}) },
    created_at: at,
    created_by: ctx.actor.user_id,
  };
  await ctx.catalog.createRecoveryJob(job);
  await audit(ctx, {
    operation_type: 'create',
    entity_type: 'recovery_job',
    entity_id: job.id,
    action: 'restore.start',
    details: {
      backup_id: manifest.id,
      target: describeRestoreTarget(target),
      recovery_type: job.recovery_type,
      validate_only: job.validate_only,
    },
  });
  return { recovery_job_id: job.id, validate_only: job.validate_only };
}

function describeRestoreTarget(target: RestoreTarget): string {
  switch (target.kind) {
    case 'directory':
      return target.path;
    case 'stream':
      return 'stream';
    case 'data-directory':
      return target.path;
    case 'application':
      return 'in place';
    case 'database':
      return `database ${target.database}${target.connection ? ` on ${target.connection.host}:${target.connection.port}` : ''}`;
  }
}

/** The bytes a restore writes: an application backup's are its components'. */
function restoreSize(manifest: SnapshotManifest): number {
  if (manifest.source?.kind !== 'application') return manifest.content.size;
  return ApplicationSourceSchema.parse(manifest.source).components.reduce(
    (sum, component) => sum + component.original_size_bytes,
    0,
  );
}

/** Restores are planned at this rate for the estimated completion (a conservative local disk). */
const PLANNING_BYTES_PER_SECOND = 100 * 1024 * 1024;

/** Plan: size, route (Lambda or Fargate) and estimated completion. */
export async function planRestore(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ compute: 'lambda' | 'fargate'; estimated_bytes: number }> {
  const job = await loadJob(ctx, input);
  const bytes = restoreSize(await manifestOf(ctx, job));
  // An earlier restore of this backup ran out of Lambda's time (recordRestoreFailure): the same
  // size would send this one there too.
  const earlier = (await ctx.catalog.listRecoveryJobsByBackup(job.backup_id, { limit: 20 })).items;
  const lambdaTooShort = earlier.some(
    (j) => j.id !== job.id && j.validation_results?.timed_out_on === 'lambda',
  );
  const now = ctx.now();
  await ctx.catalog.updateRecoveryJob(
    job.id,
    {
      current_step: 'Plan restore',
      steps: withStep(
        job,
        'Plan restore',
        'completed',
        now.toISOString(),
        `${bytes} bytes to restore at most`,
      ),
      estimated_completion: new Date(
        now.getTime() + (bytes / PLANNING_BYTES_PER_SECOND) * 1000,
      ).toISOString(),
    },
    ['validating'],
  );
  return {
    compute: lambdaTooShort || bytes > ctx.fargateThresholdBytes ? 'fargate' : 'lambda',
    estimated_bytes: bytes,
  };
}

/** Restore: the tree into the target, progress in the job. */
export interface RunRestoreHooks {
  onProgress?: (files: number, bytes: number) => void;
  onResult?: (result: TreeRestoreResult) => void;
  /**
   * Where a stream backup's bytes go, opened when the restore starts (a sink may hold a thread
   * or a descriptor): only a caller in the engine's process has one.
   */
  openSink?: () => ByteSink;
  onStreamResult?: (result: { bytes: number; checksum: string }) => void;
}

/** Restore: the tree into the target (or the stream into the sink), progress in the job. */
export async function runRestore(
  ctx: ServiceContext,
  input: unknown,
  hooks: RunRestoreHooks = {},
): Promise<{ recovery_job_id: string; bytes_restored: number; refused: number }> {
  const job = await loadJob(ctx, input);
  const target = targetOf(job);
  if (target.kind === 'stream' && !hooks.openSink)
    throw new InputError(
      `Recovery job ${job.id} writes a stream, which only the process that asked for it can take.`,
      'Restore stream backups with `lifeboat restore ID --stdout` where the output goes.',
    );
  const manifest = await manifestOf(ctx, job);
  const running = await ctx.catalog.updateRecoveryJob(
    job.id,
    {
      status: 'running',
      current_step: 'Restore',
      steps: withStep(job, 'Restore', 'running', ctx.now().toISOString()),
      validation_results: { ...job.validation_results, runner: runner() },
    },
    ['validating', 'running'],
  );
  const total = restoreSize(manifest);
  // 0–89 while restoring; the read-back check and Finalize take it to 100.
  const progress = new JobProgress(
    (percent) => ctx.catalog.updateRecoveryJob(job.id, { progress: percent }, ['running']),
    running.progress,
    89,
    async () => (await ctx.catalog.getRecoveryJob(job.id))?.status === 'cancelled',
    'recovery job',
  );
  const repo = await ctx.repository();
  let summary: Record<string, unknown>;
  let bytes: number;
  let refused = 0;
  if (target.kind === 'application') {
    const result = await runApplicationRestore(ctx, manifest, target, job.id, (written) => {
      hooks.onProgress?.(0, written);
      progress.report(written / Math.max(total, 1));
    });
    bytes = result.bytes;
    refused = result.refused;
    summary = { bytes_restored: result.bytes, components: result.components };
  } else if (target.kind === 'data-directory') {
    const result = await restoreDataDirectory(
      repo,
      manifest,
      target.path,
      job.point_in_time,
      walFetchCommand(baseBackupOf(manifest).target, ctx.storage.location),
      (written) => {
        hooks.onProgress?.(0, written);
        progress.report(written / total);
      },
    );
    bytes = result.bytes;
    summary = { bytes_restored: result.bytes, data_directory: target.path, point_in_time: job.point_in_time };
  } else if (target.kind === 'database') {
    const result = await runDatabaseRestore(ctx, repo, manifest, target, job.id, (written) => {
      hooks.onProgress?.(0, written);
      progress.report(written / total);
    });
    bytes = result.bytes;
    summary = { ...result, bytes_restored: result.bytes };
  } else if (target.kind === 'stream') {
    // Every chunk is checked against its id and the whole stream against the recorded checksum.
    const result = await restoreStream(repo, manifest, hooks.openSink!(), {
      onProgress: (written) => {
        hooks.onProgress?.(0, written);
        progress.report(written / total);
      },
    });
    hooks.onStreamResult?.(result);
    bytes = result.bytes;
    summary = { bytes_restored: result.bytes, checksum_value: result.checksum };
  } else {
    const result = await restoreTree(repo, manifest, {
      target: target.path,
      includes: target.includes,
      excludes: target.excludes,
      overwrite: target.overwrite,
      delete: target.delete,
      ownFiles: ctx.ownFiles,
      onProgress: (files, written) => {
        hooks.onProgress?.(files, written);
        progress.report(written / total);
      },
    });
    hooks.onResult?.(result);
    bytes = result.bytes_restored;
    refused = result.refused.length;
    summary = {
      files_restored: result.files_restored,
      files_unchanged: result.files_unchanged,
      files_skipped: result.files_skipped,
      bytes_restored: result.bytes_restored,
      refused: result.refused.length,
      deleted: result.deleted,
      time_precision: result.time_precision,
      // For the read-back check, which compares only what was written.
      not_restored: [...result.refused, ...result.skipped].slice(0, NOT_RESTORED_KEPT).map((p) => p.path),
    };
  }
  await progress.settled();
  await ctx.catalog.updateRecoveryJob(
    job.id,
    {
      progress: 90,
      recovered_size_bytes: bytes,
      steps: withStep(running, 'Restore', 'completed', ctx.now().toISOString(), `${bytes} bytes restored`),
      validation_results: { ...running.validation_results, restore: summary },
    },
    ['running'],
  );
  return { recovery_job_id: job.id, bytes_restored: bytes, refused };
}

/**
 * Validate the recovery: every restored entry against the snapshot, and with `read_back` every
 * file's bytes against its chunk ids (verify-restored.ts); any difference fails the job.
 */
export async function validateRecovery(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ files_checked: number; problems: number }> {
  const job = await loadJob(ctx, input);
  const target = targetOf(job);
  const repo = await ctx.repository();
  const manifest = await manifestOf(ctx, job);
  // The check reads trees and content lists, never data: the index of the metadata packs is
  // enough. Before it is loaded, the restore's own reader (its index, pack tables and metadata
  // pack bodies) goes, in the same process (the CLI): left to V8, it was still there when the
  // check loaded the whole index again, the peak of a restore of the Linux tree.
  const reader = async () => {
    compactHeap();
    return new ChunkReader(repo, await loadChunkIndex(repo, PackClass.meta));
  };
  await ctx.catalog.updateRecoveryJob(
    job.id,
    {
      current_step: 'Validate recovery',
      steps: withStep(job, 'Validate recovery', 'running', ctx.now().toISOString()),
    },
    ['running'],
  );
  const notRestored =
    (job.validation_results as { restore?: { not_restored?: string[] } } | null)?.restore?.not_restored ?? [];
  // A stream went to its reader and cannot be read back; the restore itself checked every chunk
  // and the whole stream's checksum against the backup, and failed otherwise.
  const check: RestoredTreeCheck =
    target.kind === 'application'
      ? await checkRestoredApplication(ctx, manifest, target, restoredComponents(job))
      : target.kind === 'data-directory'
        ? dataDirectoryCheck(target.path)
        : target.kind === 'database'
          ? await databaseCheck(ctx, manifest, target)
          : target.kind === 'stream'
            ? {
                files_checked: 0,
                bytes_checked: job.recovered_size_bytes ?? 0,
                dirs_checked: 0,
                symlinks_checked: 0,
                problems: [],
              }
            : await verifyRestoredTree(repo, await reader(), manifest, target.path, {
                ...target,
                notRestored,
                readBack: target.read_back,
              });
  const current = (await ctx.catalog.getRecoveryJob(job.id))!;
  await ctx.catalog.updateRecoveryJob(
    job.id,
    {
      progress: 99,
      steps: withStep(
        current,
        'Validate recovery',
        check.problems.length ? 'failed' : 'completed',
        ctx.now().toISOString(),
      ),
      validation_results: { ...current.validation_results, verification: { ...check } },
    },
    ['running'],
  );
  if (check.problems.length > 0)
    throw new RecoveryValidationError(
      check,
      target.kind === 'application'
        ? 'application'
        : check.tables_checked === undefined
          ? 'files'
          : 'database',
    );
  return { files_checked: check.files_checked, problems: 0 };
}

/** The components an application restore recorded (what each left alone, for the check). */
function restoredComponents(job: RecoveryJob): RestoredComponent[] {
  return (
    (job.validation_results as { restore?: { components?: RestoredComponent[] } } | null)?.restore
      ?.components ?? []
  );
}

/**
 * A data directory cannot be checked before the server has replayed its WAL: what is checked is
 * that it is one (PG_VERSION, global/pg_control) and is set up to recover (recovery.signal).
 */
function dataDirectoryCheck(dir: string): RestoredTreeCheck {
  const problems = ['PG_VERSION', 'global/pg_control', 'recovery.signal']
    .filter((file) => !fs.existsSync(path.join(dir, file)))
    .map((file) => ({ path: file, problem: 'missing from the restored data directory' }));
  return { files_checked: 3, bytes_checked: 0, dirs_checked: 1, symlinks_checked: 0, problems };
}

/** A restored database's tables against the checksums recorded at backup, as a recovery check. */
async function databaseCheck(
  ctx: ServiceContext,
  manifest: SnapshotManifest,
  target: DatabaseRestoreTarget,
): Promise<RestoredTreeCheck> {
  const result = await checkRestoredDatabase(ctx, manifest, target);
  return {
    files_checked: 0,
    bytes_checked: 0,
    dirs_checked: 0,
    symlinks_checked: 0,
    tables_checked: result.tables_checked,
    problems: result.problems.map((p) => ({ path: p.table, problem: p.problem })),
  };
}

/** Finalize: the job is completed (a validate-only one after its checks) and announced. */
export async function finalizeRestore(ctx: ServiceContext, input: unknown): Promise<RecoveryJob> {
  const job = await loadJob(ctx, input);
  const now = ctx.now().toISOString();
  let steps = withStep(job, 'Finalize recovery', 'completed', now);
  if (job.validate_only)
    steps = steps.map((s) =>
      s.status === 'pending' ? { ...s, status: 'skipped' as const, message: 'validate only' } : s,
    );
  const done = await ctx.catalog.updateRecoveryJob(
    job.id,
    { status: 'completed', progress: 100, current_step: null, completed_at: now, steps },
    ['validating', 'running'],
  );
  await audit(ctx, {
    operation_type: 'update',
    entity_type: 'recovery_job',
    entity_id: job.id,
    action: job.validate_only ? 'restore.validate' : 'restore.complete',
    details: { backup_id: job.backup_id, recovered_size_bytes: done.recovered_size_bytes },
  });
  await ctx.events.publish({
    type: 'Recovery Completed',
    detail: { recovery_job_id: job.id, backup_id: job.backup_id, validate_only: job.validate_only },
  });
  return done;
}

/** The failure path: the job is failed with a readable error, and announced. */
export async function recordRestoreFailure(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ recovery_job_id: string | null }> {
  const state = StepFailureSchema.parse(input);
  const jobId = state.validated?.recovery_job_id ?? null;
  // Out of Lambda's time: planRestore sends the next restore of this backup to Fargate.
  const { message, lambdaTimedOut } = describeFailure(
    state.error,
    state.plan?.compute,
    'the next restore of this backup',
  );
  if (jobId) {
    try {
      const job = await ctx.catalog.getRecoveryJob(jobId);
      const failedStep = job?.current_step ?? null;
      await ctx.catalog.updateRecoveryJob(
        jobId,
        {
          status: 'failed',
          error_message: message,
          completed_at: ctx.now().toISOString(),
          ...(lambdaTimedOut
            ? { validation_results: { ...job?.validation_results, timed_out_on: 'lambda' } }
            : {}),
          ...(job && failedStep
            ? { steps: withStep(job, failedStep, 'failed', ctx.now().toISOString(), message) }
            : {}),
        },
        ['pending', 'validating', 'running'],
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Cancelled on purpose: recorded and audited by the cancel, and no failure to alert on.
      if ((await ctx.catalog.getRecoveryJob(jobId))?.status === 'cancelled')
        return { recovery_job_id: jobId };
    }
  }
  await audit(ctx, {
    operation_type: 'update',
    entity_type: 'recovery_job',
    entity_id: jobId,
    action: 'restore.fail',
    details: { error: message },
  });
  await ctx.events.publish({ type: 'Recovery Failed', detail: { recovery_job_id: jobId, error: message } });
  return { recovery_job_id: jobId };
}
