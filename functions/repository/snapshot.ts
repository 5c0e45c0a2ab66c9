import { z } from 'zod';
import { ChunkerSettingsSchema } from './config';

import { BackupTypeSchema, TargetTypeSchema, type BackupType, type TargetType } from '../core/model/enums';

/** The seed's enums, kept verbatim (functions/core/model): the catalog's and the API's too. */
export { BackupTypeSchema, TargetTypeSchema };
export type { BackupType, TargetType };

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

export const SnapshotStatsSchema = z.object({
  original_size_bytes: z.number().int().nonnegative(),
  /** Bytes of the new chunks after compression, before encryption. */
  compressed_size_bytes: z.number().int().nonnegative(),
  /** Bytes this backup added to the repository: packs, index and manifest. */
  final_size_bytes: z.number().int().nonnegative(),
  chunks_total: z.number().int().nonnegative(),
  chunks_new: z.number().int().nonnegative(),
  chunks_reused: z.number().int().nonnegative(),
  bytes_new: z.number().int().nonnegative(),
  bytes_reused: z.number().int().nonnegative(),
  packs_written: z.number().int().nonnegative(),
  /** Tree snapshots only: what the walk found, by the change detection against the parent. */
  tree: z
    .object({
      files_new: z.number().int().nonnegative(),
      files_changed: z.number().int().nonnegative(),
      files_unmodified: z.number().int().nonnegative(),
      file_bytes_new: z.number().int().nonnegative(),
      file_bytes_changed: z.number().int().nonnegative(),
      file_bytes_unmodified: z.number().int().nonnegative(),
      dirs: z.number().int().nonnegative(),
      symlinks: z.number().int().nonnegative(),
      skipped: z.number().int().nonnegative(),
      warnings: z.number().int().nonnegative(),
    })
    .optional(),
});
export type TreeStats = NonNullable<SnapshotStats['tree']>;
export type SnapshotStats = z.infer<typeof SnapshotStatsSchema>;

export const StreamContentSchema = z.object({
  kind: z.literal('stream'),
  size: z.number().int().nonnegative(),
  chunk_count: z.number().int().nonnegative(),
  lists: z.array(hex32),
});
export type StreamContent = z.infer<typeof StreamContentSchema>;

/** A directory tree: the root directory's tree parts, and the paths that were backed up. */
export const TreeContentSchema = z.object({
  kind: z.literal('tree'),
  /** Bytes of all regular files. */
  size: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  tree: z.array(hex32).min(1),
  paths: z.array(z.string()).min(1),
});
export type TreeContent = z.infer<typeof TreeContentSchema>;

/**
 * A snapshot manifest is complete on its own: with it, the index and the packs, its data
 * restores without any other snapshot ("synthetic full"). The parent only served deduplication.
 */
export const SnapshotManifestSchema = z.object({
  v: z.literal(1),
  id: z.string(),
  repo_id: z.string(),
  name: z.string().min(1),
  target_type: TargetTypeSchema,
  backup_type: BackupTypeSchema,
  parent_backup_id: z.string().nullable(),
  host: z.string(),
  started_at: z.string(),
  completed_at: z.string(),
  chunker: ChunkerSettingsSchema,
  compression_algorithm: z.enum(['zstd', 'gzip', 'none']),
  content: z.discriminatedUnion('kind', [StreamContentSchema, TreeContentSchema]),
  /**
   * 'sha256-chunks' (streams): SHA-256 over the chunks' SHA-256 digests (crypto.ts).
   * 'sha256-tree' (trees): SHA-256 over the root tree's parts, in order (tree.ts); every id below
   * the root is a keyed hash of what it names, so this binds the whole tree.
   */
  checksum_algorithm: z.enum(['sha256-chunks', 'sha256-tree']),
  checksum_value: z.string().regex(/^[0-9a-f]{64}$/),
  stats: SnapshotStatsSchema,
  /**
   * What the source was, as its strategy describes it (functions/sources/<kind>): for a
   * database dump, the engine, database, server, tool version and per-table checksums. Absent
   * for file trees and plain streams. Readers that do not know `kind` ignore it.
   */
  source: z.looseObject({ kind: z.string() }).optional(),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifestSchema>;

/** What a listing shows; derived from a manifest. */
export interface SnapshotSummary {
  id: string;
  name: string;
  backup_type: BackupType;
  parent_backup_id: string | null;
  started_at: string;
  completed_at: string;
  original_size_bytes: number;
  final_size_bytes: number;
}

export function summarize(m: SnapshotManifest): SnapshotSummary {
  return {
    id: m.id,
    name: m.name,
    backup_type: m.backup_type,
    parent_backup_id: m.parent_backup_id,
    started_at: m.started_at,
    completed_at: m.completed_at,
    original_size_bytes: m.content.size,
    final_size_bytes: m.stats.final_size_bytes,
  };
}
