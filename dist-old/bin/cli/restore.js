"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runRestore = runRestore;
const node_tty_1 = require("node:tty");
const fd_sink_1 = require("../../functions/adapters/local/fd-sink");
const errors_1 = require("../../functions/core/errors");
const home_1 = require("../../functions/local/home");
const restore_1 = require("../../functions/sources/filesystem/restore");
const node_path_1 = require("node:path");
const errors_2 = require("../../functions/core/errors");
const restore_steps_1 = require("../../functions/core/services/workflows/restore-steps");
const step_failure_1 = require("../../functions/core/services/workflows/step-failure");
const steps_1 = require("../../functions/core/services/workflows/steps");
const engine_1 = require("../../functions/local/engine");
const api_client_1 = require("./api-client");
const remote_1 = require("./remote");
const system_1 = require("../../functions/local/system");
const workflow_1 = require("./workflow");
const output_1 = require("./output");
const progress_1 = require("./progress");
const target_1 = require("../../functions/core/model/target");
const database_options_1 = require("./database-options");
const FILE_OVERWRITE_MODES = ['never', 'if-changed', 'always'];
async function runRestore(reference, options) {
    const destinations = [
        options.stdout,
        options.target,
        options.database,
        options.targetDir,
        options.inPlace,
    ].filter((d) => d !== undefined);
    if (destinations.length > 1) {
        throw new errors_1.InputError('Give one of --stdout, --target, --database, --target-dir and --in-place.', '--target DIR is for file backups, --database NAME for database dumps, --stdout for any stream.');
    }
    if (destinations.length === 0) {
        throw new errors_1.InputError('Where to? Nothing restored.', 'Pass --target DIR for a file backup (`lifeboat restore latest:home --target /tmp/home`), --database NAME for a database (`lifeboat restore latest:app --database app_restored`), or --stdout for a stream.');
    }
    if (remote(options) && (options.stdout || options.from))
        throw new errors_1.InputError(`--${options.stdout ? 'stdout' : 'from'} restores on this machine; through the API a restore runs in the deployment.`, 'Restore into --target DIR, --database NAME, --target-dir DIR or --in-place there, or leave out --api to restore here.');
    if (options.pointInTime !== undefined && !options.targetDir)
        throw new errors_1.InputError('--point-in-time restores a PostgreSQL base backup into a data directory.', 'Add --target-dir DIR (a new, empty directory).');
    if (options.targetDir)
        return restoreToDataDirectory(reference, options.targetDir, options);
    if (options.inPlace)
        return restoreApplication(reference, options);
    if (options.database)
        return restoreToDatabase(reference, options.database, options);
    if (options.schema.length > 0 || options.table.length > 0 || options.url)
        throw new errors_1.InputError('--schema, --table and --url apply to database restores.', 'Add --database NAME.');
    if (options.overwrite === true)
        throw new errors_1.InputError('For files, say which overwrite mode: --overwrite never, if-changed or always.', 'never keeps existing files; if-changed replaces those whose size or mtime differ; always replaces all.');
    if (options.overwrite !== undefined && !FILE_OVERWRITE_MODES.includes(options.overwrite))
        throw new errors_1.InputError(`"${options.overwrite}" is not an overwrite mode.`, 'Use --overwrite never, if-changed or always.');
    if (options.target)
        return restoreToDirectory(reference, options.target, options);
    return restoreToStdout(reference, options);
}
const remote = (options) => api_client_1.ApiClient.chosen(options);
/** What the API's recovery job takes besides the target. */
function requestOf(options) {
    return { validate_only: options.validateOnly ?? false };
}
/** A database dump into a database, through the restore workflow; the tables are checked after. */
async function restoreToDatabase(reference, database, options) {
    if (options.overwrite !== undefined && options.overwrite !== true)
        throw new errors_1.InputError('--overwrite takes no mode for a database: it replaces the database (or, with --table/--schema, those objects).', 'Pass --overwrite alone.');
    const target = {
        kind: 'database',
        database,
        connection: options.url ? databaseConnection(options.url, options) : undefined,
        overwrite: options.overwrite === true,
        schemas: options.schema,
        tables: options.table,
    };
    if (remote(options))
        return (0, remote_1.remoteRestore)(reference, target, requestOf(options), options);
    const started = Date.now();
    const progress = new progress_1.ByteProgress('restore');
    const job = await runRestoreWorkflow(reference, target, options, progress, {
        onProgress: (_files, bytes) => progress.update(bytes),
    });
    if (job.validate_only)
        return printValidated(job, options);
    const results = job.validation_results;
    const restored = results?.restore ?? {};
    const tables = results?.verification?.tables_checked ?? 0;
    if (options.json)
        return (0, output_1.printJson)({
            id: job.backup_id,
            recovery_job_id: job.id,
            database,
            recovery_type: job.recovery_type,
            ...restored,
            tables_checked: tables,
            duration_ms: Date.now() - started,
        });
    (0, output_1.say)(`Restored ${job.backup_id} into database "${database}"` +
        (restored.replaced
            ? ' (the old one was replaced)'
            : restored.into_existing
                ? ' (into the existing database)'
                : '') +
        `: ${(0, output_1.formatBytes)(restored.bytes_restored ?? 0)} of dump, ${(0, output_1.count)(tables, 'table')} checked against the backup's checksums.`);
}
/** An application backup, every component back where it came from, then each checked. */
async function restoreApplication(reference, options) {
    if (options.overwrite !== undefined && options.overwrite !== true)
        throw new errors_1.InputError('--overwrite takes no mode for an application restore.', 'Pass --overwrite alone.');
    const target = { kind: 'application', overwrite: options.overwrite === true };
    if (remote(options))
        return (0, remote_1.remoteRestore)(reference, target, requestOf(options), options);
    const progress = new progress_1.ByteProgress('restore');
    const job = await runRestoreWorkflow(reference, target, options, progress, {
        onProgress: (_files, bytes) => progress.update(bytes),
    });
    if (job.validate_only)
        return printValidated(job, options);
    const results = job.validation_results;
    const components = results?.restore?.components ?? [];
    // As a restore of one tree: what a file component refused or left alone, a line each.
    for (const c of components) {
        (0, output_1.sayPathProblems)('refused', c.refused ?? [], c.target);
        (0, output_1.sayPathProblems)('skipped', c.skipped ?? [], c.target);
    }
    if (components.some((c) => (c.refused?.length ?? 0) > 0))
        process.exitCode = 3;
    if (options.json)
        return (0, output_1.printJson)({ id: job.backup_id, recovery_job_id: job.id, components });
    for (const c of components)
        (0, output_1.say)(`${c.target}: ${(0, output_1.formatBytes)(c.bytes)} restored to ${c.restored_to}`);
    (0, output_1.say)(`Restored application backup ${job.backup_id}: ${(0, output_1.count)(components.length, 'component')}, each checked against the backup.`);
}
/** An ISO 8601 time with a zone, as UTC; anything else is refused rather than guessed. */
function parsePointInTime(text) {
    const time = Date.parse(text);
    if (!/(Z|[+-]\d\d:?\d\d)$/i.test(text.trim()) || Number.isNaN(time))
        throw new errors_1.InputError(`"${text}" is not a time with a zone.`, 'Write it in ISO 8601 with Z or an offset, e.g. 2026-11-26T10:15:00Z or 2026-11-26T11:15:00+01:00.');
    return new Date(time).toISOString();
}
/** A PostgreSQL base backup into a new data directory, set up to recover (to a time, or to the end). */
async function restoreToDataDirectory(reference, dir, options) {
    const at = options.pointInTime === undefined ? null : parsePointInTime(options.pointInTime);
    if (remote(options))
        return (0, remote_1.remoteRestore)(reference, { kind: 'data-directory', path: dir }, { ...requestOf(options), point_in_time: at }, options);
    const progress = new progress_1.ByteProgress('restore');
    const job = await runRestoreWorkflow(reference, { kind: 'data-directory', path: (0, node_path_1.resolve)(dir) }, { ...options, pointInTime: at ?? undefined }, progress, { onProgress: (_files, bytes) => progress.update(bytes) });
    const range = job.validation_results
        ?.wal_range;
    if (options.json)
        return (0, output_1.printJson)({
            id: job.backup_id,
            recovery_job_id: job.id,
            data_directory: (0, node_path_1.resolve)(dir),
            point_in_time: at,
            wal_range: range,
        });
    if (job.validate_only)
        return printValidated(job, options);
    (0, output_1.say)(`Restored base backup ${job.backup_id} into ${(0, node_path_1.resolve)(dir)}, set up to recover ${at ? `to ${at}` : 'to the end of the WAL archive'}` +
        (range ? ` (the archive covers ${range.from} to ${range.to ?? 'the end of the backup'})` : '') +
        `. Start PostgreSQL on it (as the server's user: chown -R postgres ${(0, node_path_1.resolve)(dir)} if needed); it fetches WAL with \`lifeboat wal-fetch\` and promotes when done.`);
}
/** Another server for a database restore: --url and how to find its password. */
function databaseConnection(url, options) {
    const parsed = (0, database_options_1.parseServerUrl)(url);
    return target_1.DatabaseConnectionSchema.parse({
        host: parsed.host,
        port: parsed.port,
        user: parsed.user,
        password: (0, database_options_1.credentialRef)(options),
        tls: { mode: parsed.tls?.mode ?? 'prefer', ca_file: null },
    });
}
/** Through the restore workflow: the recovery job records every step, progress and the checks. */
async function restoreToDirectory(reference, target, options) {
    const directory = {
        kind: 'directory',
        // Through the API the path is on the machine that restores there: as given.
        path: remote(options) ? target : (0, node_path_1.resolve)(target),
        includes: options.include,
        excludes: options.exclude,
        overwrite: options.overwrite === true ? undefined : options.overwrite,
        delete: options.delete ?? false,
        read_back: options.readBack ?? false,
    };
    if (remote(options))
        return (0, remote_1.remoteRestore)(reference, directory, requestOf(options), options);
    const progress = new progress_1.TreeProgress('restore');
    let result;
    const job = await runRestoreWorkflow(reference, directory, options, progress, {
        onProgress: (files, bytes) => progress.update(files, bytes),
        onResult: (r) => (result = r),
    });
    if (job.validate_only)
        return printValidated(job, options);
    if (!result)
        throw new errors_2.LifeboatError('WORKFLOW_FAILED', 'The restore step reported nothing.', 'This is a bug.');
    printRestored(job, result, target, options);
}
/**
 * Runs the restore workflow in-process, with the CLI watching the Restore step (progress, the
 * result, where a stream goes) and keeping the first error as thrown, for its exit code.
 * Returns the finished recovery job.
 */
async function runRestoreWorkflow(reference, target, options, progress, hooks) {
    const settings = (0, home_1.resolveSettings)(options);
    // --from: the data comes from a copy (lifeboat replicate); the catalog stays the primary's.
    const readFrom = options.from ? (0, home_1.resolveSettings)({ ...options, repo: options.from }) : undefined;
    // A restore reads an existing repository; it never creates one.
    const repository = await (0, home_1.openRepository)(readFrom ?? settings);
    const system = (0, system_1.localSystem)(settings, process.env, { readFrom, repository });
    let failure;
    const steps = (0, workflow_1.watchSteps)(steps_1.STEPS, (error) => (failure = error), {
        RunRestoreFunctionArn: (ctx, input) => (0, restore_steps_1.runRestore)(ctx, input, hooks),
    });
    const request = {
        backup: reference,
        target_config: target,
        point_in_time: options.pointInTime ?? null,
        validate_only: options.validateOnly ?? false,
    };
    try {
        const execution = await new engine_1.LocalEngine(system.ctx, { steps }).run('restore', request);
        progress.stop();
        const jobId = execution.output?.validated
            ?.recovery_job_id;
        const job = jobId ? await system.catalog.getRecoveryJob(jobId) : undefined;
        if (execution.status !== 'SUCCEEDED' || !job) {
            throw (failure ??
                new errors_2.LifeboatError('WORKFLOW_FAILED', `The restore workflow ${execution.name} failed: ${(0, step_failure_1.describeStepError)(execution.error)}`, 'See the recovery job in the catalog for the step that failed.'));
        }
        return job;
    }
    finally {
        progress.stop();
        await system.close();
    }
}
function printValidated(job, options) {
    if (options.json)
        return (0, output_1.printJson)(job);
    const into = job.target_config.kind === 'database'
        ? `database "${String(job.target_config.database)}"`
        : job.target_config.kind === 'application'
            ? 'its original places'
            : String(job.target_config.path);
    (0, output_1.say)(`Restore of ${job.backup_id} into ${into} is possible (${job.recovery_type}); ` +
        `nothing was written (recovery job ${job.id}).`);
}
function printRestored(job, result, target, options) {
    (0, output_1.sayPathProblems)('refused', result.refused);
    // Existing files kept by --overwrite never can be many, and the summary counts them; the rest
    // (Lifeboat's own files) are few, and worth a line each.
    (0, output_1.sayPathProblems)('skipped', result.skipped.filter((s) => s.problem !== restore_1.KEPT_BY_NEVER));
    const verification = job.validation_results?.verification;
    if (options.json) {
        (0, output_1.printJson)({ id: job.backup_id, recovery_job_id: job.id, target, ...result, verification });
    }
    else {
        (0, output_1.say)(`Restored ${job.backup_id} into ${target}: ${(0, output_1.count)(result.files_restored, 'file')} ` +
            `(${(0, output_1.formatBytes)(result.bytes_restored)}), ${(0, output_1.count)(result.dirs, 'directory', 'directories')}, ${(0, output_1.count)(result.symlinks, 'symlink')}, ` +
            `${(0, output_1.count)(result.hardlinks, 'hard link')}` +
            (result.files_unchanged ? `; ${result.files_unchanged} unchanged` : '') +
            (result.files_skipped ? `; ${result.files_skipped} existing left alone` : '') +
            (result.deleted ? `; ${result.deleted} extra entries deleted` : '') +
            `; ${(result.duration_ms / 1000).toFixed(1)} s` +
            (verification ? `; ${checkedFiles(verification)}.` : '.'));
        if (result.time_precision === 'us')
            (0, output_1.say)("Times were set to the microsecond, not the backup's nanoseconds: Lifeboat's small native " +
                'addon for them is not built here (`npm run build` builds it where a C compiler, cc, is installed).');
    }
    // Refused entries are a warning: the rest is restored, but not everything the manifest named.
    if (result.refused.length > 0)
        process.exitCode = 3;
}
function checkedFiles(verification) {
    const files = (0, output_1.count)(verification.files_checked ?? 0, 'file');
    return verification.read_back ? `${files} read back and verified` : `${files} checked (type and size)`;
}
/** A stream backup to standard output, through the restore workflow (run in this process). */
async function restoreToStdout(reference, options) {
    if ((0, node_tty_1.isatty)(1)) {
        throw new errors_1.InputError('Standard output is a terminal: the restored bytes would be written to the screen.', 'Redirect or pipe it, e.g. `lifeboat restore latest:db --stdout > db.sql`.');
    }
    const started = Date.now();
    const progress = new progress_1.ByteProgress('restore');
    let result;
    const job = await runRestoreWorkflow(reference, { kind: 'stream' }, options, progress, {
        openSink: () => new fd_sink_1.FdSink(1),
        onProgress: (_files, bytes) => progress.update(bytes),
        onStreamResult: (r) => (result = r),
    });
    if (!result)
        throw new errors_2.LifeboatError('WORKFLOW_FAILED', 'The restore step reported nothing.', 'This is a bug.');
    const summary = {
        id: job.backup_id,
        recovery_job_id: job.id,
        restored_bytes: result.bytes,
        checksum_value: result.checksum,
        duration_ms: Date.now() - started,
    };
    // stdout carries the data, so the summary goes to stderr even with --json.
    if (options.json)
        process.stderr.write(`${JSON.stringify(summary)}\n`);
    else
        (0, output_1.say)(`Restored ${job.backup_id}: ${(0, output_1.formatBytes)(result.bytes)}, checksum verified.`);
}
//# sourceMappingURL=restore.js.map