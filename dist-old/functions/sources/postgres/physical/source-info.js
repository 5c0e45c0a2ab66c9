"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PostgresWalInfoSchema = exports.PostgresBaseInfoSchema = void 0;
exports.walArchiveName = walArchiveName;
const zod_1 = require("zod");
/** A PostgreSQL base backup (pg_basebackup tar) in the snapshot manifest's `source`. */
exports.PostgresBaseInfoSchema = zod_1.z.object({
    kind: zod_1.z.literal('postgres-base'),
    format: zod_1.z.literal('pg_basebackup-tar'),
    /** The target whose WAL archive (`<target>.wal`) completes this backup. */
    target: zod_1.z.string(),
    server: zod_1.z.object({ host: zod_1.z.string(), port: zod_1.z.number().int(), user: zod_1.z.string() }),
    server_version: zod_1.z.string(),
    tool: zod_1.z.object({ name: zod_1.z.literal('pg_basebackup'), version: zod_1.z.string() }),
    timeline: zod_1.z.number().int().positive(),
    start_lsn: zod_1.z.string(),
    start_wal_file: zod_1.z.string(),
    started_at: zod_1.z.string(),
    /** The backup is consistent from here on: the earliest time it can be recovered to. */
    ended_at: zod_1.z.string(),
});
/** One archived WAL file (or timeline history file) in the manifest's `source`. */
exports.PostgresWalInfoSchema = zod_1.z.object({
    kind: zod_1.z.literal('postgres-wal'),
    target: zod_1.z.string(),
    /** The file name PostgreSQL archived (%f): a 24-hex segment, or NNNNNNNN.history. */
    file: zod_1.z.string().regex(/^[0-9A-F]{8}([0-9A-F]{16}(\.[0-9A-F]{8}\.backup|\.partial)?|\.history)$/),
    /** SHA-256 of the file, so that archiving it again can be told from a conflicting file. */
    sha256: zod_1.z.string().regex(/^[0-9a-f]{64}$/),
    /** Commit times found in the segment (UTC), for the point-in-time range; null when none. */
    first_commit_at: zod_1.z.string().nullable(),
    last_commit_at: zod_1.z.string().nullable(),
});
/** The snapshot name a target's WAL archive is kept under. */
function walArchiveName(target) {
    return `${target}.wal`;
}
//# sourceMappingURL=source-info.js.map