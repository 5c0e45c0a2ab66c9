"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BackupSchema = void 0;
const zod_1 = require("zod");
const common_1 = require("./common");
const enums_1 = require("./enums");
const Bytes = zod_1.z.number().int().nonnegative().nullable();
/** One backup execution (the seed's `backups`). Its id is the id of the snapshot it commits. */
exports.BackupSchema = zod_1.z.object({
    id: common_1.IdSchema,
    schedule_id: common_1.IdSchema.nullable(),
    backup_type: enums_1.BackupTypeSchema,
    target_type: enums_1.TargetTypeSchema,
    /** The target's name. */
    target_identifier: zod_1.z.string().min(1),
    parent_backup_id: common_1.IdSchema.nullable(),
    status: enums_1.BackupStatusSchema,
    progress: zod_1.z.number().int().min(0).max(100),
    original_size_bytes: Bytes,
    compressed_size_bytes: Bytes,
    final_size_bytes: Bytes,
    encryption_enabled: zod_1.z.boolean(),
    /** Which key slot's key encrypted it (never key material). */
    encryption_key_id: zod_1.z.string().nullable(),
    compression_algorithm: zod_1.z.string().nullable(),
    storage_backend: zod_1.z.string().min(1),
    storage_location: zod_1.z.string().nullable(),
    storage_metadata: common_1.JsonObjectSchema.nullable(),
    checksum_algorithm: zod_1.z.string(),
    checksum_value: zod_1.z.string().nullable(),
    scheduled_at: common_1.TimestampSchema.nullable(),
    started_at: common_1.TimestampSchema.nullable(),
    completed_at: common_1.TimestampSchema.nullable(),
    retention_until: common_1.TimestampSchema.nullable(),
    metadata: common_1.JsonObjectSchema.nullable(),
    error_message: zod_1.z.string().nullable(),
    created_at: common_1.TimestampSchema,
});
//# sourceMappingURL=backup.js.map