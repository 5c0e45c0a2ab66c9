"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MysqlSourceInfoSchema = void 0;
const zod_1 = require("zod");
const table_stats_1 = require("../database/table-stats");
/** What a MySQL/MariaDB backup records about its source in the snapshot manifest (`source`). */
exports.MysqlSourceInfoSchema = zod_1.z.object({
    kind: zod_1.z.literal('mysql'),
    format: zod_1.z.literal('mysqldump-sql'),
    database: zod_1.z.string(),
    server: zod_1.z.object({ host: zod_1.z.string(), port: zod_1.z.number().int(), user: zod_1.z.string() }),
    server_version: zod_1.z.string(),
    tool: zod_1.z.object({ name: zod_1.z.string(), version: zod_1.z.string() }),
    /** The database's defaults, which a restore creates the new database with. */
    charset: zod_1.z.string(),
    collation: zod_1.z.string(),
    /**
     * Whether the table checksums were read in the dump's own snapshot (taken under a brief
     * FLUSH TABLES WITH READ LOCK, which needs the RELOAD privilege) or beside it.
     */
    checksums_in_dump_snapshot: zod_1.z.boolean(),
    selection: zod_1.z.object({ tables: zod_1.z.array(zod_1.z.string()), exclude_tables: zod_1.z.array(zod_1.z.string()) }),
    tables: zod_1.z.array(table_stats_1.TableStatSchema),
});
//# sourceMappingURL=source-info.js.map