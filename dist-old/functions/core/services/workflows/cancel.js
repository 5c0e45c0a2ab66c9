"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.cancelBackup = cancelBackup;
exports.cancelRecoveryJob = cancelRecoveryJob;
const errors_1 = require("../../errors");
const audit_1 = require("../audit");
/**
 * The record turns `cancelled` at once with a status-guarded write (one that just finished stays
 * finished: 409), the cancel is audited, and the worker notices within 2 s (JobProgress).
 */
async function cancel(ctx, id, kind) {
    const record = await kind.get(ctx, id);
    if (!record)
        throw new errors_1.RecordNotFoundError(kind.what, id);
    let cancelled;
    try {
        cancelled = await kind.update(ctx, id, {
            status: 'cancelled',
            error_message: `Cancelled by ${ctx.actor.user_id ?? 'an unknown user'}.`,
            completed_at: ctx.now().toISOString(),
        }, kind.from);
    }
    catch (error) {
        if (!(error instanceof errors_1.ConflictError))
            throw error;
        const status = (await kind.get(ctx, id))?.status ?? record.status;
        throw new errors_1.ConflictError(`The ${kind.what} ${id} is ${status}: only one that has not finished can be cancelled.`, status === 'cancelled' ? 'It is cancelled already.' : 'Nothing to cancel.');
    }
    await (0, audit_1.audit)(ctx, {
        operation_type: 'update',
        entity_type: kind.entity,
        entity_id: id,
        action: kind.action,
        details: { ...kind.details(record), was: record.status },
    });
    return cancelled;
}
const BACKUP = {
    what: 'backup',
    entity: 'backup',
    action: 'backup.cancel',
    from: ['pending', 'running'],
    get: (ctx, id) => ctx.catalog.getBackup(id),
    update: (ctx, id, patch, from) => ctx.catalog.updateBackup(id, patch, from),
    details: (b) => ({ target: b.target_identifier }),
};
const RECOVERY_JOB = {
    what: 'recovery job',
    entity: 'recovery_job',
    action: 'restore.cancel',
    from: ['pending', 'validating', 'running'],
    get: (ctx, id) => ctx.catalog.getRecoveryJob(id),
    update: (ctx, id, patch, from) => ctx.catalog.updateRecoveryJob(id, patch, from),
    details: (j) => ({ backup_id: j.backup_id }),
};
/**
 * Cancels a pending or running backup: the worker, which looks at its status every 2 s while it
 * works, stops; its partial packs are abandoned, no snapshot is written, and the failure path
 * records no failure. The same in AWS and locally.
 */
function cancelBackup(ctx, id) {
    return cancel(ctx, id, BACKUP);
}
/** Cancels a recovery job that has not finished; the restore stops within seconds. */
function cancelRecoveryJob(ctx, id) {
    return cancel(ctx, id, RECOVERY_JOB);
}
//# sourceMappingURL=cancel.js.map