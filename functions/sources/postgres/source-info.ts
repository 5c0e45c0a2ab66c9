import { z } from 'zod';
import { TableStatSchema } from '../database/table-stats';

/**
 * What a PostgreSQL logical backup records about its source in the snapshot manifest (`source`):
 * enough to restore it without the catalog, and to check a restore table by table.
 */
export const PostgresSourceInfoSchema = z.object({
  kind: z.literal('postgres'),
  format: z.literal('pg_dump-custom'),
  database: z.string(),
  /** Where it was dumped from (a restore's default server); never a credential. */
  server: z.object({ host: z.string(), port: z.number().int(), user: z.string() }),
  server_version: z.string(),
  tool: z.object({ name: z.literal('pg_dump'), version: z.string() }),
  /** The source database's settings, which a restore creates the new database with. */
  encoding: z.string(),
  collate: z.string(),
  ctype: z.string(),
  selection: z.object({
    schemas: z.array(z.string()),
    tables: z.array(z.string()),
    exclude_tables: z.array(z.string()),
  }),
  tables: z.array(TableStatSchema),
});
export type PostgresSourceInfo = z.infer<typeof PostgresSourceInfoSchema>;
