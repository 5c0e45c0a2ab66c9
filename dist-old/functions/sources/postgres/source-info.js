"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PostgresSourceInfoSchema = void 0;
const zod_1 = require("zod");
const table_stats_1 = require("../database/table-stats");
/**
 * What a PostgreSQL logical backup records about its source in the snapshot manifest (`source`):
 * enough to restore it without the catalog, and to check a restore table by table.
 */
exports.PostgresSourceInfoSchema = zod_1.z.object({
    kind: zod_1.z.literal('postgres'),
    format: zod_1.z.literal('pg_dump-custom'),
    database: zod_1.z.string(),
    /** Where it was dumped from (a restore's default server); never a credential. */
    server: zod_1.z.object({ host: zod_1.z.string(), port: zod_1.z.number().int(), user: zod_1.z.string() }),
    server_version: zod_1.z.string(),
    tool: zod_1.z.object({ name: zod_1.z.literal('pg_dump'), version: zod_1.z.string() }),
    /** The source database's settings, which a restore creates the new database with. */
    encoding: zod_1.z.string(),
    collate: zod_1.z.string(),
    ctype: zod_1.z.string(),
    selection: zod_1.z.object({
        schemas: zod_1.z.array(zod_1.z.string()),
        tables: zod_1.z.array(zod_1.z.string()),
        exclude_tables: zod_1.z.array(zod_1.z.string()),
    }),
    tables: zod_1.z.array(table_stats_1.TableStatSchema),
});
//# sourceMappingURL=source-info.js.map