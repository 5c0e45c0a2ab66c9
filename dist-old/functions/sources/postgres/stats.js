"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.listTables = listTables;
exports.tableStats = tableStats;
const table_stats_1 = require("../database/table-stats");
const client_1 = require("./client");
const ALL_TABLES = { schemas: [], tables: [] };
/** The user's ordinary tables (no catalogs, no partitioned parents: their rows are the partitions'). */
async function listTables(client) {
    const result = await client.query(`SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
      ORDER BY 1, 2`);
    return result.rows;
}
/**
 * Row count and checksum per selected table, read in the client's current transaction (the
 * dump's exported snapshot at backup time). The checksum is the sum of the first 64 bits of each
 * row's MD5 over its text form: independent of row order and of the physical layout, so a
 * restored table matches its source exactly when it holds the same rows.
 */
async function tableStats(client, selection = ALL_TABLES) {
    const stats = [];
    for (const table of await listTables(client)) {
        if (!(0, table_stats_1.isSelected)(table, selection))
            continue;
        const result = await client.query(`SELECT count(*)::text AS rows,
              coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint::numeric), 0)::text AS sum
         FROM ${(0, client_1.quoteIdent)(table.schema)}.${(0, client_1.quoteIdent)(table.name)} AS t`);
        const row = result.rows[0];
        stats.push({ ...table, rows: Number(row.rows), checksum: `md5sum64:${row.sum}` });
    }
    return stats;
}
//# sourceMappingURL=stats.js.map