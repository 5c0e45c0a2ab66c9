"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runBackup = runBackup;
const node_path_1 = require("node:path");
const node_tty_1 = require("node:tty");
const fd_source_1 = require("../../functions/adapters/local/fd-source");
const errors_1 = require("../../functions/core/errors");
const backup_steps_1 = require("../../functions/core/services/workflows/backup-steps");
const step_failure_1 = require("../../functions/core/services/workflows/step-failure");
const steps_1 = require("../../functions/core/services/workflows/steps");
const engine_1 = require("../../functions/local/engine");
const system_1 = require("../../functions/local/system");
const backup_stream_1 = require("../../functions/core/services/backup-stream");
const home_1 = require("../../functions/local/home");
const exclude_1 = require("../../functions/sources/filesystem/exclude");
const init_1 = require("./init");
const output_1 = require("./output");
const replication_1 = require("../../functions/core/services/replication");
const progress_1 = require("./progress");
const workflow_1 = require("./workflow");
const with_system_1 = require("./with-system");
/** The default name of a one-path backup: its last component, made a valid name. */
function defaultName(paths) {
    if (paths.length !== 1) {
        throw new errors_1.InputError('Several paths need a name for the backup.', 'Pass --name NAME, e.g. `--name home`.');
    }
    const base = (0, node_path_1.basename)((0, node_path_1.resolve)(paths[0]))
        .replace(/[^A-Za-z0-9._:@+-]/g, '_')
        .replace(/^[^A-Za-z0-9]+/, '');
    return base || 'root';
}
async function runBackup(paths, options) {
    if (options.stdin && (paths.length > 0 || options.target)) {
        throw new errors_1.InputError('Give either paths, --target or --stdin, not several.', 'Back up files with `lifeboat backup PATH...`, a target with `--target NAME`, a stream with `--stdin --name NAME`.');
    }
    if (options.target && (paths.length > 0 || options.name)) {
        throw new errors_1.InputError('A backup of a target takes its paths and name from the target.', 'Run `lifeboat backup --target NAME`, or `lifeboat backup PATH... [--name NAME]` for paths that are not a target.');
    }
    if (!options.stdin && !options.target && paths.length === 0) {
        throw new errors_1.InputError('Nothing to back up.', 'Name paths (`lifeboat backup /srv/data`), a target (`--target web`) or pipe a stream with --stdin (`pg_dump db | lifeboat backup --stdin --name db`).');
    }
    if (options.stdin)
        return runStreamBackup(options);
    if (options.target && (await targetKind(options)) !== 'filesystem')
        return runDumpBackup(options.target, options);
    const name = options.target ?? options.name ?? defaultName(paths);
    // Before anything is created: a typo must not leave a new repository and key behind.
    (0, backup_stream_1.validateBackupName)(name);
    const excludes = [...options.exclude, ...options.excludeFile.flatMap(exclude_1.readExcludeFile)];
    const progress = new progress_1.TreeProgress('backup');
    let result;
    const request = {
        target: name,
        backup_type: options.type,
        strict: options.strict ?? false,
        replicas: options.replicateTo,
        ...(options.target
            ? {}
            : {
                source: {
                    kind: 'filesystem',
                    paths: paths.map((p) => (0, node_path_1.resolve)(p)),
                    exclude: excludes,
                    one_file_system: options.oneFileSystem ?? false,
                },
            }),
    };
    const storage = await runBackupWorkflow(options, request, progress, {
        onProgress: (files, bytes, total) => {
            if (total !== undefined)
                progress.setTotal(total);
            progress.update(files, bytes);
        },
        onResult: (r) => (result = r),
    });
    if (!result)
        throw new errors_1.LifeboatError('WORKFLOW_FAILED', 'The backup step reported nothing.', 'This is a bug.');
    printTreeResult(result, options, storage);
}
/**
 * Runs the backup workflow in-process, with the CLI watching the Run step (progress, the full
 * result, a stream to read) and keeping the first error as thrown, for its message and exit code.
 */
async function runBackupWorkflow(options, request, progress, hooks) {
    const settings = (0, home_1.resolveSettings)(options);
    const system = (0, system_1.localSystem)(settings);
    let failure;
    const steps = (0, workflow_1.watchSteps)(steps_1.STEPS, (error) => (failure = error), {
        RunBackupFunctionArn: (ctx, input) => (0, backup_steps_1.runBackup)(ctx, input, hooks),
    });
    try {
        let execution;
        try {
            execution = await new engine_1.LocalEngine(system.ctx, { steps }).run('backup', request);
        }
        finally {
            progress.stop();
            const created = system.created();
            if (created)
                (0, init_1.announceNewRepository)(settings, created.repository.config.repo_id, created.keyFileCreated);
        }
        if (execution.status !== 'SUCCEEDED')
            throw failure ?? workflowError(execution);
        const id = execution.output?.prepared?.backup_id;
        const record = id ? await system.catalog.getBackup(id) : undefined;
        const failures = record?.storage_metadata?.replica_failures;
        return {
            backend: system.ctx.storage.backend,
            location: system.ctx.storage.location,
            // A local directory bills nothing per request; cloud stores count theirs.
            requests: system.ctx.storage.backend === 'local' ? null : settings.requests.snapshot(),
            replicas: (0, replication_1.replicasOf)(record).map((r) => r.location),
            replica_failures: Array.isArray(failures) ? failures : [],
        };
    }
    finally {
        await system.close();
    }
}
/** The human part of the storage summary: copies made, copies that failed. */
function sayStorage(storage) {
    if (storage.replicas.length > 0)
        (0, output_1.say)(`Copied to ${storage.replicas.join(', ')} (verified there).`);
    for (const f of storage.replica_failures)
        (0, output_1.say)(`warning: the copy to ${f.location} failed: ${f.error} Retry it with \`lifeboat replicate ID --to ${f.location}\`.`);
}
function workflowError(execution) {
    return new errors_1.LifeboatError('WORKFLOW_FAILED', `The backup workflow ${execution.name} failed: ${(0, step_failure_1.describeStepError)(execution.error)}`, 'See `lifeboat backups --status failed` for the recorded error.');
}
function printTreeResult(result, options, storage) {
    const m = result.manifest;
    noticeType(options.type, m);
    const t = m.stats.tree;
    (0, output_1.sayPathProblems)('warning', result.warnings);
    (0, output_1.sayPathProblems)('skipped', result.skipped);
    const summary = {
        ...commonSummary(m),
        files_new: t.files_new,
        files_changed: t.files_changed,
        files_unmodified: t.files_unmodified,
        file_bytes_new: t.file_bytes_new,
        file_bytes_changed: t.file_bytes_changed,
        file_bytes_unmodified: t.file_bytes_unmodified,
        dirs: t.dirs,
        symlinks: t.symlinks,
        skipped: result.skipped,
        warnings: result.warnings,
        duration_ms: result.durationMs,
        storage,
    };
    if (options.json) {
        (0, output_1.printJson)(summary);
    }
    else {
        sayStorage(storage);
        (0, output_1.say)(`Backup ${m.id} of "${m.name}" (${m.backup_type}) completed: ` +
            `${t.files_new} new, ${t.files_changed} changed, ${t.files_unmodified} unmodified files ` +
            `(${(0, output_1.formatBytes)(m.stats.original_size_bytes)}), ${(0, output_1.count)(t.dirs, 'directory', 'directories')}; ` +
            `${(0, output_1.formatBytes)(m.stats.final_size_bytes)} stored; ${(result.durationMs / 1000).toFixed(1)} s.` +
            (result.warnings.length > 0 ? ` ${result.warnings.length} warning(s) above.` : ''));
        process.stdout.write(`${m.id}\n`);
    }
    // Like restic: the snapshot is saved, but something was not backed up as it should be.
    if (result.warnings.length > 0)
        process.exitCode = errors_1.ExitCode.warnings;
}
function noticeType(requested, m) {
    if (requested !== m.backup_type) {
        (0, output_1.say)(`No earlier ${requested === 'differential' ? 'full ' : ''}backup of "${m.name}": this one is a full backup.`);
    }
}
function commonSummary(m) {
    return {
        id: m.id,
        name: m.name,
        backup_type: m.backup_type,
        target_type: m.target_type,
        parent_backup_id: m.parent_backup_id,
        status: 'completed',
        original_size_bytes: m.stats.original_size_bytes,
        compressed_size_bytes: m.stats.compressed_size_bytes,
        final_size_bytes: m.stats.final_size_bytes,
        chunks_new: m.stats.chunks_new,
        chunks_reused: m.stats.chunks_reused,
        bytes_new: m.stats.bytes_new,
        bytes_reused: m.stats.bytes_reused,
        checksum_algorithm: m.checksum_algorithm,
        checksum_value: m.checksum_value,
        started_at: m.started_at,
        completed_at: m.completed_at,
    };
}
/** The kind of a recorded target; undefined when there is none (the workflow reports that). */
function targetKind(options) {
    return (0, with_system_1.withSystem)(options, async ({ catalog }) => (await catalog.getTarget(options.target))?.target_config.kind);
}
/** A database target: its dump streams through the workflow; the result is a stream's. */
async function runDumpBackup(target, options) {
    const progress = new progress_1.ByteProgress('backup');
    let result;
    const storage = await runBackupWorkflow(options, { target, backup_type: options.type, strict: options.strict ?? false, replicas: options.replicateTo }, progress, {
        onProgress: (_files, bytes) => progress.update(bytes),
        onStreamResult: (r) => (result = r),
    });
    if (!result)
        throw new errors_1.LifeboatError('WORKFLOW_FAILED', 'The backup step reported nothing.', 'This is a bug.');
    printStreamResult(result, options, storage);
}
function printStreamResult(result, options, storage) {
    const m = result.manifest;
    noticeType(options.type, m);
    const source = m.source;
    if (options.json) {
        (0, output_1.printJson)({
            ...commonSummary(m),
            ...(source ? { source: { ...source, tables: undefined }, tables: source.tables?.length ?? 0 } : {}),
            duration_ms: result.durationMs,
            storage,
        });
    }
    else {
        sayStorage(storage);
        (0, output_1.say)(`Backup ${m.id} of "${m.name}" (${m.backup_type}) completed: ${(0, output_1.formatBytes)(m.stats.original_size_bytes)} read` +
            (source?.tool
                ? ` from ${source.tool.name} (${(0, output_1.count)(source.tables?.length ?? 0, 'table')} checksummed)`
                : '') +
            `, ${(0, output_1.formatBytes)(m.stats.final_size_bytes)} stored; ${m.stats.chunks_new} new and ${m.stats.chunks_reused} reused chunks; ` +
            `${(result.durationMs / 1000).toFixed(1)} s.`);
        process.stdout.write(`${m.id}\n`);
    }
}
async function runStreamBackup(options) {
    if (options.name === undefined) {
        throw new errors_1.InputError('A stream backup needs --name NAME.', 'Pass --name NAME, e.g. `pg_dump db | lifeboat backup --stdin --name db`.');
    }
    const name = options.name;
    // isatty, not process.stdin: touching process.stdin makes fd 0 non-blocking, and reads then fail with EAGAIN.
    if ((0, node_tty_1.isatty)(0)) {
        throw new errors_1.InputError('--stdin is a terminal, not a stream of data.', 'Pipe the data in, e.g. `tar -c dir | lifeboat backup --stdin --name dir`.');
    }
    (0, backup_stream_1.validateBackupName)(name);
    const progress = new progress_1.ByteProgress('backup');
    let result;
    const storage = await runBackupWorkflow(options, { target: name, backup_type: options.type, source: { kind: 'stream' }, replicas: options.replicateTo }, progress, {
        stream: (0, fd_source_1.readReusing)(0),
        onProgress: (_files, bytes) => progress.update(bytes),
        onStreamResult: (r) => (result = r),
    });
    if (!result)
        throw new errors_1.LifeboatError('WORKFLOW_FAILED', 'The backup step reported nothing.', 'This is a bug.');
    printStreamResult(result, options, storage);
}
//# sourceMappingURL=backup.js.map