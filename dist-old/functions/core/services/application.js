"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ApplicationSourceSchema = exports.ApplicationComponentSchema = exports.HookFailedError = void 0;
exports.runHook = runHook;
exports.backupApplication = backupApplication;
exports.applicationComponents = applicationComponents;
const zod_1 = require("zod");
const ids_1 = require("../../repository/ids");
const tool_1 = require("../../sources/database/tool");
const backup_1 = require("../../sources/filesystem/backup");
const errors_1 = require("../errors");
const backup_stream_1 = require("./backup-stream");
const database_backup_1 = require("./database-backup");
/** A hook that failed, timed out or could not start; names the hook and what it printed. */
class HookFailedError extends errors_1.LifeboatError {
    constructor(stage, hook, problem, hint) {
        super('HOOK_FAILED', `The ${stage}-hook ${JSON.stringify(hook.command)} ${problem}`, hint);
    }
}
exports.HookFailedError = HookFailedError;
/** Runs one hook: its argument array without a shell, in Lifeboat's environment, with its timeout. */
async function runHook(stage, hook) {
    const [command, ...args] = hook.command;
    const hint = stage === 'pre'
        ? 'Nothing was backed up and the post-hooks ran. Fix the hook (run it by hand as the same user) and back up again.'
        : 'The components were backed up, but the application may still be quiesced: check it, fix the hook.';
    const tool = new tool_1.ToolProcess({
        name: command,
        command: command,
        args,
        env: process.env,
        missingHint: 'Check the path of the hook command.',
    }, { stdin: false, stdout: false });
    let timedOut = false;
    const timer = setTimeout(() => {
        timedOut = true;
        tool.stop();
    }, hook.timeout_seconds * 1000);
    try {
        await tool.exited;
    }
    catch (error) {
        const stderr = (0, tool_1.summarizeStderr)(tool.stderrText);
        const problem = timedOut
            ? `did not finish within ${hook.timeout_seconds} s and was stopped.`
            : error instanceof errors_1.LifeboatError && error.code === 'TOOL_MISSING'
                ? 'does not exist.'
                : `failed: ${error.message}`;
        throw new HookFailedError(stage, hook, problem + (timedOut && stderr ? ` It printed: ${stderr}` : ''), hint);
    }
    finally {
        clearTimeout(timer);
    }
}
/** One member of a backed-up set: which target, which snapshot holds it. */
exports.ApplicationComponentSchema = zod_1.z.object({
    target: zod_1.z.string(),
    kind: zod_1.z.string(),
    snapshot_id: zod_1.z.string(),
    original_size_bytes: zod_1.z.number().int().nonnegative(),
});
exports.ApplicationSourceSchema = zod_1.z.object({
    kind: zod_1.z.literal('application'),
    components: zod_1.z.array(exports.ApplicationComponentSchema),
});
/** Backs up one component as a snapshot under its own target's name (its history, its parents). */
async function backupComponent(ctx, repo, name, backupType) {
    const target = await ctx.catalog.getTarget(name);
    if (!target)
        throw new errors_1.RecordNotFoundError('target', name);
    const config = target.target_config;
    const snapshotId = (0, ids_1.newUlid)(Date.now());
    if (config.kind === 'application')
        throw new errors_1.LifeboatError('INVALID_INPUT', `The component "${name}" is itself an application.`, 'Name the files and databases of the application as its components.');
    const { manifest } = config.kind === 'filesystem'
        ? await (0, backup_1.backupTree)(repo, {
            paths: config.paths,
            excludes: config.exclude,
            oneFileSystem: config.one_file_system,
            name,
            backupType,
            strict: true,
            snapshotId,
            ownFiles: ctx.ownFiles,
        })
        : await (0, database_backup_1.backupDatabase)(ctx, repo, config, { name, backupType, snapshotId });
    return {
        target: name,
        kind: config.kind,
        snapshot_id: manifest.id,
        original_size_bytes: manifest.content.size,
    };
}
/**
 * An application's backup: the pre-hooks in order (the first failure aborts: nothing is backed
 * up), each component as its own snapshot, the post-hooks always, and last the set itself, a
 * small snapshot (the backup's id) naming the component snapshots, which a restore brings back
 * together.
 */
async function backupApplication(ctx, repo, record, config, onComponent) {
    const components = [];
    let failure;
    try {
        for (const hook of config.pre_hooks)
            await runHook('pre', hook);
        for (const name of config.components) {
            components.push(await backupComponent(ctx, repo, name, record.backup_type));
            onComponent(components.length, config.components.length);
        }
    }
    catch (error) {
        failure = error;
    }
    for (const hook of config.post_hooks) {
        try {
            await runHook('post', hook);
        }
        catch (error) {
            failure ??= error;
        }
    }
    if (failure)
        throw failure;
    const set = Buffer.from(JSON.stringify({ components }));
    return (0, backup_stream_1.backupStream)(repo, (async function* () {
        yield set;
    })(), {
        name: record.target_identifier,
        backupType: 'full',
        targetType: 'application',
        snapshotId: record.id,
        parentId: null,
        describeSource: async () => ({ kind: 'application', components }),
    });
}
/** The component snapshots of an application backup. */
async function applicationComponents(repo, manifest) {
    const { components } = exports.ApplicationSourceSchema.parse(manifest.source);
    return Promise.all(components.map(async (component) => ({
        component,
        manifest: await repo.loadSnapshot(component.snapshot_id),
    })));
}
//# sourceMappingURL=application.js.map