import { z } from 'zod';

/**
 * What a table held when it was backed up: its row count and an order-independent checksum of
 * its rows, so a restore (or a restore test) can be compared with the source table by table.
 */
export const TableStatSchema = z.object({
  schema: z.string(),
  name: z.string(),
  rows: z.number().int().nonnegative(),
  checksum: z.string(),
});
export type TableStat = z.infer<typeof TableStatSchema>;

export interface TableDifference {
  table: string;
  problem: string;
}

/** Tables named `name` or `schema.name`, as target and restore selections spell them. */
export function matchesTable(stat: Pick<TableStat, 'schema' | 'name'>, selector: string): boolean {
  return selector === stat.name || selector === `${stat.schema}.${stat.name}`;
}

/** Which tables: whole schemas, tables by name, and tables left out; empty lists select all. */
export interface TableFilter {
  schemas: readonly string[];
  tables: readonly string[];
  exclude_tables?: readonly string[];
}

export function isSelected(table: { schema: string; name: string }, filter: TableFilter): boolean {
  if (filter.schemas.length > 0 && !filter.schemas.includes(table.schema)) return false;
  if (filter.tables.length > 0 && !filter.tables.some((t) => matchesTable(table, t))) return false;
  return !(filter.exclude_tables ?? []).some((t) => matchesTable(table, t));
}

/** The differences between what was recorded and what a restored database holds. */
export function compareTableStats(
  expected: readonly TableStat[],
  actual: readonly TableStat[],
): TableDifference[] {
  const key = (t: TableStat) => `${t.schema}.${t.name}`;
  const found = new Map(actual.map((t) => [key(t), t]));
  const problems: TableDifference[] = [];
  for (const want of expected) {
    const got = found.get(key(want));
    if (!got) problems.push({ table: key(want), problem: 'missing after the restore' });
    else if (got.rows !== want.rows)
      problems.push({ table: key(want), problem: `${got.rows} rows, the backup recorded ${want.rows}` });
    else if (got.checksum !== want.checksum)
      problems.push({ table: key(want), problem: 'same row count, different contents' });
  }
  return problems;
}
