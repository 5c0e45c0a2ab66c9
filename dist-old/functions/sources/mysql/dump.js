"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.mysqlDumpArgs = mysqlDumpArgs;
exports.dumpMysql = dumpMysql;
const errors_1 = require("../../core/errors");
const dump_session_1 = require("../database/dump-session");
const tool_1 = require("../database/tool");
const client_1 = require("./client");
const stats_1 = require("./stats");
const tools_1 = require("./tools");
function mysqlDumpArgs(config) {
    return [
        '--single-transaction',
        '--routines',
        '--triggers',
        '--events',
        '--hex-blob',
        // No date in the trailer: two dumps of an unchanged database are the same bytes.
        '--skip-dump-date',
        '--default-character-set=utf8mb4',
        ...config.exclude_tables.map((t) => `--ignore-table=${config.database}.${t}`),
        // A name that starts with '-' would be read as an option: everything after -- is a name.
        '--',
        config.database,
        ...config.tables,
    ];
}
/**
 * mysqldump writes its header, then opens its transaction (START TRANSACTION WITH CONSISTENT
 * SNAPSHOT), then writes every section under one of these comments: the first of them (or the
 * end of the stream) proves that its snapshot exists.
 */
const AFTER_SNAPSHOT = /\n-- (Table structure for table|Dumping |Temporary table structure|Final view structure|Dump completed)/;
/**
 * Starts mysqldump --single-transaction, with table checksums read in the same consistent view:
 * under a brief FLUSH TABLES WITH READ LOCK (as mysqldump --master-data takes one), Lifeboat
 * opens its snapshot and starts the dump, and releases the lock as soon as the dump's output
 * shows that the dump has opened its own. Nothing commits in between, so both snapshots see the
 * same data. Without the RELOAD privilege the checksums are read beside the dump, and the
 * manifest says so.
 */
async function dumpMysql(config, credential) {
    const tool = await (0, tools_1.mysqlToolVersion)('dump');
    const snapshot = await (0, client_1.connectMysql)(config, config.database, credential);
    let lock;
    let dump;
    let facts;
    let inDumpSnapshot = true;
    try {
        lock = await (0, client_1.connectMysql)(config, undefined, credential);
        try {
            await lock.query('FLUSH TABLES WITH READ LOCK');
        }
        catch (error) {
            if (error.code !== 'ER_SPECIFIC_ACCESS_DENIED_ERROR')
                throw error;
            inDumpSnapshot = false;
        }
        await snapshot.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await snapshot.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
        const [rows] = await snapshot.query(`SELECT VERSION() AS version, DEFAULT_CHARACTER_SET_NAME AS charset,
              DEFAULT_COLLATION_NAME AS collation
         FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`, [config.database]);
        const row = rows[0];
        facts = { version: String(row.version), charset: String(row.charset), collation: String(row.collation) };
        dump = new tool_1.ToolProcess((0, tools_1.mysqlToolSpec)('dump', mysqlDumpArgs(config), config, credential), {
            stdin: false,
            stdout: true,
        });
    }
    catch (error) {
        dump?.stop();
        await lock?.end().catch(() => undefined);
        await snapshot.end().catch(() => undefined);
        throw error instanceof errors_1.LifeboatError ? error : (0, client_1.describeMysqlError)(error, config, config.database);
    }
    const held = inDumpSnapshot ? lock : undefined;
    if (!held)
        await lock.end().catch(() => undefined);
    let released = !held;
    const release = async () => {
        if (released)
            return;
        released = true;
        // Ending the session releases the global read lock (and runs nothing else on it).
        await held.end().catch(() => undefined);
    };
    const tool_ = dump;
    const stats = (0, stats_1.mysqlTableStats)(snapshot, config.database, { schemas: [], ...config });
    stats.catch(() => undefined);
    async function* bytes() {
        let tail = '';
        try {
            for await (const data of tool_.stdout()) {
                if (!released) {
                    const text = tail + data.toString('latin1');
                    if (AFTER_SNAPSHOT.test(text))
                        await release();
                    tail = text.slice(-80);
                }
                yield data;
            }
        }
        finally {
            await release();
        }
    }
    return (0, dump_session_1.dumpSession)({
        bytes: bytes(),
        release: async () => {
            await release();
            tool_.stop();
            snapshot.destroy();
        },
        describe: async () => {
            const tables = await stats.catch((error) => {
                throw (0, client_1.describeMysqlError)(error, config, config.database);
            });
            return {
                kind: 'mysql',
                format: 'mysqldump-sql',
                database: config.database,
                server: { host: config.host, port: config.port, user: config.user },
                server_version: facts.version,
                tool,
                charset: facts.charset,
                collation: facts.collation,
                checksums_in_dump_snapshot: inDumpSnapshot,
                selection: { tables: config.tables, exclude_tables: config.exclude_tables },
                tables,
            };
        },
    });
}
//# sourceMappingURL=dump.js.map