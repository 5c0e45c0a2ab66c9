"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.mysqlStrategy = void 0;
const strategy_1 = require("../database/strategy");
const client_1 = require("./client");
const dump_1 = require("./dump");
const restore_1 = require("./restore");
const source_info_1 = require("./source-info");
const stats_1 = require("./stats");
const tools_1 = require("./tools");
/** MySQL and MariaDB: mysqldump/mariadb-dump SQL in, the mysql/mariadb client out. */
exports.mysqlStrategy = {
    kind: 'mysql',
    async probe(target, credential) {
        const config = (0, strategy_1.configOf)('mysql', target);
        const tool = await (0, tools_1.mysqlToolVersion)('dump');
        return (0, client_1.withMysql)(config, config.database, credential, async (client) => {
            const [rows] = await client.query(`SELECT VERSION() AS version, CAST(COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS CHAR) AS size
           FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`, [config.database]);
            return {
                server_version: String(rows[0].version),
                database: config.database,
                size_bytes: Number(rows[0].size),
                tool,
            };
        });
    },
    dump: (target, credential) => (0, dump_1.dumpMysql)((0, strategy_1.configOf)('mysql', target), credential),
    sourceInfo: (raw) => source_info_1.MysqlSourceInfoSchema.parse(raw),
    async checkRestore(conn, credential, request) {
        await (0, restore_1.checkMysqlRestore)(conn, credential, request);
    },
    restore: (conn, credential, info, request, feed) => (0, restore_1.restoreMysql)(conn, credential, source_info_1.MysqlSourceInfoSchema.parse(info), request, feed),
    tableStats: (conn, credential, database, selection) => (0, client_1.withMysql)(conn, database, credential, (client) => (0, stats_1.mysqlTableStats)(client, database, selection)),
    async dropDatabase(conn, credential, database) {
        await (0, client_1.withMysql)(conn, undefined, credential, (client) => client.query(`DROP DATABASE IF EXISTS ${(0, client_1.quoteIdent)(database)}`));
    },
};
//# sourceMappingURL=strategy.js.map