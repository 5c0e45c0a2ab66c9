"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.mongodumpArgs = mongodumpArgs;
exports.streamMongodump = streamMongodump;
exports.dumpMongodb = dumpMongodb;
exports.mongoCollectionStats = mongoCollectionStats;
const tool_1 = require("../database/tool");
const archive_1 = require("./archive");
const tools_1 = require("./tools");
function mongodumpArgs(database, excluded) {
    return ['--archive', `--db=${database}`, ...excluded.map((c) => `--excludeCollection=${c}`)];
}
/**
 * Runs mongodump --archive of one database and reads the archive as it streams: each
 * collection's document count and checksum come from the very bytes that are stored, so they
 * describe the dump exactly (mongodump of a standalone server has no point-in-time snapshot).
 */
function streamMongodump(conn, credential, database, excluded) {
    const spec = (0, tools_1.mongoToolSpec)('mongodump', mongodumpArgs(database, excluded), conn, credential);
    const tool = new tool_1.ToolProcess(spec, { stdin: false, stdout: true });
    const scanner = new archive_1.ArchiveScanner();
    async function* stream() {
        try {
            for await (const data of tool.stdout()) {
                scanner.push(data);
                yield data;
            }
            scanner.finish();
        }
        finally {
            tool.stop();
            spec.cleanup();
        }
    }
    return { stream: stream(), scanner, stop: () => tool.stop() };
}
async function dumpMongodb(config, credential) {
    const tool = await (0, tools_1.mongoToolVersion)('mongodump');
    const dump = streamMongodump(config, credential, config.database, config.exclude_tables);
    let ended = false;
    async function* stream() {
        yield* dump.stream;
        ended = true;
    }
    return {
        stream: stream(),
        close: async () => dump.stop(),
        info: async () => {
            if (!ended)
                throw new Error('the dump has not ended');
            return {
                kind: 'mongodb',
                format: 'mongodump-archive',
                database: config.database,
                server: { host: config.host, port: config.port, user: config.user },
                auth_database: config.auth_database,
                server_version: dump.scanner.serverVersion ?? 'unknown',
                tool,
                selection: { exclude_tables: config.exclude_tables },
                tables: dump.scanner.stats(config.database),
            };
        },
    };
}
/** The collections of a database now, read through mongodump (for the check after a restore). */
async function mongoCollectionStats(conn, credential, database) {
    const dump = streamMongodump(conn, credential, database, []);
    for await (const _ of dump.stream)
        ;
    return dump.scanner.stats(database);
}
//# sourceMappingURL=dump.js.map