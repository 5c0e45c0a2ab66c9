"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RecoveryJobSchema = exports.RecoveryStepSchema = void 0;
const zod_1 = require("zod");
const common_1 = require("./common");
const enums_1 = require("./enums");
exports.RecoveryStepSchema = zod_1.z.object({
    name: zod_1.z.string().min(1),
    status: zod_1.z.enum(['pending', 'running', 'completed', 'failed', 'skipped']),
    started_at: common_1.TimestampSchema.nullable(),
    completed_at: common_1.TimestampSchema.nullable(),
    message: zod_1.z.string().nullable(),
});
/** One restore (the seed's `recovery_jobs`). */
exports.RecoveryJobSchema = zod_1.z.object({
    id: common_1.IdSchema,
    backup_id: common_1.IdSchema,
    recovery_type: enums_1.RecoveryTypeSchema,
    target_config: common_1.JsonObjectSchema,
    point_in_time: common_1.TimestampSchema.nullable(),
    validate_only: zod_1.z.boolean(),
    overwrite_existing: zod_1.z.boolean(),
    status: enums_1.RecoveryStatusSchema,
    progress: zod_1.z.number().int().min(0).max(100),
    steps: zod_1.z.array(exports.RecoveryStepSchema),
    current_step: zod_1.z.string().nullable(),
    started_at: common_1.TimestampSchema.nullable(),
    completed_at: common_1.TimestampSchema.nullable(),
    estimated_completion: common_1.TimestampSchema.nullable(),
    recovered_size_bytes: zod_1.z.number().int().nonnegative().nullable(),
    error_message: zod_1.z.string().nullable(),
    validation_results: common_1.JsonObjectSchema.nullable(),
    created_at: common_1.TimestampSchema,
    created_by: zod_1.z.string().nullable(),
});
//# sourceMappingURL=recovery-job.js.map