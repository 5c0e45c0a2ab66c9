import { z } from 'zod';

/** A PostgreSQL base backup (pg_basebackup tar) in the snapshot manifest's `source`. */
export const PostgresBaseInfoSchema = z.object({
  kind: z.literal('postgres-base'),
  format: z.literal('pg_basebackup-tar'),
  /** The target whose WAL archive (`<target>.wal`) completes this backup. */
  target: z.string(),
  server: z.object({ host: z.string(), port: z.number().int(), user: z.string() }),
  server_version: z.string(),
  tool: z.object({ name: z.literal('pg_basebackup'), version: z.string() }),
  timeline: z.number().int().positive(),
  start_lsn: z.string(),
  start_wal_file: z.string(),
  started_at: z.string(),
  /** The backup is consistent from here on: the earliest time it can be recovered to. */
  ended_at: z.string(),
});
export type PostgresBaseInfo = z.infer<typeof PostgresBaseInfoSchema>;

/** One archived WAL file (or timeline history file) in the manifest's `source`. */
export const PostgresWalInfoSchema = z.object({
  kind: z.literal('postgres-wal'),
  target: z.string(),
  /** The file name PostgreSQL archived (%f): a 24-hex segment, or NNNNNNNN.history. */
  file: z.string().regex(/^[0-9A-F]{8}([0-9A-F]{16}(\.[0-9A-F]{8}\.backup|\.partial)?|\.history)$/),
  /** SHA-256 of the file, so that archiving it again can be told from a conflicting file. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Commit times found in the segment (UTC), for the point-in-time range; null when none. */
  first_commit_at: z.string().nullable(),
  last_commit_at: z.string().nullable(),
});
export type PostgresWalInfo = z.infer<typeof PostgresWalInfoSchema>;

/** The snapshot name a target's WAL archive is kept under. */
export function walArchiveName(target: string): string {
  return `${target}.wal`;
}
