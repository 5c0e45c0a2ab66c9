"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FINISHED_VERIFICATION = exports.FINISHED_RECOVERY = exports.FINISHED_BACKUP = exports.VerificationStatusSchema = exports.VerificationTypeSchema = exports.RecoveryStatusSchema = exports.RecoveryTypeSchema = exports.BackupStatusSchema = exports.TargetTypeSchema = exports.BackupTypeSchema = void 0;
const zod_1 = require("zod");
// The seed's enums (§2.2), verbatim: the catalog, the API and the repository's manifests share them.
exports.BackupTypeSchema = zod_1.z.enum(['full', 'incremental', 'differential']);
exports.TargetTypeSchema = zod_1.z.enum(['database', 'filesystem', 'application']);
exports.BackupStatusSchema = zod_1.z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']);
exports.RecoveryTypeSchema = zod_1.z.enum(['full', 'partial', 'point_in_time']);
exports.RecoveryStatusSchema = zod_1.z.enum([
    'pending',
    'validating',
    'running',
    'completed',
    'failed',
    'cancelled',
]);
exports.VerificationTypeSchema = zod_1.z.enum([
    'checksum',
    'restore_test',
    'integrity_check',
    'full_verification',
]);
exports.VerificationStatusSchema = zod_1.z.enum(['pending', 'running', 'passed', 'failed']);
/** Statuses a job can leave only by being deleted: nothing updates a finished job. */
exports.FINISHED_BACKUP = ['completed', 'failed', 'cancelled'];
exports.FINISHED_RECOVERY = ['completed', 'failed', 'cancelled'];
exports.FINISHED_VERIFICATION = ['passed', 'failed'];
//# sourceMappingURL=enums.js.map