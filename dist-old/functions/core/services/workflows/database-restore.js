"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DatabaseRestoreTargetSchema = void 0;
exports.databaseBackupOf = databaseBackupOf;
exports.validateDatabaseRestore = validateDatabaseRestore;
exports.runDatabaseRestore = runDatabaseRestore;
exports.checkRestoredDatabase = checkRestoredDatabase;
exports.isDatabaseBackup = isDatabaseBackup;
exports.databaseRestoreTest = databaseRestoreTest;
const zod_1 = require("zod");
const credentials_1 = require("../../../sources/database/credentials");
const strategies_1 = require("../../../sources/database/strategies");
const tool_1 = require("../../../sources/database/tool");
const table_stats_1 = require("../../../sources/database/table-stats");
const errors_1 = require("../../errors");
const target_1 = require("../../model/target");
const restore_stream_1 = require("../restore-stream");
/** Where a database backup is restored to (the seed's recovery_jobs.target_config). */
exports.DatabaseRestoreTargetSchema = zod_1.z.object({
    kind: zod_1.z.literal('database'),
    /** The database to create (or, with overwrite, replace); partial restores may go into an existing one. */
    database: zod_1.z.string().min(1).max(63),
    /** Another server than the backup's; absent: the backup's own server and credential. */
    connection: target_1.DatabaseConnectionSchema.optional(),
    overwrite: zod_1.z.boolean().default(false),
    schemas: zod_1.z.array(zod_1.z.string().min(1)).default([]),
    tables: zod_1.z.array(zod_1.z.string().min(1)).default([]),
});
/** A database backup's strategy and recorded source, or why the backup is not one. */
function databaseBackupOf(manifest) {
    const kind = manifest.source?.kind;
    if (!kind || !target_1.DATABASE_KINDS.includes(kind))
        throw new errors_1.InputError(`Backup ${manifest.id} is ${manifest.content.kind === 'tree' ? 'a file tree' : 'a stream'}, not a database dump.`, manifest.content.kind === 'tree'
            ? 'Restore it into a directory with --target DIR.'
            : 'Restore it with --stdout.');
    const strategy = (0, strategies_1.databaseStrategy)(kind);
    return { strategy, info: strategy.sourceInfo(manifest.source) };
}
/** What an engine's connection needs beyond the common fields (MongoDB's authentication database). */
function engineExtras(from) {
    const auth = from?.auth_database;
    return typeof auth === 'string' ? { auth_database: auth } : {};
}
/**
 * The server a restore goes to: the one asked for, else the backup's own, with the credential
 * reference of its target (still in the catalog) or of the backup's record; a backup known
 * only from the repository connects without a password.
 */
async function restoreConnection(ctx, manifest, info, target) {
    if (target.connection)
        return target.connection;
    const fromTarget = (await ctx.catalog.getTarget(manifest.name))?.target_config;
    const fromRecord = (await ctx.catalog.getBackup(manifest.id))?.metadata?.source;
    for (const config of [fromTarget, fromRecord]) {
        const parsed = target_1.DatabaseConnectionSchema.safeParse(config);
        if (config && (0, target_1.isDatabaseConfig)(config) && parsed.success) {
            const same = parsed.data.host === info.server.host && parsed.data.port === info.server.port;
            if (same)
                return { ...parsed.data, ...engineExtras(config) };
        }
    }
    return { ...target_1.DatabaseConnectionSchema.parse({ ...info.server }), ...engineExtras(info) };
}
async function connect(ctx, manifest, target) {
    const { strategy, info } = databaseBackupOf(manifest);
    const conn = await restoreConnection(ctx, manifest, info, target);
    return { strategy, info, conn, credential: await (0, credentials_1.resolveCredential)(conn.password, ctx.secrets) };
}
/** Validate: the backup is a dump and the database may be created (or replaced) there. */
async function validateDatabaseRestore(ctx, manifest, target) {
    const { strategy, conn, credential } = await connect(ctx, manifest, target);
    await strategy.checkRestore(conn, credential, target);
}
/** Restore: the dump, read and checked chunk by chunk, into the engine's restore tool. */
async function runDatabaseRestore(ctx, repo, manifest, target, jobId, onProgress) {
    return restoreConnected(await connect(ctx, manifest, target), repo, manifest, target, jobId, onProgress);
}
async function restoreConnected({ strategy, info, conn, credential }, repo, manifest, target, jobId, onProgress) {
    let written = 0;
    let streamed;
    const restored = await strategy.restore(conn, credential, info, { ...target, jobId }, async (sink) => {
        try {
            streamed = await (0, restore_stream_1.restoreStream)(repo, manifest, sink, {
                onProgress: (bytes) => onProgress((written = bytes)),
            });
        }
        catch (error) {
            // A partial restore's tool may stop reading once it has what was chosen: the chunks it
            // read were verified; the tables are checked against their checksums afterwards.
            if (!(error instanceof tool_1.InputNotNeeded))
                throw error;
            streamed = { bytes: written, checksum: null };
        }
    });
    return { ...restored, ...streamed };
}
/**
 * Validate the recovery: every restored table's row count and checksum against those recorded
 * when the backup was made.
 */
async function checkRestoredDatabase(ctx, manifest, target) {
    return checkConnected(await connect(ctx, manifest, target), target);
}
async function checkConnected({ strategy, info, conn, credential }, target) {
    const expected = info.tables.filter((t) => (0, table_stats_1.isSelected)(t, target));
    const actual = await strategy.tableStats(conn, credential, target.database, target);
    // A MySQL backup without the RELOAD privilege read its checksums beside the dump: say so.
    const beside = info.checksums_in_dump_snapshot === false;
    const problems = (0, table_stats_1.compareTableStats)(expected, actual).map((p) => beside
        ? {
            ...p,
            problem: `${p.problem} (the checksums were read beside the dump, not in its snapshot: a write during the backup can explain this)`,
        }
        : p);
    return { tables_checked: expected.length, problems };
}
/** Whether a snapshot is a database dump that a strategy can restore. */
function isDatabaseBackup(manifest) {
    return target_1.DATABASE_KINDS.includes(manifest.source?.kind ?? '');
}
/**
 * A restore test for a database dump: restored into a throwaway database on the backup's own
 * server, its tables compared with the checksums recorded at backup, then dropped.
 */
async function databaseRestoreTest(ctx, repo, manifest, verificationId) {
    const scratch = `lifeboat_verify_${verificationId.toLowerCase()}`;
    const target = exports.DatabaseRestoreTargetSchema.parse({ kind: 'database', database: scratch });
    // One connection setup (catalog lookups, perhaps a Secrets Manager read) for all three steps.
    const connected = await connect(ctx, manifest, target);
    const { strategy, conn, credential } = connected;
    try {
        const restored = await restoreConnected(connected, repo, manifest, target, verificationId, () => undefined);
        const check = await checkConnected(connected, target);
        return {
            ok: check.problems.length === 0 && restored.checksum === manifest.checksum_value,
            details: {
                database: scratch,
                server: `${conn.host}:${conn.port}`,
                bytes_restored: restored.bytes,
                tables_checked: check.tables_checked,
                problems: check.problems,
            },
        };
    }
    finally {
        await strategy.dropDatabase(conn, credential, scratch).catch(() => undefined);
    }
}
//# sourceMappingURL=database-restore.js.map