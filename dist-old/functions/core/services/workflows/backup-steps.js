"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BackupIdSchema = exports.BackupRequestSchema = void 0;
exports.newBackupRecord = newBackupRecord;
exports.prepareBackup = prepareBackup;
exports.asRepositoryWriter = asRepositoryWriter;
exports.runBackup = runBackup;
exports.commitBackup = commitBackup;
exports.completionOf = completionOf;
exports.recordBackupFailure = recordBackupFailure;
const zod_1 = require("zod");
const ids_1 = require("../../../repository/ids");
const backup_1 = require("../../../sources/filesystem/backup");
const scan_1 = require("../../../sources/filesystem/scan");
const errors_1 = require("../../errors");
const repository_1 = require("../../../repository/repository");
const common_1 = require("../../model/common");
const enums_1 = require("../../model/enums");
const target_1 = require("../../model/target");
const credentials_1 = require("../../../sources/database/credentials");
const strategies_1 = require("../../../sources/database/strategies");
const audit_1 = require("../audit");
const application_1 = require("../application");
const database_backup_1 = require("../database-backup");
const backup_stream_1 = require("../backup-stream");
const replication_1 = require("../replication");
const schedules_1 = require("../schedules/schedules");
const job_progress_1 = require("./job-progress");
const runner_1 = require("./runner");
const step_failure_1 = require("./step-failure");
const worker_files_1 = require("../worker-files");
/** A piped stream (`lifeboat backup --stdin`): only its name is recorded. */
const StreamSourceSchema = zod_1.z.object({ kind: zod_1.z.literal('stream') });
/** The backup workflow's input: a target by name, or an ad-hoc source (the CLI's `backup PATH...`). */
exports.BackupRequestSchema = zod_1.z
    .object({
    target: common_1.NameSchema,
    backup_type: enums_1.BackupTypeSchema.default('incremental'),
    schedule_id: common_1.IdSchema.nullable().default(null),
    scheduled_at: common_1.TimestampSchema.nullable().default(null),
    /** A source not stored as a target (paths, or the caller's stream); recorded under `target`. */
    source: zod_1.z.discriminatedUnion('kind', [target_1.FilesystemTargetConfigSchema, StreamSourceSchema]).optional(),
    /** Fail (and save nothing) when anything could not be read. */
    strict: zod_1.z.boolean().default(false),
    /** Copy the backup to these repository URLs too (besides the schedule's replicas). */
    replicas: zod_1.z.array(zod_1.z.string().min(1)).default([]),
})
    .strict();
exports.BackupIdSchema = zod_1.z.object({ backup_id: common_1.IdSchema }).strict();
/** What a backup record keeps about its source and request (the seed's `metadata`). */
const BackupMetadataSchema = zod_1.z.object({
    source: zod_1.z.union([target_1.TargetConfigSchema, StreamSourceSchema]),
    requested_type: enums_1.BackupTypeSchema,
    strict: zod_1.z.boolean(),
    /**
     * Prepare's size estimate: a database's size on its server, else the last backup's; for a
     * first backup of files on AWS, a walk's.
     */
    estimated_bytes: zod_1.z.number().nonnegative().optional(),
    /** Set by recordBackupFailure: this attempt ran out of Lambda's time. */
    timed_out_on: zod_1.z.literal('lambda').optional(),
    /** Sent to Fargate because an earlier attempt ran out of Lambda's time (sticky). */
    fargate_after_timeout: zod_1.z.boolean().optional(),
});
/** The seed's target_type of a source. */
function targetTypeOfSource(source) {
    if (source.kind === 'stream' || source.kind === 'application')
        return 'application';
    return (0, target_1.isDatabaseConfig)(source) ? 'database' : 'filesystem';
}
/**
 * A database's size on its server, for the route and the progress; undefined when the server
 * cannot be asked now (the run step then reports why, and the backup record keeps it).
 */
async function databaseSize(ctx, config) {
    try {
        const credential = await (0, credentials_1.resolveCredential)(config.password, ctx.secrets);
        return (await (0, strategies_1.databaseStrategy)(config.kind).probe(config, credential)).size_bytes;
    }
    catch {
        return undefined;
    }
}
async function sourceOf(ctx, request) {
    if (request.source)
        return request.source;
    const target = await ctx.catalog.getTarget(request.target);
    if (!target)
        throw new errors_1.RecordNotFoundError('target', request.target, 'Create it with `lifeboat target add NAME --type filesystem --path DIR`, or list targets with `lifeboat target list`.');
    return target.target_config;
}
async function parentOf(ctx, target, type) {
    switch (type) {
        case 'full':
            return undefined;
        case 'incremental':
            return ctx.catalog.latestCompleted(target);
        case 'differential':
            return ctx.catalog.latestFull(target);
    }
}
/** A pending backup record in this context's repository; what is not given is not known yet. */
function newBackupRecord(ctx, fields) {
    return {
        schedule_id: null,
        parent_backup_id: null,
        status: 'pending',
        progress: 0,
        original_size_bytes: null,
        compressed_size_bytes: null,
        final_size_bytes: null,
        encryption_enabled: true,
        encryption_key_id: null,
        compression_algorithm: null,
        storage_backend: ctx.storage.backend,
        storage_location: ctx.storage.location,
        storage_metadata: null,
        checksum_value: null,
        scheduled_at: null,
        started_at: null,
        completed_at: null,
        retention_until: null,
        metadata: null,
        error_message: null,
        ...fields,
    };
}
/**
 * Prepare: record the backup as pending, with its parent (incremental: the target's latest
 * completed backup; differential: its latest full; none for a full, or when there is no
 * candidate, which makes it a full), and route it to Lambda or Fargate by the expected size.
 */
async function prepareBackup(ctx, input) {
    const request = exports.BackupRequestSchema.parse(input);
    const source = await sourceOf(ctx, request);
    if (source.kind === 'filesystem')
        (0, worker_files_1.checkWorkerPaths)(ctx.workerFiles, source.paths, 'back up');
    const schedule = request.schedule_id ? await ctx.catalog.getSchedule(request.schedule_id) : undefined;
    if (request.schedule_id && !schedule)
        throw new errors_1.RecordNotFoundError('schedule', request.schedule_id);
    const replicas = await (0, schedules_1.checkedReplicas)(ctx, [
        ...(schedule?.storage_config.replicas ?? []),
        ...request.replicas,
    ]);
    const parent = await parentOf(ctx, request.target, request.backup_type);
    const now = ctx.now();
    // A database says how big it is; otherwise the size of the last backup of this target is the
    // estimate. A first backup of files on AWS is sized by a walk; elsewhere it counts as small.
    const last = parent ?? (await ctx.catalog.latestCompleted(request.target));
    // Once a backup of this target ran out of Lambda's 15 minutes (recordBackupFailure), its
    // backups stay on Fargate: the estimate that sent it to Lambda came from a completed backup,
    // and would send the next one there again.
    const lastAttempt = (await ctx.catalog.listBackupsByTarget(request.target, { limit: 1 })).items[0];
    const lambdaTooShort = lastAttempt?.metadata?.timed_out_on === 'lambda' || lastAttempt?.metadata?.fargate_after_timeout === true;
    const estimated = ((0, target_1.isDatabaseConfig)(source) ? await databaseSize(ctx, source) : undefined) ??
        last?.original_size_bytes ??
        (source.kind === 'filesystem' && ctx.workerFiles ? await unbackedTreeSize(ctx, source) : 0);
    const backup = newBackupRecord(ctx, {
        id: (0, ids_1.newUlid)(now.getTime()),
        schedule_id: request.schedule_id,
        backup_type: parent ? request.backup_type : 'full',
        target_type: targetTypeOfSource(source),
        target_identifier: request.target,
        parent_backup_id: parent?.id ?? null,
        checksum_algorithm: source.kind === 'filesystem' ? 'sha256-tree' : 'sha256-chunks',
        scheduled_at: request.scheduled_at,
        metadata: {
            source,
            requested_type: request.backup_type,
            strict: request.strict,
            estimated_bytes: estimated,
            ...(lambdaTooShort ? { fargate_after_timeout: true } : {}),
            runner: (0, runner_1.runner)(),
        },
        created_at: now.toISOString(),
    });
    await ctx.catalog.createBackup(backup);
    await (0, audit_1.audit)(ctx, {
        operation_type: 'create',
        entity_type: 'backup',
        entity_id: backup.id,
        action: 'backup.start',
        details: { target: request.target, backup_type: backup.backup_type, schedule_id: request.schedule_id },
    });
    return {
        backup_id: backup.id,
        compute: lambdaTooShort || estimated > ctx.fargateThresholdBytes ? 'fargate' : 'lambda',
        estimated_bytes: estimated,
        replicas,
    };
}
/** How long Prepare may walk a tree never backed up (its Task's timeout is 60 s). */
const SIZE_WALK_MS = 30_000;
/**
 * The size of a tree with no backup yet, to choose its compute: on Lambda, a tree too big for
 * its 15 minutes would time out on every attempt, since no backup of it ever completes to give
 * the next estimate. The walk stops once the tree is over the Fargate threshold, or after
 * SIZE_WALK_MS (a tree that cannot even be listed in that time is no job for Lambda), and then
 * answers "over the threshold".
 */
async function unbackedTreeSize(ctx, source) {
    const threshold = ctx.fargateThresholdBytes;
    const deadline = Date.now() + SIZE_WALK_MS;
    let stopped = false;
    const total = await (0, scan_1.scanTreeSize)(source.paths, source.exclude, (bytes) => (stopped = bytes > threshold || Date.now() > deadline));
    return stopped ? Math.max(total, threshold + 1) : total;
}
/** How long a backup waits for a running garbage collection before it gives up (and is retried). */
const GC_WAIT_MS = 10 * 60_000;
async function enterFence(ctx, backupId) {
    const until = Date.now() + GC_WAIT_MS;
    for (let delay = 100;; delay = Math.min(delay * 2, 5000)) {
        try {
            return await ctx.catalog.enterWriter(backupId, { ...(0, runner_1.runner)(), since: ctx.now().toISOString() });
        }
        catch (error) {
            if (!(error instanceof errors_1.GcRunningError) || Date.now() > until)
                throw error;
            await new Promise((resolve) => setTimeout(resolve, delay));
        }
    }
}
/** Runs `fn` as a writer of the repository: garbage collection waits for it (and it for GC). */
async function asRepositoryWriter(ctx, id, fn) {
    await enterFence(ctx, id);
    try {
        return await fn();
    }
    finally {
        await ctx.catalog.leaveWriter(id);
    }
}
/**
 * Run: stream the source into the repository as the snapshot whose id is the backup's id,
 * reporting progress (0–99 until committed) in the catalog. A retry after a crash starts over:
 * what the failed attempt wrote is unreferenced and collected by GC.
 */
async function runBackup(ctx, input, hooks = {}) {
    const { backup_id } = exports.BackupIdSchema.parse(input);
    const record = await ctx.catalog.getBackup(backup_id);
    if (!record)
        throw new errors_1.RecordNotFoundError('backup', backup_id);
    const metadata = BackupMetadataSchema.parse(record.metadata);
    const source = metadata.source;
    if (source.kind === 'stream' && !hooks.stream)
        throw new errors_1.InputError(`Backup ${backup_id} reads a stream, which only the process that has it can run.`, 'Run stream backups with `lifeboat backup --stdin` where the data is piped in.');
    const running = await ctx.catalog.updateBackup(backup_id, {
        status: 'running',
        started_at: record.started_at ?? ctx.now().toISOString(),
        progress: 0,
        metadata: { ...record.metadata, runner: (0, runner_1.runner)() },
    }, ['pending', 'running']);
    const progress = new job_progress_1.JobProgress((percent) => ctx.catalog.updateBackup(backup_id, { progress: percent }, ['running']), running.progress, 99, async () => (await ctx.catalog.getBackup(backup_id))?.status === 'cancelled', 'backup');
    let finished = false;
    const repo = await ctx.repository();
    let written;
    const writeSource = async () => {
        // A stream, a dump or an application set: its manifest is a stream's.
        const streamed = async (result) => {
            written = result.manifest;
            await progress.settled();
            hooks.onStreamResult?.(result);
            return { backup_id, files: 0, bytes: result.manifest.content.size, warnings: 0, skipped: 0 };
        };
        if (source.kind === 'stream')
            return streamed(await (0, backup_stream_1.backupStream)(repo, hooks.stream, {
                name: record.target_identifier,
                backupType: record.backup_type,
                snapshotId: backup_id,
                parentId: record.parent_backup_id,
                onProgress: (bytes) => {
                    hooks.onProgress?.(0, bytes, undefined);
                    progress.alive();
                },
            }));
        if (source.kind === 'application')
            return streamed(await (0, application_1.backupApplication)(ctx, repo, record, source, (done, total) => progress.report(done / total)));
        if ((0, target_1.isDatabaseConfig)(source)) {
            const estimated = metadata.estimated_bytes || undefined;
            return streamed(await (0, database_backup_1.backupDatabase)(ctx, repo, source, {
                name: record.target_identifier,
                backupType: record.backup_type,
                snapshotId: backup_id,
                parentId: record.parent_backup_id,
                onProgress: (bytes) => {
                    hooks.onProgress?.(0, bytes, estimated);
                    if (estimated)
                        progress.report(bytes / estimated);
                    else
                        progress.alive();
                },
            }));
        }
        let total;
        void (0, scan_1.scanTreeSize)(source.paths, source.exclude, () => finished).then((bytes) => (total = bytes), () => undefined);
        const result = await (0, backup_1.backupTree)(repo, {
            paths: source.paths,
            excludes: source.exclude,
            oneFileSystem: source.one_file_system,
            name: record.target_identifier,
            backupType: record.backup_type,
            strict: metadata.strict,
            snapshotId: backup_id,
            parentId: record.parent_backup_id,
            ownFiles: ctx.ownFiles,
            onProgress: ({ files, bytes }) => {
                hooks.onProgress?.(files, bytes, total);
                if (total)
                    progress.report(bytes / total);
                else
                    progress.alive();
            },
        });
        written = result.manifest;
        await progress.settled();
        hooks.onResult?.(result);
        const content = result.manifest.content;
        return {
            backup_id,
            files: content.kind === 'tree' ? content.files : 0,
            bytes: content.size,
            warnings: result.warnings.length,
            skipped: result.skipped.length,
        };
    };
    const requestsBefore = ctx.storage.requests?.();
    // While it writes, the backup holds garbage collection off (and waits for a running one).
    await enterFence(ctx, backup_id);
    try {
        const result = await writeSource();
        if (requestsBefore)
            await recordRequests(ctx, backup_id, requestsBefore);
        if (repo.keys.writeOnly && written)
            await recordCompletion(ctx, backup_id, written);
        return result;
    }
    finally {
        finished = true;
        await ctx.catalog.leaveWriter(backup_id);
    }
}
/**
 * A write-only key cannot read a manifest back (FORMAT.md §3.7), so Run, which holds it, keeps
 * what Commit records in the backup's metadata (sizes and checksums: nothing secret).
 */
async function recordCompletion(ctx, backupId, manifest) {
    const current = await ctx.catalog.getBackup(backupId);
    const completion = { fields: completionOf(manifest), dump: dumpOf(manifest) };
    await ctx.catalog.updateBackup(backupId, { metadata: { ...(current?.metadata ?? {}), completion } }, [
        'running',
    ]);
}
const RecordedCompletionSchema = zod_1.z.object({
    fields: zod_1.z.record(zod_1.z.string(), zod_1.z.unknown()),
    dump: zod_1.z.record(zod_1.z.string(), zod_1.z.unknown()).optional(),
});
/**
 * What Commit records: from the manifest, or, for a write-only key, from what Run recorded once
 * the snapshot object is known to exist.
 */
async function committedFields(repo, backupId, current) {
    if (!repo.keys.writeOnly) {
        const manifest = await repo.loadSnapshot(backupId);
        return { fields: completionOf(manifest), dump: dumpOf(manifest) };
    }
    const recorded = RecordedCompletionSchema.safeParse(current?.metadata?.completion);
    if (!recorded.success || !(await repo.store.head((0, repository_1.snapshotKey)(backupId))))
        throw new errors_1.IntegrityError((0, repository_1.snapshotKey)(backupId), 'the snapshot this backup wrote is not in the repository');
    return { fields: recorded.data.fields, dump: recorded.data.dump };
}
/** The store requests this backup made, kept in its metadata for `lifeboat cost`. */
async function recordRequests(ctx, backupId, before) {
    const after = ctx.storage.requests?.() ?? before;
    const requests = Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k] ?? 0)]));
    const current = await ctx.catalog.getBackup(backupId);
    await ctx.catalog.updateBackup(backupId, { metadata: { ...(current?.metadata ?? {}), requests } }, [
        'running',
    ]);
}
/**
 * Commit: the snapshot is in the repository; record what it holds (sizes, checksum), mark the
 * backup completed and announce it (verification and retention start on that event).
 */
const CommitInputSchema = exports.BackupIdSchema.extend({
    /** The Replicate step's outcome per replica: a location, or the error that stopped the copy. */
    replicated: zod_1.z
        .array(zod_1.z.object({
        destination: zod_1.z.string(),
        location: zod_1.z.string().optional(),
        error: step_failure_1.CaughtErrorSchema.optional(),
    }))
        .default([]),
});
async function commitBackup(ctx, input) {
    const { backup_id, replicated } = CommitInputSchema.parse(input);
    const failures = failedCopies(ctx, replicated);
    const repo = await ctx.repository();
    // A retried Commit (the event did not go out the first time) finds the record completed.
    const current = await ctx.catalog.getBackup(backup_id);
    const { fields, dump } = await committedFields(repo, backup_id, current);
    const completed = current?.status === 'completed' && current.checksum_value === fields.checksum_value
        ? current
        : await ctx.catalog.updateBackup(backup_id, {
            ...withReplicas(fields, current, failures),
            ...(dump ? { metadata: { ...(current?.metadata ?? {}), dump } } : {}),
        }, ['running']);
    for (const f of failures)
        await ctx.events.publish({
            type: 'Replication Failed',
            detail: { backup_id, destination: f.location, error: f.error },
        });
    await (0, audit_1.audit)(ctx, {
        operation_type: 'update',
        entity_type: 'backup',
        entity_id: backup_id,
        action: 'backup.complete',
        details: { target: completed.target_identifier, final_size_bytes: completed.final_size_bytes },
    });
    // The rules that start verification and retention match on these (EventBridge reads no catalog).
    const schedule = completed.schedule_id ? await ctx.catalog.getSchedule(completed.schedule_id) : undefined;
    const scheduled = {
        schedule_name: schedule?.name ?? null,
        verification_enabled: schedule?.verification_enabled ?? false,
        retention_enabled: Object.keys(schedule?.retention_policy ?? {}).length > 0,
    };
    await ctx.events.publish({
        type: 'Backup Completed',
        detail: {
            backup_id,
            target: completed.target_identifier,
            schedule_id: completed.schedule_id,
            ...(scheduled.schedule_name ? { schedule_name: scheduled.schedule_name } : {}),
            verification_enabled: scheduled.verification_enabled,
            retention_enabled: scheduled.retention_enabled,
            backup_type: completed.backup_type,
            final_size_bytes: completed.final_size_bytes,
        },
    });
    return { ...completed, ...scheduled };
}
/**
 * A copy that failed after its retries does not fail the backup (it is saved in the primary);
 * Commit records it on the backup, with the error, and announces it (alerts take the event).
 */
function failedCopies(ctx, replicated) {
    return replicated
        .filter((r) => r.error !== undefined)
        .map((r) => ({
        location: r.destination,
        status: 'failed',
        error: (0, step_failure_1.describeStepError)(r.error),
        failed_at: ctx.now().toISOString(),
    }));
}
/** Copies made before Commit (the workflow's Replicate step), and those that failed, go on the record. */
function withReplicas(completion, current, failed) {
    const replicas = (0, replication_1.replicasOf)(current);
    const failures = failed.length > 0 ? failed : current?.storage_metadata?.replica_failures;
    if (replicas.length === 0 && failures === undefined)
        return completion;
    return {
        ...completion,
        storage_metadata: {
            ...(completion.storage_metadata ?? {}),
            ...(replicas.length ? { replicas } : {}),
            ...(failures !== undefined ? { replica_failures: failures } : {}),
        },
    };
}
/**
 * What the record's metadata learns from the manifest's source: the tool and server that made a
 * dump (the per-table checksums stay in the manifest: a catalog record stays small).
 */
function dumpOf(manifest) {
    const source = manifest.source;
    if (!source)
        return undefined;
    return {
        kind: source.kind,
        ...(source.tool ? { tool: source.tool } : {}),
        ...(source.server_version ? { server_version: source.server_version } : {}),
    };
}
/** The catalog fields a committed snapshot determines. */
function completionOf(manifest) {
    const tree = manifest.stats.tree;
    return {
        status: 'completed',
        progress: 100,
        backup_type: manifest.backup_type,
        parent_backup_id: manifest.parent_backup_id,
        original_size_bytes: manifest.stats.original_size_bytes,
        compressed_size_bytes: manifest.stats.compressed_size_bytes,
        final_size_bytes: manifest.stats.final_size_bytes,
        compression_algorithm: manifest.compression_algorithm,
        checksum_algorithm: manifest.checksum_algorithm,
        checksum_value: manifest.checksum_value,
        started_at: manifest.started_at,
        completed_at: manifest.completed_at,
        storage_metadata: {
            chunks_new: manifest.stats.chunks_new,
            chunks_reused: manifest.stats.chunks_reused,
            packs_written: manifest.stats.packs_written,
            ...(tree
                ? {
                    files_new: tree.files_new,
                    files_changed: tree.files_changed,
                    files_unmodified: tree.files_unmodified,
                    warnings: tree.warnings,
                }
                : {}),
        },
    };
}
/**
 * The failure path: mark the backup failed with a readable error and announce it. A backup
 * that is already finished (cancelled, say) keeps its status.
 */
async function recordBackupFailure(ctx, input) {
    const state = step_failure_1.StepFailureSchema.parse(input);
    const backupId = state.prepared?.backup_id ?? null;
    // Out of Lambda's time: Prepare sends the next backup of this target to Fargate (see there).
    const { message, lambdaTimedOut } = (0, step_failure_1.describeFailure)(state.error, state.prepared?.compute, `the next backup of ${state.target ?? 'this target'}`);
    if (backupId) {
        try {
            const metadata = lambdaTimedOut ? (await ctx.catalog.getBackup(backupId))?.metadata : undefined;
            await ctx.catalog.updateBackup(backupId, {
                status: 'failed',
                error_message: message,
                completed_at: ctx.now().toISOString(),
                ...(lambdaTimedOut ? { metadata: { ...metadata, timed_out_on: 'lambda' } } : {}),
            }, ['pending', 'running']);
        }
        catch (error) {
            if (!(error instanceof errors_1.ConflictError))
                throw error;
            // Cancelled on purpose: recorded and audited by the cancel, and no failure to alert on.
            if ((await ctx.catalog.getBackup(backupId))?.status === 'cancelled')
                return { backup_id: backupId };
        }
    }
    await (0, audit_1.audit)(ctx, {
        operation_type: 'update',
        entity_type: 'backup',
        entity_id: backupId,
        action: 'backup.fail',
        details: { error: message, target: state.target ?? null },
    });
    await ctx.events.publish({
        type: 'Backup Failed',
        detail: { backup_id: backupId, target: state.target, error: message },
    });
    return { backup_id: backupId };
}
//# sourceMappingURL=backup-steps.js.map