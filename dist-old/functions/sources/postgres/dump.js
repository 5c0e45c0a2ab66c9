"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.exactPattern = exactPattern;
exports.pgDumpArgs = pgDumpArgs;
exports.dumpPostgres = dumpPostgres;
const dump_session_1 = require("../database/dump-session");
const tool_1 = require("../database/tool");
const client_1 = require("./client");
const stats_1 = require("./stats");
const tools_1 = require("./tools");
/** An exact name as a pg_dump pattern: quoted, so no character is a wildcard. */
function exactPattern(name) {
    const quote = (part) => `"${part.replace(/"/g, '""')}"`;
    const dot = name.indexOf('.');
    return dot > 0 ? `${quote(name.slice(0, dot))}.${quote(name.slice(dot + 1))}` : quote(name);
}
function pgDumpArgs(config, snapshot) {
    return [
        // Custom format without pg_dump's compression: the repository compresses per chunk, and
        // uncompressed dumps of a slowly changing database deduplicate against the previous one.
        '--format=custom',
        '--compress=0',
        `--snapshot=${snapshot}`,
        '--no-password',
        ...config.schemas.map((s) => `--schema=${exactPattern(s)}`),
        ...config.tables.map((t) => `--table=${exactPattern(t)}`),
        ...config.exclude_tables.map((t) => `--exclude-table=${exactPattern(t)}`),
    ];
}
/**
 * Starts pg_dump in custom format on a snapshot that this process exports and holds, and
 * computes the table checksums in the same snapshot while the dump streams: the recorded
 * checksums describe exactly the rows in the dump, whatever is written meanwhile.
 */
async function dumpPostgres(config, credential) {
    const toolVersion = await (0, tools_1.pgToolVersion)('pg_dump');
    const client = await (0, client_1.connectPostgres)(config, config.database, credential);
    let facts;
    try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const result = await client.query(`SELECT pg_export_snapshot() AS snapshot, current_setting('server_version') AS version,
              pg_encoding_to_char(d.encoding) AS encoding, d.datcollate AS collate, d.datctype AS ctype
         FROM pg_database d WHERE d.datname = current_database()`);
        facts = result.rows[0];
    }
    catch (error) {
        await client.end().catch(() => undefined);
        throw (0, client_1.describePgError)(error, config, config.database);
    }
    const tool = new tool_1.ToolProcess((0, tools_1.pgToolSpec)('pg_dump', pgDumpArgs(config, facts.snapshot), config, config.database, credential), { stdin: false, stdout: true });
    const stats = (0, stats_1.tableStats)(client, config);
    stats.catch(() => undefined);
    return (0, dump_session_1.dumpSession)({
        bytes: tool.stdout(),
        // Ending the session ends the snapshot's transaction (and a checksum query still running).
        release: async () => {
            tool.stop();
            await client.end().catch(() => undefined);
        },
        describe: async () => {
            const tables = await stats.catch((error) => {
                throw (0, client_1.describePgError)(error, config, config.database);
            });
            return {
                kind: 'postgres',
                format: 'pg_dump-custom',
                database: config.database,
                server: { host: config.host, port: config.port, user: config.user },
                server_version: facts.version,
                tool: { name: 'pg_dump', version: toolVersion },
                encoding: facts.encoding,
                collate: facts.collate,
                ctype: facts.ctype,
                selection: {
                    schemas: config.schemas,
                    tables: config.tables,
                    exclude_tables: config.exclude_tables,
                },
                tables,
            };
        },
    });
}
//# sourceMappingURL=dump.js.map