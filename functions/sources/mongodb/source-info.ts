import { z } from 'zod';
import { TableStatSchema } from '../database/table-stats';

/** What a MongoDB backup records about its source in the snapshot manifest (`source`). */
export const MongodbSourceInfoSchema = z.object({
  kind: z.literal('mongodb'),
  format: z.literal('mongodump-archive'),
  database: z.string(),
  server: z.object({ host: z.string(), port: z.number().int(), user: z.string() }),
  /** Where the user is defined, for a restore to the same server. */
  auth_database: z.string(),
  server_version: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
  selection: z.object({ exclude_tables: z.array(z.string()) }),
  /** Per collection (in `name`): documents and checksum, read from the archive as it streamed. */
  tables: z.array(TableStatSchema),
});
export type MongodbSourceInfo = z.infer<typeof MongodbSourceInfoSchema>;
