"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BackupScheduleSchema = exports.StorageConfigSchema = exports.RetentionPolicySchema = exports.SEED_CRON_PATTERN = void 0;
const zod_1 = require("zod");
const common_1 = require("./common");
const enums_1 = require("./enums");
/** The seed's constraint backup_schedules_cron_valid, kept as the first check of a cron field. */
exports.SEED_CRON_PATTERN = /^[0-9*,-/]+ [0-9*,-/]+ [0-9*,-/]+ [0-9*,-/]+ [0-9*,-/]+$/;
/**
 * How many snapshots a schedule keeps (restic's and borg's rules). Buckets are counted in the
 * schedule's time zone; `keep_within` is a duration such as "30d" or "12h".
 */
exports.RetentionPolicySchema = zod_1.z
    .object({
    keep_last: zod_1.z.number().int().positive().optional(),
    keep_hourly: zod_1.z.number().int().positive().optional(),
    keep_daily: zod_1.z.number().int().positive().optional(),
    keep_weekly: zod_1.z.number().int().positive().optional(),
    keep_monthly: zod_1.z.number().int().positive().optional(),
    keep_yearly: zod_1.z.number().int().positive().optional(),
    keep_within: zod_1.z
        .string()
        .regex(/^(\d+[yMwdhm])+$/, 'is a duration such as 30d, 12h or 1y6M')
        .optional(),
})
    .strict();
/** Where a schedule's backups go. Cloud backends come with the cloud-targets issue. */
exports.StorageConfigSchema = zod_1.z.object({
    backend: zod_1.z.enum(['local', 's3', 'azure']),
    location: zod_1.z.string().min(1),
    /** Repository URLs each backup is copied to after it is written (3-2-1). */
    replicas: zod_1.z.array(zod_1.z.string().min(1)).optional(),
});
exports.BackupScheduleSchema = zod_1.z.object({
    id: common_1.IdSchema,
    name: common_1.NameSchema,
    description: zod_1.z.string().nullable(),
    backup_type: enums_1.BackupTypeSchema,
    target_type: enums_1.TargetTypeSchema,
    /** `{ target: NAME }`: the target record is read when the schedule runs, so edits to it apply. */
    target_config: zod_1.z.object({ target: common_1.NameSchema }).and(common_1.JsonObjectSchema),
    schedule_cron: zod_1.z.string().regex(exports.SEED_CRON_PATTERN, 'is not a 5-field cron expression'),
    timezone: zod_1.z.string().min(1),
    enabled: zod_1.z.boolean(),
    retention_policy: exports.RetentionPolicySchema,
    storage_config: exports.StorageConfigSchema,
    encryption_enabled: zod_1.z.boolean(),
    compression_enabled: zod_1.z.boolean(),
    verification_enabled: zod_1.z.boolean(),
    created_at: common_1.TimestampSchema,
    updated_at: common_1.TimestampSchema,
    created_by: zod_1.z.string().nullable(),
});
//# sourceMappingURL=schedule.js.map