"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.validateName = validateName;
exports.parseTargetConfig = parseTargetConfig;
exports.addTarget = addTarget;
exports.getTarget = getTarget;
exports.removeTarget = removeTarget;
exports.testTarget = testTarget;
const errors_1 = require("../errors");
const common_1 = require("../model/common");
const node_fs_1 = require("node:fs");
const credentials_1 = require("../../sources/database/credentials");
const strategies_1 = require("../../sources/database/strategies");
const scan_1 = require("../../sources/filesystem/scan");
const target_1 = require("../model/target");
const audit_1 = require("./audit");
const pages_1 = require("./catalog/pages");
const worker_files_1 = require("./worker-files");
/** Checks a target name; InputError with the rule when it is not one. */
function validateName(what, name) {
    const parsed = common_1.NameSchema.safeParse(name);
    if (!parsed.success)
        throw new errors_1.InputError(`"${name}" is not a valid ${what} name: it ${parsed.error.issues[0]?.message ?? 'is invalid'}.`, `Pick a name such as "web" or "db-main".`);
}
function describeIssues(error) {
    return error.issues
        .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
        .join('; ');
}
/** Checks a target_config: its kind is known and its fields are what that kind needs. */
function parseTargetConfig(config) {
    const kind = config?.kind;
    if (typeof kind !== 'string' || !target_1.TARGET_KINDS.includes(kind))
        throw new errors_1.InputError(`"${String(kind)}" is not a target type this version knows.`, `Use one of: ${target_1.TARGET_KINDS.join(', ')}.`);
    const parsed = target_1.TargetConfigSchema.safeParse(config);
    if (!parsed.success)
        throw new errors_1.InputError(`The ${kind} target is not valid: ${describeIssues(parsed.error)}.`, kind === 'filesystem'
            ? 'Pass --path DIR (repeat it for several).'
            : 'Pass --url URL (host, port, user and database) and how to find the password.');
    return parsed.data;
}
/** Records a target (a named source). Nothing is written unless every part is valid. */
async function addTarget(ctx, request) {
    validateName('target', request.name);
    const config = parseTargetConfig(request.target_config);
    if (config.kind === 'filesystem')
        (0, worker_files_1.checkWorkerPaths)(ctx.workerFiles, config.paths, 'back up');
    if (config.kind === 'application')
        for (const component of config.components) {
            const member = await ctx.catalog.getTarget(component);
            if (!member)
                throw new errors_1.InputError(`The component "${component}" is not a target.`, 'Add its files and databases as targets first (`lifeboat target add`), then the application.');
            if (member.target_config.kind === 'application')
                throw new errors_1.InputError(`The component "${component}" is itself an application.`, 'Name files and databases only.');
        }
    const now = ctx.now().toISOString();
    const target = {
        name: request.name,
        target_type: (0, target_1.targetTypeOf)(config.kind),
        target_config: config,
        description: request.description ?? null,
        created_at: now,
        updated_at: now,
    };
    await ctx.catalog.createTarget(target);
    await (0, audit_1.audit)(ctx, {
        operation_type: 'create',
        entity_type: 'target',
        entity_id: target.name,
        action: 'target.create',
        details: { target_type: target.target_type, target_config: target.target_config },
    });
    return target;
}
async function getTarget(ctx, name) {
    const target = await ctx.catalog.getTarget(name);
    if (!target)
        throw new errors_1.RecordNotFoundError('target', name);
    return target;
}
/** Removes a target that no schedule uses; its backups stay (restorable, listed under its name). */
async function removeTarget(ctx, name) {
    await getTarget(ctx, name);
    const users = (await (0, pages_1.allItems)((cursor) => ctx.catalog.listSchedules({ limit: 1000, cursor })))
        .filter((s) => s.target_config.target === name)
        .map((s) => s.name);
    if (users.length > 0)
        throw new errors_1.ConflictError(`The target "${name}" is used by the schedule(s) ${users.map((u) => `"${u}"`).join(', ')}.`, 'Remove those schedules first (`lifeboat schedule remove NAME`), or point them at another target.');
    await ctx.catalog.deleteTarget(name);
    await (0, audit_1.audit)(ctx, {
        operation_type: 'delete',
        entity_type: 'target',
        entity_id: name,
        action: 'target.remove',
    });
}
/** Connects to a target's source (or reads its paths) and reports what a backup would find. */
async function testTarget(ctx, name) {
    const target = await getTarget(ctx, name);
    const config = target.target_config;
    if (config.kind === 'filesystem') {
        (0, worker_files_1.checkWorkerPaths)(ctx.workerFiles, config.paths, 'back up');
        // On AWS this runs in the API's function, which mounts no file system (it runs outside the VPC).
        if (ctx.workerFiles)
            throw new errors_1.InputError(`The API cannot look at target "${name}": the file system is mounted by the backup and restore steps only.`, 'Run a backup of it: a path that does not exist fails its Run backup step, naming the path.');
        for (const path of config.paths)
            if (!(0, node_fs_1.existsSync)(path))
                throw new errors_1.InputError(`The path ${path} of target "${name}" does not exist.`, 'Check the path, or recreate the target.');
        return {
            target: name,
            kind: config.kind,
            size_bytes: await (0, scan_1.scanTreeSize)(config.paths, config.exclude, () => false),
        };
    }
    if (config.kind === 'application') {
        let size = 0;
        for (const component of config.components)
            size += (await testTarget(ctx, component)).size_bytes;
        return { target: name, kind: config.kind, size_bytes: size };
    }
    const credential = await (0, credentials_1.resolveCredential)(config.password, ctx.secrets);
    const probe = await (0, strategies_1.databaseStrategy)(config.kind).probe(config, credential);
    return {
        target: name,
        kind: config.kind,
        server_version: probe.server_version,
        tool: probe.tool,
        size_bytes: probe.size_bytes,
    };
}
//# sourceMappingURL=targets.js.map