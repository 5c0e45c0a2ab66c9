"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MongodbSourceInfoSchema = void 0;
const zod_1 = require("zod");
const table_stats_1 = require("../database/table-stats");
/** What a MongoDB backup records about its source in the snapshot manifest (`source`). */
exports.MongodbSourceInfoSchema = zod_1.z.object({
    kind: zod_1.z.literal('mongodb'),
    format: zod_1.z.literal('mongodump-archive'),
    database: zod_1.z.string(),
    server: zod_1.z.object({ host: zod_1.z.string(), port: zod_1.z.number().int(), user: zod_1.z.string() }),
    /** Where the user is defined, for a restore to the same server. */
    auth_database: zod_1.z.string(),
    server_version: zod_1.z.string(),
    tool: zod_1.z.object({ name: zod_1.z.string(), version: zod_1.z.string() }),
    selection: zod_1.z.object({ exclude_tables: zod_1.z.array(zod_1.z.string()) }),
    /** Per collection (in `name`): documents and checksum, read from the archive as it streamed. */
    tables: zod_1.z.array(table_stats_1.TableStatSchema),
});
//# sourceMappingURL=source-info.js.map