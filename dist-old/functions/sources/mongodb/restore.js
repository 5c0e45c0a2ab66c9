"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.mongorestoreArgs = mongorestoreArgs;
exports.checkMongoRestore = checkMongoRestore;
exports.restoreMongodb = restoreMongodb;
const tool_1 = require("../database/tool");
const restore_plan_1 = require("../database/restore-plan");
const tools_1 = require("./tools");
/** mongorestore's arguments: the archive's namespaces renamed to the target database, chosen ones only. */
function mongorestoreArgs(source, target, collections, drop) {
    return [
        '--archive',
        `--nsFrom=${source}.*`,
        `--nsTo=${target}.*`,
        ...(collections.length
            ? collections.map((c) => `--nsInclude=${source}.${c}`)
            : [`--nsInclude=${source}.*`]),
        ...(drop ? ['--drop'] : []),
        '--stopOnError',
    ];
}
/** The same rules as the other engines: nothing existing is replaced unless asked. */
async function checkMongoRestore(admin, conn, request) {
    return (0, restore_plan_1.refuseReplacing)(request, conn, {
        engine: 'MongoDB',
        object: 'collection',
        databaseExists: () => admin.databaseExists(request.database),
        present: async (collections) => (await admin.collections(request.database)).filter((c) => collections.includes(c)),
    });
}
/**
 * mongorestore --archive from the repository stream. As for MySQL: a new database is dropped
 * again if the restore fails, and --overwrite of a database first restores under a staging
 * name (MongoDB cannot rename a database), then replaces the old one.
 */
async function restoreMongodb(admin, conn, credential, source, request, feed) {
    const { exists } = await checkMongoRestore(admin, conn, request);
    const restoreInto = async (database, drop) => {
        const spec = (0, tools_1.mongoToolSpec)('mongorestore', mongorestoreArgs(source.database, database, request.tables, drop), conn, credential);
        try {
            const tool = new tool_1.ToolProcess(spec, { stdin: true, stdout: false });
            await feed(tool.stdinSink());
            await tool.exited;
        }
        finally {
            spec.cleanup();
        }
    };
    return (0, restore_plan_1.restoreWithoutRename)(request, exists, {
        drop: (database) => admin.dropDatabase(database).catch(() => undefined),
        restoreInto: (database, intoExisting) => restoreInto(database, intoExisting && request.overwrite),
    });
}
//# sourceMappingURL=restore.js.map