"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.postgresStrategy = void 0;
const strategy_1 = require("../database/strategy");
const client_1 = require("./client");
const dump_1 = require("./dump");
const basebackup_1 = require("./physical/basebackup");
const restore_1 = require("./restore");
const source_info_1 = require("./source-info");
const stats_1 = require("./stats");
const tools_1 = require("./tools");
/** PostgreSQL logical backups: pg_dump custom format in, pg_restore out. */
exports.postgresStrategy = {
    kind: 'postgres',
    async probe(target, credential) {
        const config = (0, strategy_1.configOf)('postgres', target);
        const tool = { name: 'pg_dump', version: await (0, tools_1.pgToolVersion)('pg_dump') };
        return (0, client_1.withPostgres)(config, config.database, credential, async (client) => {
            const result = await client.query(`SELECT current_setting('server_version') AS version, pg_database_size(current_database())::text AS size`);
            const row = result.rows[0];
            return { server_version: row.version, database: config.database, size_bytes: Number(row.size), tool };
        });
    },
    dump: (target, credential, name) => {
        const config = (0, strategy_1.configOf)('postgres', target);
        return config.mode === 'physical'
            ? (0, basebackup_1.basebackupPostgres)(config, name, credential)
            : (0, dump_1.dumpPostgres)(config, credential);
    },
    sourceInfo: (raw) => source_info_1.PostgresSourceInfoSchema.parse(raw),
    async checkRestore(conn, credential, request) {
        await (0, restore_1.checkPostgresRestore)(conn, credential, request);
    },
    restore: (conn, credential, info, request, feed) => (0, restore_1.restorePostgres)(conn, credential, source_info_1.PostgresSourceInfoSchema.parse(info), request, feed),
    tableStats: (conn, credential, database, selection) => (0, client_1.withPostgres)(conn, database, credential, (client) => (0, stats_1.tableStats)(client, selection)),
    async dropDatabase(conn, credential, database) {
        await (0, client_1.withPostgres)(conn, 'postgres', credential, (client) => client.query(`DROP DATABASE IF EXISTS ${(0, client_1.quoteIdent)(database)} WITH (FORCE)`));
    },
};
//# sourceMappingURL=strategy.js.map