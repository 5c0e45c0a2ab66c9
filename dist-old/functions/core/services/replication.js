"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ReplicateRequestSchema = void 0;
exports.replicasOf = replicasOf;
exports.replicateBackup = replicateBackup;
const zod_1 = require("zod");
const replicate_1 = require("../../repository/replicate");
const errors_1 = require("../errors");
const common_1 = require("../model/common");
const audit_1 = require("./audit");
exports.ReplicateRequestSchema = zod_1.z
    .object({
    backup_id: common_1.IdSchema,
    /** A repository URL: a directory, s3://... or azure://... */
    destination: zod_1.z.string().min(1),
})
    .strict();
/** The copies a backup record lists, whatever else its storage_metadata holds. */
function replicasOf(backup) {
    const list = backup?.storage_metadata?.replicas;
    return Array.isArray(list) ? list : [];
}
/**
 * Copies a backup to another store (3-2-1: an S3 primary, an Azure copy, say), verifies the copy
 * there and records it on the backup. Running it again is cheap: only what the copy lacks moves.
 */
async function replicateBackup(ctx, input, onProgress) {
    const { backup_id, destination } = exports.ReplicateRequestSchema.parse(input);
    const backup = await ctx.catalog.getBackup(backup_id);
    if (!backup)
        throw new errors_1.RecordNotFoundError('backup', backup_id);
    if (backup.status !== 'completed' && backup.status !== 'running')
        throw new errors_1.InputError(`Backup ${backup_id} is ${backup.status}; only a backup that was saved can be copied.`, 'List completed backups with `lifeboat backups --status completed`.');
    const target = await ctx.openStore(destination);
    if (target.location === ctx.storage.location)
        throw new errors_1.InputError(`${target.location} is where the backup already lives.`, 'Replicate to another location: another bucket, container or directory.');
    const repo = await ctx.repository();
    const report = await (0, replicate_1.replicateSnapshot)(repo, target.store, backup_id, { onProgress });
    const replica = {
        backend: target.backend,
        location: target.location,
        replicated_at: ctx.now().toISOString(),
        verified: report.verified,
        bytes_copied: report.bytes_copied,
    };
    // Re-read: a long copy may have raced with Commit, which writes storage_metadata too.
    const current = (await ctx.catalog.getBackup(backup_id)) ?? backup;
    await ctx.catalog.updateBackup(backup_id, {
        storage_metadata: {
            ...(current.storage_metadata ?? {}),
            replicas: [...replicasOf(current).filter((r) => r.location !== replica.location), replica],
        },
    });
    await (0, audit_1.audit)(ctx, {
        operation_type: 'update',
        entity_type: 'backup',
        entity_id: backup_id,
        action: 'backup.replicate',
        details: {
            destination: replica.location,
            bytes_copied: report.bytes_copied,
            packs_copied: report.packs_copied,
        },
    });
    await ctx.events.publish({
        type: 'Backup Replicated',
        detail: { backup_id, target: backup.target_identifier, destination: replica.location },
    });
    return { report, replica };
}
//# sourceMappingURL=replication.js.map