"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runTargetAdd = runTargetAdd;
exports.runTargetTest = runTargetTest;
exports.runTargetList = runTargetList;
exports.runTargetShow = runTargetShow;
exports.runTargetRemove = runTargetRemove;
exports.runBackups = runBackups;
exports.printBackups = printBackups;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const errors_1 = require("../../functions/core/errors");
const enums_1 = require("../../functions/core/model/enums");
const target_1 = require("../../functions/core/model/target");
const database_options_1 = require("./database-options");
const targets_1 = require("../../functions/core/services/targets");
const url_1 = require("../../functions/sources/database/url");
const exclude_1 = require("../../functions/sources/filesystem/exclude");
const output_1 = require("./output");
const with_system_1 = require("./with-system");
const pages_1 = require("../../functions/core/services/catalog/pages");
/** A hook as the CLI takes it: a JSON array of strings, the command and its arguments. */
function parseHook(text, timeout) {
    let command;
    try {
        command = JSON.parse(text);
    }
    catch {
        command = undefined;
    }
    if (!Array.isArray(command) ||
        command.length === 0 ||
        !command.every((a) => typeof a === 'string' && a !== ''))
        throw new errors_1.InputError(`The hook ${text} is not a JSON array of strings.`, 'Give the command and its arguments as a JSON array, e.g. --pre-hook \'["/usr/local/bin/app", "freeze"]\' (it runs without a shell).');
    return { command: command, ...(timeout === undefined ? {} : { timeout_seconds: timeout }) };
}
function applicationConfig(options) {
    if (options.component.length === 0)
        throw new errors_1.InputError('An application target needs --component TARGET (repeat it).', 'Add its files and databases as targets first.');
    return {
        kind: 'application',
        components: options.component,
        pre_hooks: options.preHook.map((h) => parseHook(h, options.hookTimeout)),
        post_hooks: options.postHook.map((h) => parseHook(h, options.hookTimeout)),
    };
}
function filesystemConfig(options) {
    const paths = options.path.map((p) => (0, node_path_1.resolve)(p));
    for (const p of paths)
        if (!(0, node_fs_1.existsSync)(p))
            throw new errors_1.InputError(`The path ${p} does not exist.`, 'Check the path; a target names directories that are there to back up.');
    const exclude = [...options.exclude, ...options.excludeFile.flatMap(exclude_1.readExcludeFile)];
    return { kind: 'filesystem', paths, exclude, one_file_system: options.oneFileSystem ?? false };
}
function databaseConfig(kind, options) {
    if (!options.url)
        throw new errors_1.InputError(`A ${kind} target needs --url.`, 'For example: --url postgresql://backup@db.internal:5432/app --password-env PGPASSWORD_APP.');
    if (options.path.length > 0)
        throw new errors_1.InputError('--path is for filesystem targets.', 'Name the database in --url.');
    const url = (0, url_1.parseDatabaseUrl)(kind, options.url);
    if (options.mode !== undefined && kind !== 'postgres')
        throw new errors_1.InputError('--mode is for PostgreSQL targets.', 'Leave it out.');
    if (kind !== 'postgres' && options.schema.length > 0)
        throw new errors_1.InputError(`${kind === 'mysql' ? 'MySQL' : 'MongoDB'} has no schemas inside a database.`, 'Make one target per database.');
    if (kind === 'mongodb' && options.table.length > 0)
        throw new errors_1.InputError('A MongoDB target backs up the whole database.', 'Leave collections out with --exclude-table; restore chosen ones with `lifeboat restore ID --table COLLECTION`.');
    return {
        kind,
        host: url.host,
        port: url.port,
        user: url.user,
        database: url.database,
        password: (0, database_options_1.credentialRef)(options),
        tls: {
            mode: options.tlsMode ?? url.tls?.mode ?? 'prefer',
            ca_file: options.tlsCa ? (0, node_path_1.resolve)(options.tlsCa) : null,
        },
        ...(kind === 'postgres' ? { schemas: options.schema, mode: options.mode ?? 'logical' } : {}),
        ...(kind === 'mongodb' ? {} : { tables: options.table }),
        exclude_tables: options.excludeTable,
    };
}
function runTargetAdd(name, options) {
    const config = options.type === 'application'
        ? applicationConfig(options)
        : options.type === 'filesystem'
            ? filesystemConfig(options)
            : target_1.DATABASE_KINDS.includes(options.type)
                ? databaseConfig(options.type, options)
                : { kind: options.type };
    return (0, with_system_1.withSystem)(options, async ({ ctx }) => {
        const target = await (0, targets_1.addTarget)(ctx, {
            name,
            target_config: config,
            description: options.description ?? null,
        });
        if (options.json)
            (0, output_1.printJson)(target);
        else
            (0, output_1.say)(`Target "${target.name}" (${target.target_config.kind}) added: ${describeTarget(target)}.`);
    });
}
/** A target's source in one line: its paths, or user@host:port/database. */
function describeTarget(t) {
    const c = t.target_config;
    if (c.kind === 'filesystem')
        return c.paths.join(', ');
    if (c.kind === 'application')
        return `${c.components.join(' + ')}`;
    return `${c.user}@${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}/${c.database}`;
}
function describeCredential(ref) {
    switch (ref.source) {
        case 'none':
            return 'none (the server trusts this client, or the tools find one)';
        case 'env':
            return `from the variable ${ref.variable}`;
        case 'file':
            return `from the file ${ref.path}`;
        case 'secret':
            return `from the secret ${ref.arn}`;
    }
}
function targetDetails(t) {
    const c = t.target_config;
    if (c.kind === 'application')
        return [
            `components:   ${c.components.join(', ')}`,
            `pre-hooks:    ${c.pre_hooks.map((h) => JSON.stringify(h.command)).join(', ') || '-'}`,
            `post-hooks:   ${c.post_hooks.map((h) => JSON.stringify(h.command)).join(', ') || '-'}`,
        ];
    if (c.kind === 'filesystem')
        return [
            `paths:        ${describeTarget(t)}`,
            `exclude:      ${c.exclude.join(', ') || '-'}`,
            `one fs:       ${c.one_file_system ? 'yes' : 'no'}`,
        ];
    return [
        `server:       ${describeTarget(t)}`,
        `password:     ${describeCredential(c.password)}`,
        `tls:          ${c.tls.mode}${c.tls.ca_file ? ` (CA ${c.tls.ca_file})` : ''}`,
        ...(c.kind === 'postgres' ? [`schemas:      ${c.schemas.join(', ') || 'all'}`] : []),
        ...(c.kind === 'mongodb' ? [] : [`tables:       ${c.tables.join(', ') || 'all'}`]),
        `exclude:      ${c.exclude_tables.join(', ') || '-'}`,
    ];
}
function runTargetTest(name, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx }) => {
        const result = await (0, targets_1.testTarget)(ctx, name);
        if (options.json)
            return (0, output_1.printJson)(result);
        const parts = [
            result.server_version ? `server ${result.server_version}` : undefined,
            result.tool ? `${result.tool.name} ${result.tool.version}` : undefined,
            `${(0, output_1.formatBytes)(result.size_bytes)} to back up`,
        ].filter(Boolean);
        (0, output_1.say)(`Target "${name}" is reachable: ${parts.join(', ')}.`);
    });
}
function runTargetList(options) {
    return (0, with_system_1.withSystem)(options, async ({ catalog }) => {
        const targets = await (0, pages_1.allItems)((cursor) => catalog.listTargets({ limit: 1000, cursor }));
        if (options.json)
            return (0, output_1.printJson)(targets);
        if (targets.length === 0)
            return (0, output_1.say)('No targets yet. Add one with `lifeboat target add NAME --type filesystem --path DIR`.');
        const rows = [
            ['NAME', 'TYPE', 'SOURCE'],
            ...targets.map((t) => [t.name, t.target_config.kind, describeTarget(t)]),
        ];
        process.stdout.write(`${(0, output_1.formatTable)(rows)}\n`);
    });
}
function runTargetShow(name, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx, catalog }) => {
        const target = await (0, targets_1.getTarget)(ctx, name);
        const last = await catalog.latestCompleted(name);
        if (options.json)
            return (0, output_1.printJson)({ ...target, last_completed_backup: last ?? null });
        process.stdout.write([
            `name:         ${target.name}`,
            `type:         ${target.target_config.kind} (${target.target_type})`,
            ...targetDetails(target),
            `description:  ${target.description ?? '-'}`,
            `created:      ${target.created_at}`,
            `last backup:  ${last ? `${last.id} (${last.completed_at ?? ''}, ${(0, output_1.formatBytes)(last.original_size_bytes ?? 0)})` : 'none'}`,
        ].join('\n') + '\n');
    });
}
function runTargetRemove(name, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx }) => {
        await (0, targets_1.removeTarget)(ctx, name);
        if (options.json)
            (0, output_1.printJson)({ removed: name });
        else
            (0, output_1.say)(`Target "${name}" removed; its backups stay and can be restored.`);
    });
}
function runBackups(options) {
    const status = options.status === undefined ? undefined : enums_1.BackupStatusSchema.safeParse(options.status);
    if (status && !status.success)
        throw new errors_1.InputError(`"${options.status}" is not a backup status.`, `Use one of: ${enums_1.BackupStatusSchema.options.join(', ')}.`);
    const page = { limit: options.limit, cursor: options.cursor };
    return (0, with_system_1.withSystem)(options, async ({ catalog }) => {
        let result;
        if (options.schedule) {
            const schedule = await catalog.getScheduleByName(options.schedule);
            if (!schedule)
                throw new errors_1.InputError(`No schedule "${options.schedule}".`, 'List schedules with `lifeboat schedule list`.');
            result = await catalog.listBackupsBySchedule(schedule.id, page);
            if (status?.data)
                result = { ...result, items: result.items.filter((b) => b.status === status.data) };
        }
        else if (options.target) {
            result = await catalog.listBackupsByTarget(options.target, { ...page, status: status?.data });
        }
        else if (status?.data) {
            result = await catalog.listBackupsByStatus(status.data, page);
        }
        else {
            result = await catalog.listBackups(page);
        }
        printBackups(result, options);
    });
}
/** A page of backups: a table (and where the next page starts), or JSON. */
function printBackups(result, options) {
    if (options.json)
        return (0, output_1.printJson)(result);
    if (result.items.length === 0)
        return (0, output_1.say)('No backups recorded.');
    const rows = [
        ['ID', 'TARGET', 'TYPE', 'STATUS', 'PROGRESS', 'SIZE', 'STORED', 'CREATED', 'ERROR'],
        ...result.items.map((b) => [
            b.id,
            b.target_identifier,
            b.backup_type,
            b.status,
            `${b.progress}%`,
            b.original_size_bytes === null ? '-' : (0, output_1.formatBytes)(b.original_size_bytes),
            b.final_size_bytes === null ? '-' : (0, output_1.formatBytes)(b.final_size_bytes),
            b.created_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
            b.error_message ?? '',
        ]),
    ];
    process.stdout.write(`${(0, output_1.formatTable)(rows)}\n`);
    if (result.next)
        (0, output_1.say)(`More: --cursor ${result.next}`);
}
//# sourceMappingURL=catalog-commands.js.map