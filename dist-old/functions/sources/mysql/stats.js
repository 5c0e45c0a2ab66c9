"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.listMysqlTables = listMysqlTables;
exports.mysqlTableStats = mysqlTableStats;
const table_stats_1 = require("../database/table-stats");
const client_1 = require("./client");
/** Column types whose bytes are hashed as hex (their text form would depend on the character set). */
const BINARY_TYPES = new Set([
    'binary',
    'varbinary',
    'tinyblob',
    'blob',
    'mediumblob',
    'longblob',
    'bit',
    'geometry',
]);
/** A database's base tables (MySQL has no schemas inside a database: `schema` is empty). */
async function listMysqlTables(client, database) {
    const [rows] = await client.query(`SELECT TABLE_NAME AS name FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`, [database]);
    return rows.map((r) => ({ schema: '', name: String(r.name) }));
}
/**
 * Row count and checksum per selected table, read in the connection's current transaction.
 * As for PostgreSQL, the checksum is the sum over rows of the first 64 bits of an MD5 of the
 * row, so it ignores row order and storage; NULL and the empty string hash differently.
 */
async function mysqlTableStats(client, database, filter = { schemas: [], tables: [] }) {
    const stats = [];
    for (const table of await listMysqlTables(client, database)) {
        if (!(0, table_stats_1.isSelected)(table, filter))
            continue;
        const [columns] = await client.query(`SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, [database, table.name]);
        const parts = columns.map((c) => {
            const column = (0, client_1.quoteIdent)(String(c.name));
            const text = BINARY_TYPES.has(String(c.type)) ? `HEX(${column})` : `CAST(${column} AS CHAR)`;
            return `IFNULL(CONCAT('v', ${text}), 'n')`;
        });
        const [rows] = await client.query(`SELECT CAST(COUNT(*) AS CHAR) AS n,
              CAST(COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT_WS('|', ${parts.join(', ')})), 1, 16), 16, 10) AS UNSIGNED)), 0) AS CHAR) AS s
         FROM ${(0, client_1.quoteIdent)(database)}.${(0, client_1.quoteIdent)(table.name)}`);
        stats.push({ ...table, rows: Number(rows[0].n), checksum: `md5sum64u:${String(rows[0].s)}` });
    }
    return stats;
}
//# sourceMappingURL=stats.js.map