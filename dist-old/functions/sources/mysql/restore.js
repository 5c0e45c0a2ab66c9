"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkMysqlRestore = checkMysqlRestore;
exports.restoreMysql = restoreMysql;
const errors_1 = require("../../core/errors");
const tool_1 = require("../database/tool");
const client_1 = require("./client");
const restore_plan_1 = require("../database/restore-plan");
const table_filter_1 = require("./table-filter");
const tools_1 = require("./tools");
async function databaseExists(conn, credential, database) {
    return (0, client_1.withMysql)(conn, undefined, credential, async (client) => {
        const [rows] = await client.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
        return rows.length > 0;
    });
}
/**
 * A full restore never replaces an existing database unless asked; a partial one never
 * replaces an existing table unless asked (mysqldump's sections begin with DROP TABLE).
 */
async function checkMysqlRestore(conn, credential, request) {
    return (0, restore_plan_1.refuseReplacing)(request, conn, {
        engine: 'MySQL',
        object: 'table',
        databaseExists: () => databaseExists(conn, credential, request.database),
        present: (tables) => (0, client_1.withMysql)(conn, request.database, credential, async (client) => {
            const [rows] = await client.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?)', [request.database, tables]);
            return rows.map((r) => String(r.name));
        }),
    });
}
/**
 * Restores a mysqldump SQL dump through the mysql client. A new database is dropped again if
 * the restore fails. Replacing a database (--overwrite) first restores the backup under a
 * staging name, so the old one is dropped only once the backup has proved restorable (MySQL
 * cannot rename a database, so the data is then restored a second time under its name).
 * Partial restores filter the dump to the chosen tables; MySQL's DDL is not transactional, so
 * a table that fails half-way is left as far as it got (and reported).
 */
async function restoreMysql(conn, credential, source, request, feed) {
    const { exists } = await checkMysqlRestore(conn, credential, request);
    const admin = (sql) => (0, client_1.withMysql)(conn, undefined, credential, (client) => client.query(sql));
    const create = (database) => admin(`CREATE DATABASE ${(0, client_1.quoteIdent)(database)} CHARACTER SET ${(0, client_1.quoteIdent)(source.charset)} COLLATE ${(0, client_1.quoteIdent)(source.collation)}`);
    const drop = (database) => admin(`DROP DATABASE IF EXISTS ${(0, client_1.quoteIdent)(database)}`).catch(() => undefined);
    const restoreInto = async (database) => {
        const tool = new tool_1.ToolProcess((0, tools_1.mysqlToolSpec)('client', ['--binary-mode', `--database=${database}`], conn, credential), { stdin: true, stdout: false });
        const sink = tool.stdinSink();
        await feed(request.tables.length > 0 ? (0, table_filter_1.tableFilterSink)(sink, request.tables) : sink);
        await tool.exited;
    };
    return (0, restore_plan_1.restoreWithoutRename)(request, exists, {
        create: async (database) => void (await create(database)),
        drop: async (database) => void (await drop(database)),
        restoreInto: async (database, intoExisting) => {
            try {
                await restoreInto(database);
            }
            catch (error) {
                if (!intoExisting || !(error instanceof errors_1.ToolFailedError))
                    throw error;
                throw new errors_1.ToolFailedError(error.tool, error.exit, error.stderr, `MySQL does not roll back table changes: the tables restored before the failure are in "${database}" as far as they got. Fix the cause and restore them again with --overwrite.`);
            }
        },
    });
}
//# sourceMappingURL=restore.js.map