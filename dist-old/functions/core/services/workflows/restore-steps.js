"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.RecoveryValidationError = exports.RESTORE_STEPS = exports.RestoreRequestSchema = exports.RestoreTargetSchema = exports.StreamTargetSchema = exports.DirectoryTargetSchema = void 0;
exports.validateRestore = validateRestore;
exports.planRestore = planRestore;
exports.runRestore = runRestore;
exports.validateRecovery = validateRecovery;
exports.finalizeRestore = finalizeRestore;
exports.recordRestoreFailure = recordRestoreFailure;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const zod_1 = require("zod");
const point_in_time_1 = require("../point-in-time");
const wal_archive_1 = require("../wal-archive");
const application_1 = require("../application");
const application_restore_1 = require("./application-restore");
const reader_1 = require("../../../repository/reader");
const pack_1 = require("../../../repository/pack");
const browse_1 = require("../../../sources/filesystem/browse");
const restore_1 = require("../../../sources/filesystem/restore");
const verify_restored_1 = require("../../../sources/filesystem/verify-restored");
const errors_1 = require("../../errors");
const common_1 = require("../../model/common");
const ids_1 = require("../../../repository/ids");
const audit_1 = require("../audit");
const restore_stream_1 = require("../restore-stream");
const job_progress_1 = require("./job-progress");
const runner_1 = require("./runner");
const step_failure_1 = require("./step-failure");
const worker_files_1 = require("../worker-files");
const own_files_1 = require("../../../sources/filesystem/own-files");
const database_restore_1 = require("./database-restore");
/** Where a file backup is restored to (the seed's recovery_jobs.target_config). */
exports.DirectoryTargetSchema = zod_1.z.object({
    kind: zod_1.z.literal('directory'),
    path: zod_1.z.string().min(1),
    includes: zod_1.z.array(zod_1.z.string()).default([]),
    excludes: zod_1.z.array(zod_1.z.string()).default([]),
    /** Absent: not chosen, and a non-empty target is refused. */
    overwrite: zod_1.z.enum(['never', 'if-changed', 'always']).optional(),
    delete: zod_1.z.boolean().default(false),
    /**
     * Validate recovery reads every restored file back and compares its bytes with the backup.
     * Off: it checks that every entry is there with its type (files with their size, links with
     * their target); the bytes were checked chunk by chunk against their ids before being written.
     */
    read_back: zod_1.z.boolean().default(false),
});
/** A stream backup written to the caller's byte sink (`restore --stdout`): local only. */
exports.StreamTargetSchema = zod_1.z.object({ kind: zod_1.z.literal('stream') });
exports.RestoreTargetSchema = zod_1.z.discriminatedUnion('kind', [
    exports.DirectoryTargetSchema,
    exports.StreamTargetSchema,
    database_restore_1.DatabaseRestoreTargetSchema,
    point_in_time_1.DataDirectoryTargetSchema,
    application_restore_1.ApplicationRestoreTargetSchema,
]);
exports.RestoreRequestSchema = zod_1.z
    .object({
    /** A backup id, a unique prefix of one, or latest:NAME. */
    backup: zod_1.z.string().min(1),
    target_config: exports.RestoreTargetSchema,
    point_in_time: common_1.TimestampSchema.nullable().default(null),
    validate_only: zod_1.z.boolean().default(false),
})
    .strict();
const JobIdSchema = zod_1.z.object({ recovery_job_id: common_1.IdSchema }).strict();
/** The workflow's steps as the job records them, by the state names of restore.asl.json. */
exports.RESTORE_STEPS = [
    'Validate request',
    'Plan restore',
    'Restore',
    'Validate recovery',
    'Finalize recovery',
];
/** A restore whose check of the restored files found differences. */
class RecoveryValidationError extends errors_1.LifeboatError {
    check;
    constructor(check, what) {
        const first = check.problems[0];
        super('RECOVERY_INVALID', `The restored ${WHAT_RESTORED[what]} not match the backup: ${check.problems.length} problem(s); first: ${first?.path}: ${first?.problem}.`, NEXT_STEP[what]);
        this.check = check;
    }
}
exports.RecoveryValidationError = RecoveryValidationError;
const WHAT_RESTORED = { files: 'files do', database: 'database does', application: 'application does' };
const NEXT_STEP = {
    files: 'Something changed the target during the restore, or the disk returned other bytes; restore again into an empty directory and check the disk.',
    database: 'Something wrote to the database during the restore, or the restore tool changed data; restore again into a new database and compare.',
    application: 'Something changed its files or wrote to its databases during the restore (the first problem names the component); stop the application, restore again and compare.',
};
function withStep(job, name, status, now, message = null) {
    return job.steps.map((step) => step.name !== name
        ? step
        : {
            ...step,
            status,
            started_at: step.started_at ?? now,
            completed_at: status === 'running' ? null : now,
            message,
        });
}
async function loadJob(ctx, input) {
    const { recovery_job_id } = JobIdSchema.parse(input);
    const job = await ctx.catalog.getRecoveryJob(recovery_job_id);
    if (!job)
        throw new errors_1.RecordNotFoundError('recovery job', recovery_job_id);
    return job;
}
function targetOf(job) {
    return exports.RestoreTargetSchema.parse(job.target_config);
}
async function manifestOf(ctx, job) {
    return (await ctx.repository()).loadSnapshot(job.backup_id);
}
/**
 * Validate: the backup exists and is a file tree, the paths asked for are in it, the target can
 * take it; the recovery job is recorded (status validating) with its steps.
 */
async function validateRestore(ctx, input) {
    const request = exports.RestoreRequestSchema.parse(input);
    const repo = await ctx.repository();
    const manifest = await repo.resolveSnapshot(request.backup);
    const target = request.target_config;
    if (target.kind === 'directory' || target.kind === 'data-directory')
        (0, worker_files_1.checkWorkerPaths)(ctx.workerFiles, [target.path], 'restore into');
    let walCoverage;
    if (request.point_in_time && target.kind !== 'data-directory')
        throw new errors_1.InputError('Point-in-time recovery applies to PostgreSQL base backups with a WAL archive, restored into a data directory.', 'Restore a base backup with --target-dir DIR --point-in-time TIME, or drop --point-in-time.');
    if (target.kind === 'application') {
        await (0, application_restore_1.validateApplicationRestore)(ctx, manifest, target);
    }
    else if (target.kind === 'data-directory') {
        const base = (0, point_in_time_1.baseBackupOf)(manifest);
        walCoverage = await (0, point_in_time_1.walRange)(repo, base);
        if (request.point_in_time)
            (0, point_in_time_1.checkPointInTime)(base, walCoverage, request.point_in_time);
        if (fs.existsSync(target.path) && fs.readdirSync(target.path).length > 0)
            throw new errors_1.InputError(`${target.path} is not empty.`, 'A data directory is restored into a new or empty directory.');
    }
    else if (target.kind === 'database') {
        await (0, database_restore_1.validateDatabaseRestore)(ctx, manifest, target);
    }
    else if (target.kind === 'stream') {
        if (manifest.content.kind !== 'stream')
            throw new errors_1.InputError(`Backup ${manifest.id} is a file tree, not a stream.`, 'Restore it into a directory with --target DIR.');
    }
    else {
        if (manifest.content.kind !== 'tree')
            throw new errors_1.InputError(`Backup ${manifest.id} is ${manifest.source ? `a ${manifest.source.kind} dump` : 'a stream'}, not a file tree.`, manifest.source
                ? 'Restore it into a database with --database NAME, or as a file with --stdout.'
                : 'Restore it with --stdout.');
        (0, restore_1.checkRestoreTarget)(target.path, target.overwrite, new own_files_1.OwnFiles(ctx.ownFiles));
    }
    if (target.kind === 'directory' && target.includes.length > 0) {
        // Only trees are read here: the index of metadata packs will do.
        const reader = new reader_1.ChunkReader(repo, await (0, reader_1.loadChunkIndex)(repo, pack_1.PackClass.meta));
        for (const include of target.includes) {
            // Throws InputError naming the path when the backup does not hold it.
            for await (const _ of (0, browse_1.listSnapshot)(reader, manifest, include))
                break;
        }
    }
    const now = ctx.now();
    const at = now.toISOString();
    const partial = (target.kind === 'directory' && (target.includes.length > 0 || target.excludes.length > 0)) ||
        (target.kind === 'database' && (target.schemas.length > 0 || target.tables.length > 0));
    const recoveryType = request.point_in_time ? 'point_in_time' : partial ? 'partial' : 'full';
    const job = {
        id: (0, ids_1.newUlid)(now.getTime()),
        backup_id: manifest.id,
        recovery_type: recoveryType,
        target_config: { ...target },
        point_in_time: request.point_in_time,
        validate_only: request.validate_only,
        overwrite_existing: (target.kind === 'directory' && (target.overwrite === 'if-changed' || target.overwrite === 'always')) ||
            (target.kind === 'database' && target.overwrite) ||
            (target.kind === 'application' && target.overwrite),
        status: 'validating',
        progress: 0,
        steps: exports.RESTORE_STEPS.map((name) => ({
            name,
            status: name === exports.RESTORE_STEPS[0] ? 'completed' : 'pending',
            started_at: name === exports.RESTORE_STEPS[0] ? at : null,
            completed_at: name === exports.RESTORE_STEPS[0] ? at : null,
            message: null,
        })),
        current_step: exports.RESTORE_STEPS[0],
        started_at: at,
        completed_at: null,
        estimated_completion: null,
        recovered_size_bytes: null,
        error_message: null,
        validation_results: { runner: (0, runner_1.runner)(), ...(walCoverage ? { wal_range: { ...walCoverage } } : {}) },
        created_at: at,
        created_by: ctx.actor.user_id,
    };
    await ctx.catalog.createRecoveryJob(job);
    await (0, audit_1.audit)(ctx, {
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
function describeRestoreTarget(target) {
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
function restoreSize(manifest) {
    if (manifest.source?.kind !== 'application')
        return manifest.content.size;
    return application_1.ApplicationSourceSchema.parse(manifest.source).components.reduce((sum, component) => sum + component.original_size_bytes, 0);
}
/** Restores are planned at this rate for the estimated completion (a conservative local disk). */
const PLANNING_BYTES_PER_SECOND = 100 * 1024 * 1024;
/** Plan: size, route (Lambda or Fargate) and estimated completion. */
async function planRestore(ctx, input) {
    const job = await loadJob(ctx, input);
    const bytes = restoreSize(await manifestOf(ctx, job));
    // An earlier restore of this backup ran out of Lambda's time (recordRestoreFailure): the same
    // size would send this one there too.
    const earlier = (await ctx.catalog.listRecoveryJobsByBackup(job.backup_id, { limit: 20 })).items;
    const lambdaTooShort = earlier.some((j) => j.id !== job.id && j.validation_results?.timed_out_on === 'lambda');
    const now = ctx.now();
    await ctx.catalog.updateRecoveryJob(job.id, {
        current_step: 'Plan restore',
        steps: withStep(job, 'Plan restore', 'completed', now.toISOString(), `${bytes} bytes to restore at most`),
        estimated_completion: new Date(now.getTime() + (bytes / PLANNING_BYTES_PER_SECOND) * 1000).toISOString(),
    }, ['validating']);
    return {
        compute: lambdaTooShort || bytes > ctx.fargateThresholdBytes ? 'fargate' : 'lambda',
        estimated_bytes: bytes,
    };
}
/** Restore: the tree into the target (or the stream into the sink), progress in the job. */
async function runRestore(ctx, input, hooks = {}) {
    const job = await loadJob(ctx, input);
    const target = targetOf(job);
    if (target.kind === 'stream' && !hooks.openSink)
        throw new errors_1.InputError(`Recovery job ${job.id} writes a stream, which only the process that asked for it can take.`, 'Restore stream backups with `lifeboat restore ID --stdout` where the output goes.');
    const manifest = await manifestOf(ctx, job);
    const running = await ctx.catalog.updateRecoveryJob(job.id, {
        status: 'running',
        current_step: 'Restore',
        steps: withStep(job, 'Restore', 'running', ctx.now().toISOString()),
        validation_results: { ...job.validation_results, runner: (0, runner_1.runner)() },
    }, ['validating', 'running']);
    const total = restoreSize(manifest);
    // 0–89 while restoring; the read-back check and Finalize take it to 100.
    const progress = new job_progress_1.JobProgress((percent) => ctx.catalog.updateRecoveryJob(job.id, { progress: percent }, ['running']), running.progress, 89, async () => (await ctx.catalog.getRecoveryJob(job.id))?.status === 'cancelled', 'recovery job');
    const repo = await ctx.repository();
    let summary;
    let bytes;
    let refused = 0;
    if (target.kind === 'application') {
        const result = await (0, application_restore_1.runApplicationRestore)(ctx, manifest, target, job.id, (written) => {
            hooks.onProgress?.(0, written);
            progress.report(written / Math.max(total, 1));
        });
        bytes = result.bytes;
        refused = result.refused;
        summary = { bytes_restored: result.bytes, components: result.components };
    }
    else if (target.kind === 'data-directory') {
        const result = await (0, point_in_time_1.restoreDataDirectory)(repo, manifest, target.path, job.point_in_time, (0, wal_archive_1.walFetchCommand)((0, point_in_time_1.baseBackupOf)(manifest).target, ctx.storage.location), (written) => {
            hooks.onProgress?.(0, written);
            progress.report(written / total);
        });
        bytes = result.bytes;
        summary = { bytes_restored: result.bytes, data_directory: target.path, point_in_time: job.point_in_time };
    }
    else if (target.kind === 'database') {
        const result = await (0, database_restore_1.runDatabaseRestore)(ctx, repo, manifest, target, job.id, (written) => {
            hooks.onProgress?.(0, written);
            progress.report(written / total);
        });
        bytes = result.bytes;
        summary = { ...result, bytes_restored: result.bytes };
    }
    else if (target.kind === 'stream') {
        // Every chunk is checked against its id and the whole stream against the recorded checksum.
        const result = await (0, restore_stream_1.restoreStream)(repo, manifest, hooks.openSink(), {
            onProgress: (written) => {
                hooks.onProgress?.(0, written);
                progress.report(written / total);
            },
        });
        hooks.onStreamResult?.(result);
        bytes = result.bytes;
        summary = { bytes_restored: result.bytes, checksum_value: result.checksum };
    }
    else {
        const result = await (0, restore_1.restoreTree)(repo, manifest, {
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
            not_restored: [...result.refused, ...result.skipped].slice(0, verify_restored_1.NOT_RESTORED_KEPT).map((p) => p.path),
        };
    }
    await progress.settled();
    await ctx.catalog.updateRecoveryJob(job.id, {
        progress: 90,
        recovered_size_bytes: bytes,
        steps: withStep(running, 'Restore', 'completed', ctx.now().toISOString(), `${bytes} bytes restored`),
        validation_results: { ...running.validation_results, restore: summary },
    }, ['running']);
    return { recovery_job_id: job.id, bytes_restored: bytes, refused };
}
/**
 * Validate the recovery: every restored entry against the snapshot, and with `read_back` every
 * file's bytes against its chunk ids (verify-restored.ts); any difference fails the job.
 */
async function validateRecovery(ctx, input) {
    const job = await loadJob(ctx, input);
    const target = targetOf(job);
    const repo = await ctx.repository();
    const manifest = await manifestOf(ctx, job);
    const reader = new reader_1.ChunkReader(repo, await (0, reader_1.loadChunkIndex)(repo));
    await ctx.catalog.updateRecoveryJob(job.id, {
        current_step: 'Validate recovery',
        steps: withStep(job, 'Validate recovery', 'running', ctx.now().toISOString()),
    }, ['running']);
    const notRestored = job.validation_results?.restore?.not_restored ?? [];
    // A stream went to its reader and cannot be read back; the restore itself checked every chunk
    // and the whole stream's checksum against the backup, and failed otherwise.
    const check = target.kind === 'application'
        ? await (0, application_restore_1.checkRestoredApplication)(ctx, manifest, target, restoredComponents(job))
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
                    : await (0, verify_restored_1.verifyRestoredTree)(repo, reader, manifest, target.path, {
                        ...target,
                        notRestored,
                        readBack: target.read_back,
                    });
    const current = (await ctx.catalog.getRecoveryJob(job.id));
    await ctx.catalog.updateRecoveryJob(job.id, {
        progress: 99,
        steps: withStep(current, 'Validate recovery', check.problems.length ? 'failed' : 'completed', ctx.now().toISOString()),
        validation_results: { ...current.validation_results, verification: { ...check } },
    }, ['running']);
    if (check.problems.length > 0)
        throw new RecoveryValidationError(check, target.kind === 'application'
            ? 'application'
            : check.tables_checked === undefined
                ? 'files'
                : 'database');
    return { files_checked: check.files_checked, problems: 0 };
}
/** The components an application restore recorded (what each left alone, for the check). */
function restoredComponents(job) {
    return (job.validation_results?.restore
        ?.components ?? []);
}
/**
 * A data directory cannot be checked before the server has replayed its WAL: what is checked is
 * that it is one (PG_VERSION, global/pg_control) and is set up to recover (recovery.signal).
 */
function dataDirectoryCheck(dir) {
    const problems = ['PG_VERSION', 'global/pg_control', 'recovery.signal']
        .filter((file) => !fs.existsSync(path.join(dir, file)))
        .map((file) => ({ path: file, problem: 'missing from the restored data directory' }));
    return { files_checked: 3, bytes_checked: 0, dirs_checked: 1, symlinks_checked: 0, problems };
}
/** A restored database's tables against the checksums recorded at backup, as a recovery check. */
async function databaseCheck(ctx, manifest, target) {
    const result = await (0, database_restore_1.checkRestoredDatabase)(ctx, manifest, target);
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
async function finalizeRestore(ctx, input) {
    const job = await loadJob(ctx, input);
    const now = ctx.now().toISOString();
    let steps = withStep(job, 'Finalize recovery', 'completed', now);
    if (job.validate_only)
        steps = steps.map((s) => s.status === 'pending' ? { ...s, status: 'skipped', message: 'validate only' } : s);
    const done = await ctx.catalog.updateRecoveryJob(job.id, { status: 'completed', progress: 100, current_step: null, completed_at: now, steps }, ['validating', 'running']);
    await (0, audit_1.audit)(ctx, {
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
async function recordRestoreFailure(ctx, input) {
    const state = step_failure_1.StepFailureSchema.parse(input);
    const jobId = state.validated?.recovery_job_id ?? null;
    // Out of Lambda's time: planRestore sends the next restore of this backup to Fargate.
    const { message, lambdaTimedOut } = (0, step_failure_1.describeFailure)(state.error, state.plan?.compute, 'the next restore of this backup');
    if (jobId) {
        try {
            const job = await ctx.catalog.getRecoveryJob(jobId);
            const failedStep = job?.current_step ?? null;
            await ctx.catalog.updateRecoveryJob(jobId, {
                status: 'failed',
                error_message: message,
                completed_at: ctx.now().toISOString(),
                ...(lambdaTimedOut
                    ? { validation_results: { ...job?.validation_results, timed_out_on: 'lambda' } }
                    : {}),
                ...(job && failedStep
                    ? { steps: withStep(job, failedStep, 'failed', ctx.now().toISOString(), message) }
                    : {}),
            }, ['pending', 'validating', 'running']);
        }
        catch (error) {
            if (!(error instanceof errors_1.ConflictError))
                throw error;
            // Cancelled on purpose: recorded and audited by the cancel, and no failure to alert on.
            if ((await ctx.catalog.getRecoveryJob(jobId))?.status === 'cancelled')
                return { recovery_job_id: jobId };
        }
    }
    await (0, audit_1.audit)(ctx, {
        operation_type: 'update',
        entity_type: 'recovery_job',
        entity_id: jobId,
        action: 'restore.fail',
        details: { error: message },
    });
    await ctx.events.publish({ type: 'Recovery Failed', detail: { recovery_job_id: jobId, error: message } });
    return { recovery_job_id: jobId };
}
//# sourceMappingURL=restore-steps.js.map