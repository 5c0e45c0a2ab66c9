import { z } from 'zod';
import { TableStatSchema } from '../database/table-stats';

/** What a MySQL/MariaDB backup records about its source in the snapshot manifest (`source`). */
export const MysqlSourceInfoSchema = z.object({
  kind: z.literal('mysql'),
  format: z.literal('mysqldump-sql'),
  database: z.string(),
  server: z.object({ host: z.string(), port: z.number().int(), user: z.string() }),
  server_version: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
  /** The database's defaults, which a restore creates the new database with. */
  charset: z.string(),
  collation: z.string(),
  /**
   * Whether the table checksums were read in the dump's own snapshot (taken under a brief
   * FLUSH TABLES WITH READ LOCK, which needs the RELOAD privilege) or beside it.
   */
  checksums_in_dump_snapshot: z.boolean(),
  selection: z.object({ tables: z.array(z.string()), exclude_tables: z.array(z.string()) }),
  tables: z.array(TableStatSchema),
});
export type MysqlSourceInfo = z.infer<typeof MysqlSourceInfoSchema>;
