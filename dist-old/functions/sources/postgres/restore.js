"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.isPartial = isPartial;
exports.pgRestoreSelection = pgRestoreSelection;
exports.checkPostgresRestore = checkPostgresRestore;
exports.restorePostgres = restorePostgres;
const errors_1 = require("../../core/errors");
const tool_1 = require("../database/tool");
const connection_1 = require("../database/connection");
const client_1 = require("./client");
const tools_1 = require("./tools");
/** The database that holds no user data and that every role may connect to for administration. */
const MAINTENANCE_DB = 'postgres';
function isPartial(request) {
    return request.schemas.length > 0 || request.tables.length > 0;
}
/** A string literal for DDL that cannot take parameters. */
function literal(value) {
    return `'${value.replace(/'/g, "''")}'`;
}
/** libpq conninfo value: pg_restore's --dbname is a conninfo string when it holds '='. */
function conninfoDbname(database) {
    return `dbname='${database.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
function stagingName(jobId) {
    return `lifeboat_restore_${jobId.toLowerCase()}`;
}
/**
 * pg_restore selects tables by name and restricts by schema (-n, -t). Tables qualified with
 * different schemas cannot be expressed that way: refuse them with the way to get there.
 */
function pgRestoreSelection(request) {
    const { schemas, tables } = selectionParts(request);
    return [...schemas.flatMap((s) => ['--schema', s]), ...tables.flatMap((t) => ['--table', t])];
}
function selectionParts(request) {
    const qualified = request.tables.filter((t) => t.includes('.'));
    const schemasOfTables = new Set(qualified.map((t) => t.slice(0, t.indexOf('.'))));
    if (schemasOfTables.size > 1 || (schemasOfTables.size === 1 && qualified.length !== request.tables.length))
        throw new errors_1.InputError('Tables qualified with a schema must all be in the same schema, and then every table must be qualified.', 'Restore the tables of each schema in its own run, e.g. --table sales.orders --table sales.items.');
    const schemas = [...new Set([...request.schemas, ...schemasOfTables])];
    const tables = request.tables.map((t) => (t.includes('.') ? t.slice(t.indexOf('.') + 1) : t));
    return { schemas, tables };
}
/**
 * pg_restore -n restores what is in a schema but not the schema itself: the schemas a partial
 * restore names are created first when missing. Returns those it created, to drop again if the
 * restore fails (DROP SCHEMA without CASCADE: only an empty one goes).
 */
async function createMissingSchemas(conn, credential, database, schemas) {
    if (schemas.length === 0)
        return [];
    return (0, client_1.withPostgres)(conn, database, credential, async (client) => {
        const existing = await client.query('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)', [schemas]);
        const missing = schemas.filter((s) => !existing.rows.some((r) => r.nspname === s));
        for (const schema of missing)
            await client.query(`CREATE SCHEMA ${(0, client_1.quoteIdent)(schema)}`);
        return missing;
    });
}
async function dropSchemas(conn, credential, database, schemas) {
    if (schemas.length === 0)
        return;
    await (0, client_1.withPostgres)(conn, database, credential, async (client) => {
        for (const schema of schemas)
            await client.query(`DROP SCHEMA IF EXISTS ${(0, client_1.quoteIdent)(schema)}`);
    }).catch(() => undefined);
}
async function databaseExists(client, database) {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    return (result.rowCount ?? 0) > 0;
}
/**
 * Whether the restore may go ahead: a full restore never replaces an existing database unless
 * asked to. Checked when the job is validated and again when it runs.
 */
async function checkPostgresRestore(conn, credential, request) {
    pgRestoreSelection(request);
    return (0, client_1.withPostgres)(conn, MAINTENANCE_DB, credential, async (client) => {
        const exists = await databaseExists(client, request.database);
        if (exists && !request.overwrite && !isPartial(request))
            throw new errors_1.DatabaseError('DB_EXISTS', `Database "${request.database}" already exists on ${(0, connection_1.serverName)(conn)}; a restore does not replace it unless asked to.`, 'Pass --overwrite to replace it (it is dropped only after the restore has succeeded), or restore under another name with --database NEW.');
        return { exists };
    });
}
/**
 * Restores a custom-format dump, fed by `feed` into pg_restore's stdin, in one transaction
 * (--single-transaction --exit-on-error). A new database is built under a staging name and
 * renamed into place only when everything went in, so a failed restore leaves no half-made
 * database and an overwritten one is kept until its replacement is complete.
 */
async function restorePostgres(conn, credential, source, request, feed) {
    const { exists } = await checkPostgresRestore(conn, credential, request);
    const selection = pgRestoreSelection(request);
    const intoExisting = exists && isPartial(request);
    const runPgRestore = async (database, extra) => {
        const spec = (0, tools_1.pgToolSpec)('pg_restore', [
            `--dbname=${conninfoDbname(database)}`,
            '--single-transaction',
            '--exit-on-error',
            '--no-password',
            ...extra,
            ...selection,
        ], conn, database, credential);
        // With a selection, pg_restore stops reading once it has restored what was chosen.
        const tool = new tool_1.ToolProcess({ ...spec, mayStopReading: selection.length > 0 }, { stdin: true, stdout: false });
        await feed(tool.stdinSink());
        await tool.exited;
    };
    const { schemas } = selectionParts(request);
    if (intoExisting) {
        const created = await createMissingSchemas(conn, credential, request.database, schemas);
        try {
            await runPgRestore(request.database, request.overwrite ? ['--clean', '--if-exists'] : []);
        }
        catch (error) {
            await dropSchemas(conn, credential, request.database, created);
            throw error;
        }
        return { database: request.database, replaced: false, into_existing: true };
    }
    const staging = stagingName(request.jobId);
    await (0, client_1.withPostgres)(conn, MAINTENANCE_DB, credential, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${(0, client_1.quoteIdent)(staging)} WITH (FORCE)`);
        await client.query(`CREATE DATABASE ${(0, client_1.quoteIdent)(staging)} TEMPLATE template0 ENCODING ${literal(source.encoding)}` +
            ` LC_COLLATE ${literal(source.collate)} LC_CTYPE ${literal(source.ctype)}`);
    });
    try {
        await createMissingSchemas(conn, credential, staging, schemas);
        await runPgRestore(staging, []);
    }
    catch (error) {
        await (0, client_1.withPostgres)(conn, MAINTENANCE_DB, credential, (client) => client.query(`DROP DATABASE IF EXISTS ${(0, client_1.quoteIdent)(staging)} WITH (FORCE)`)).catch(() => undefined);
        throw error;
    }
    return (0, client_1.withPostgres)(conn, MAINTENANCE_DB, credential, async (client) => {
        const replaced = await databaseExists(client, request.database);
        if (replaced) {
            if (!request.overwrite)
                throw new errors_1.DatabaseError('DB_EXISTS', `Database "${request.database}" was created on ${(0, connection_1.serverName)(conn)} while the restore ran; the restored copy is kept as "${staging}".`, `Rename or drop one of them (ALTER DATABASE ${staging} RENAME TO ...).`);
            await client.query(`DROP DATABASE ${(0, client_1.quoteIdent)(request.database)} WITH (FORCE)`);
        }
        await client.query(`ALTER DATABASE ${(0, client_1.quoteIdent)(staging)} RENAME TO ${(0, client_1.quoteIdent)(request.database)}`);
        return { database: request.database, replaced, into_existing: false };
    });
}
//# sourceMappingURL=restore.js.map