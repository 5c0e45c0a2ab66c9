"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BackupVerificationSchema = void 0;
const zod_1 = require("zod");
const common_1 = require("./common");
const enums_1 = require("./enums");
/** One verification of a backup (the seed's `backup_verifications`). */
exports.BackupVerificationSchema = zod_1.z.object({
    id: common_1.IdSchema,
    backup_id: common_1.IdSchema,
    verification_type: enums_1.VerificationTypeSchema,
    status: enums_1.VerificationStatusSchema,
    checksum_valid: zod_1.z.boolean().nullable(),
    restore_test_passed: zod_1.z.boolean().nullable(),
    data_integrity_verified: zod_1.z.boolean().nullable(),
    verification_details: common_1.JsonObjectSchema.nullable(),
    error_message: zod_1.z.string().nullable(),
    started_at: common_1.TimestampSchema.nullable(),
    completed_at: common_1.TimestampSchema.nullable(),
    created_at: common_1.TimestampSchema,
});
//# sourceMappingURL=verification.js.map