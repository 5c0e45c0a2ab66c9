"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AuditEntrySchema = void 0;
const zod_1 = require("zod");
const common_1 = require("./common");
/** One recorded action (the seed's `backup_audit_log`). Entries are never changed or deleted. */
exports.AuditEntrySchema = zod_1.z.object({
    id: common_1.IdSchema,
    /** What kind of operation: create, update, delete, run, restore, verify, gc, ... */
    operation_type: zod_1.z.string().min(1).max(50),
    /** schedule, backup, recovery_job, verification, target, repository */
    entity_type: zod_1.z.string().min(1).max(50),
    entity_id: zod_1.z.string().nullable(),
    /** Who: the local user name, or the IAM principal in AWS. */
    user_id: zod_1.z.string().nullable(),
    /** What exactly, in words a person reads: "schedule.create", "backup.delete", ... */
    action: zod_1.z.string().min(1).max(100),
    details: common_1.JsonObjectSchema.nullable(),
    ip_address: zod_1.z.string().nullable(),
    user_agent: zod_1.z.string().nullable(),
    timestamp: common_1.TimestampSchema,
});
//# sourceMappingURL=audit.js.map