"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.mongodbStrategy = void 0;
const connection_1 = require("../database/connection");
const strategy_1 = require("../database/strategy");
const table_stats_1 = require("../database/table-stats");
const admin_1 = require("./admin");
const dump_1 = require("./dump");
const restore_1 = require("./restore");
const source_info_1 = require("./source-info");
const tools_1 = require("./tools");
/** A restore connection names no authentication database: the user's is `admin` unless the target says otherwise. */
function mongoConnection(conn) {
    const auth = conn.auth_database;
    return { ...conn, auth_database: typeof auth === 'string' ? auth : 'admin' };
}
async function withAdmin(conn, credential, fn) {
    return (0, connection_1.withConnection)(() => (0, admin_1.mongoAdmin)(conn, credential), fn);
}
/** MongoDB: mongodump --archive in, mongorestore --archive out. */
exports.mongodbStrategy = {
    kind: 'mongodb',
    async probe(target, credential) {
        const config = (0, strategy_1.configOf)('mongodb', target);
        const tool = await (0, tools_1.mongoToolVersion)('mongodump');
        return withAdmin(config, credential, async (admin) => ({
            server_version: await admin.serverVersion(),
            database: config.database,
            size_bytes: await admin.databaseSize(config.database),
            tool,
        }));
    },
    dump: (target, credential) => (0, dump_1.dumpMongodb)((0, strategy_1.configOf)('mongodb', target), credential),
    sourceInfo: (raw) => source_info_1.MongodbSourceInfoSchema.parse(raw),
    async checkRestore(conn, credential, request) {
        await withAdmin(mongoConnection(conn), credential, (admin) => (0, restore_1.checkMongoRestore)(admin, mongoConnection(conn), request));
    },
    restore: (conn, credential, info, request, feed) => withAdmin(mongoConnection(conn), credential, (admin) => (0, restore_1.restoreMongodb)(admin, mongoConnection(conn), credential, source_info_1.MongodbSourceInfoSchema.parse(info), request, feed)),
    async tableStats(conn, credential, database, selection) {
        const stats = await (0, dump_1.mongoCollectionStats)(mongoConnection(conn), credential, database);
        return stats.filter((t) => (0, table_stats_1.isSelected)(t, selection));
    },
    dropDatabase: (conn, credential, database) => withAdmin(mongoConnection(conn), credential, (admin) => admin.dropDatabase(database)),
};
//# sourceMappingURL=strategy.js.map