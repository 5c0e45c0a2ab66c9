"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TableStatSchema = void 0;
exports.matchesTable = matchesTable;
exports.isSelected = isSelected;
exports.compareTableStats = compareTableStats;
const zod_1 = require("zod");
/**
 * What a table held when it was backed up: its row count and an order-independent checksum of
 * its rows, so a restore (or a restore test) can be compared with the source table by table.
 */
exports.TableStatSchema = zod_1.z.object({
    schema: zod_1.z.string(),
    name: zod_1.z.string(),
    rows: zod_1.z.number().int().nonnegative(),
    checksum: zod_1.z.string(),
});
/** Tables named `name` or `schema.name`, as target and restore selections spell them. */
function matchesTable(stat, selector) {
    return selector === stat.name || selector === `${stat.schema}.${stat.name}`;
}
function isSelected(table, filter) {
    if (filter.schemas.length > 0 && !filter.schemas.includes(table.schema))
        return false;
    if (filter.tables.length > 0 && !filter.tables.some((t) => matchesTable(table, t)))
        return false;
    return !(filter.exclude_tables ?? []).some((t) => matchesTable(table, t));
}
/** The differences between what was recorded and what a restored database holds. */
function compareTableStats(expected, actual) {
    const key = (t) => `${t.schema}.${t.name}`;
    const found = new Map(actual.map((t) => [key(t), t]));
    const problems = [];
    for (const want of expected) {
        const got = found.get(key(want));
        if (!got)
            problems.push({ table: key(want), problem: 'missing after the restore' });
        else if (got.rows !== want.rows)
            problems.push({ table: key(want), problem: `${got.rows} rows, the backup recorded ${want.rows}` });
        else if (got.checksum !== want.checksum)
            problems.push({ table: key(want), problem: 'same row count, different contents' });
    }
    return problems;
}
//# sourceMappingURL=table-stats.js.map