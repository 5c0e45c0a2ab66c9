import { ConflictError, RecordNotFoundError } from '../../errors';
import type { Backup } from '../../model/backup';
import type { RecoveryJob } from '../../model/recovery-job';
import { audit } from '../audit';
import type { ServiceContext } from '../context';

/**
 * Cancels a pending or running backup: the record turns `cancelled` at once (a status-guarded
 * write, so a backup that just completed stays completed), and the worker, which looks at its
 * status every 2 s while it works, stops: its partial packs are abandoned, no snapshot is
 * written, and the failure path records no failure. The same in AWS and locally.
 */
export async function cancelBackup(ctx: ServiceContext, id: string): Promise<Backup> {
  const backup = await ctx.catalog.getBackup(id);
  if (!backup) throw new RecordNotFoundError('backup', id);
  let cancelled: Backup;
  try {
    cancelled = await ctx.catalog.updateBackup(
      id,
      {
        status: 'cancelled',
        error_message: `Cancelled by ${ctx.actor.user_id ?? 'an unknown user'}.`,
        completed_at: ctx.now().toISOString(),
      },
      ['pending', 'running'],
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    throw finished('backup', id, (await ctx.catalog.getBackup(id))?.status ?? backup.status);
  }
  await audit(ctx, {
    operation_type: 'update',
    entity_type: 'backup',
    entity_id: id,
    action: 'backup.cancel',
    details: { target: backup.target_identifier, was: backup.status },
  });
  return cancelled;
}

/** Cancels a recovery job that has not finished; the restore stops within seconds. */
export async function cancelRecoveryJob(ctx: ServiceContext, id: string): Promise<RecoveryJob> {
  const job = await ctx.catalog.getRecoveryJob(id);
  if (!job) throw new RecordNotFoundError('recovery job', id);
  let cancelled: RecoveryJob;
  try {
    cancelled = await ctx.catalog.updateRecoveryJob(
      id,
      {
        status: 'cancelled',
        error_message: `Cancelled by ${ctx.actor.user_id ?? 'an unknown user'}.`,
        completed_at: ctx.now().toISOString(),
      },
      ['pending', 'validating', 'running'],
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    throw finished('recovery job', id, (await ctx.catalog.getRecoveryJob(id))?.status ?? job.status);
  }
  await audit(ctx, {
    operation_type: 'update',
    entity_type: 'recovery_job',
    entity_id: id,
    action: 'restore.cancel',
    details: { backup_id: job.backup_id, was: job.status },
  });
  return cancelled;
}

function finished(what: string, id: string, status: string): ConflictError {
  return new ConflictError(
    `The ${what} ${id} is ${status}: only one that has not finished can be cancelled.`,
    status === 'cancelled' ? 'It is cancelled already.' : 'Nothing to cancel.',
  );
}
