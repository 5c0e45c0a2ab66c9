"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SnapshotManifestSchema = exports.TreeContentSchema = exports.StreamContentSchema = exports.SnapshotStatsSchema = exports.TargetTypeSchema = exports.BackupTypeSchema = void 0;
exports.summarize = summarize;
const zod_1 = require("zod");
const config_1 = require("./config");
const enums_1 = require("../core/model/enums");
Object.defineProperty(exports, "BackupTypeSchema", { enumerable: true, get: function () { return enums_1.BackupTypeSchema; } });
Object.defineProperty(exports, "TargetTypeSchema", { enumerable: true, get: function () { return enums_1.TargetTypeSchema; } });
const hex32 = zod_1.z.string().regex(/^[0-9a-f]{64}$/);
exports.SnapshotStatsSchema = zod_1.z.object({
    original_size_bytes: zod_1.z.number().int().nonnegative(),
    /** Bytes of the new chunks after compression, before encryption. */
    compressed_size_bytes: zod_1.z.number().int().nonnegative(),
    /** Bytes this backup added to the repository: packs, index and manifest. */
    final_size_bytes: zod_1.z.number().int().nonnegative(),
    chunks_total: zod_1.z.number().int().nonnegative(),
    chunks_new: zod_1.z.number().int().nonnegative(),
    chunks_reused: zod_1.z.number().int().nonnegative(),
    bytes_new: zod_1.z.number().int().nonnegative(),
    bytes_reused: zod_1.z.number().int().nonnegative(),
    packs_written: zod_1.z.number().int().nonnegative(),
    /** Tree snapshots only: what the walk found, by the change detection against the parent. */
    tree: zod_1.z
        .object({
        files_new: zod_1.z.number().int().nonnegative(),
        files_changed: zod_1.z.number().int().nonnegative(),
        files_unmodified: zod_1.z.number().int().nonnegative(),
        file_bytes_new: zod_1.z.number().int().nonnegative(),
        file_bytes_changed: zod_1.z.number().int().nonnegative(),
        file_bytes_unmodified: zod_1.z.number().int().nonnegative(),
        dirs: zod_1.z.number().int().nonnegative(),
        symlinks: zod_1.z.number().int().nonnegative(),
        skipped: zod_1.z.number().int().nonnegative(),
        warnings: zod_1.z.number().int().nonnegative(),
    })
        .optional(),
});
exports.StreamContentSchema = zod_1.z.object({
    kind: zod_1.z.literal('stream'),
    size: zod_1.z.number().int().nonnegative(),
    chunk_count: zod_1.z.number().int().nonnegative(),
    lists: zod_1.z.array(hex32),
});
/** A directory tree: the root directory's tree parts, and the paths that were backed up. */
exports.TreeContentSchema = zod_1.z.object({
    kind: zod_1.z.literal('tree'),
    /** Bytes of all regular files. */
    size: zod_1.z.number().int().nonnegative(),
    files: zod_1.z.number().int().nonnegative(),
    tree: zod_1.z.array(hex32).min(1),
    paths: zod_1.z.array(zod_1.z.string()).min(1),
});
/**
 * A snapshot manifest is complete on its own: with it, the index and the packs, its data
 * restores without any other snapshot ("synthetic full"). The parent only served deduplication.
 */
exports.SnapshotManifestSchema = zod_1.z.object({
    v: zod_1.z.literal(1),
    id: zod_1.z.string(),
    repo_id: zod_1.z.string(),
    name: zod_1.z.string().min(1),
    target_type: enums_1.TargetTypeSchema,
    backup_type: enums_1.BackupTypeSchema,
    parent_backup_id: zod_1.z.string().nullable(),
    host: zod_1.z.string(),
    started_at: zod_1.z.string(),
    completed_at: zod_1.z.string(),
    chunker: config_1.ChunkerSettingsSchema,
    compression_algorithm: zod_1.z.enum(['zstd', 'gzip', 'none']),
    content: zod_1.z.discriminatedUnion('kind', [exports.StreamContentSchema, exports.TreeContentSchema]),
    /**
     * 'sha256-chunks' (streams): SHA-256 over the chunks' SHA-256 digests (crypto.ts).
     * 'sha256-tree' (trees): SHA-256 over the root tree's parts, in order (tree.ts); every id below
     * the root is a keyed hash of what it names, so this binds the whole tree.
     */
    checksum_algorithm: zod_1.z.enum(['sha256-chunks', 'sha256-tree']),
    checksum_value: zod_1.z.string().regex(/^[0-9a-f]{64}$/),
    stats: exports.SnapshotStatsSchema,
    /**
     * What the source was, as its strategy describes it (functions/sources/<kind>): for a
     * database dump, the engine, database, server, tool version and per-table checksums. Absent
     * for file trees and plain streams. Readers that do not know `kind` ignore it.
     */
    source: zod_1.z.looseObject({ kind: zod_1.z.string() }).optional(),
});
function summarize(m) {
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
//# sourceMappingURL=snapshot.js.map