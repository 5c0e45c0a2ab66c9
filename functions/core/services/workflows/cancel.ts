import { ConflictError, RecordNotFoundError } from '../../errors';
import type { Backup } from '../../model/backup';
import type { RecoveryJob } from '../../model/recovery-job';
import { audit } from '../audit';
import type { ServiceContext } from '../context';

/** What cancelling needs to know of a kind of job record. */
interface Cancellable<T extends { status: string }> {
  /** As people name it: "backup", "recovery job". */
  what: string;
  entity: 'backup' | 'recovery_job';
  action: string;
  /** The statuses it can be cancelled from: those of a job that has not finished. */
  from: readonly T['status'][];
  get(ctx: ServiceContext, id: string): Promise<T | undefined>;
  update(
    ctx: ServiceContext,
    id: string,
    patch: { status: 'cancelled'; error_message: string; completed_at: string },
    from: readonly T['status'][],
  ): Promise<T>;
  details(record: T): Record<string, unknown>;
}

/**
 * The record turns `cancelled` at once with a status-guarded write (one that just finished stays
 * finished: 409), the cancel is audited, and the worker notices within 2 s (JobProgress).
 */
async function cancel<T extends { status: string }>(
  ctx: ServiceContext,
  id: string,
  kind: Cancellable<T>,
): Promise<T> {
  const record = await kind.get(ctx, id);
  if (!record) throw new RecordNotFoundError(kind.what, id);
  let cancelled: T;
  try {
    cancelled = await kind.update(
      ctx,
      id,
      {
        status: 'cancelled',
        error_message: `Cancelled by ${ctx.actor.user_id ?? 'an unknown user'}.`,
        completed_at: ctx.now().toISOString(),
      },
      kind.from,
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const status = (await kind.get(ctx, id))?.status ?? record.status;
    throw new ConflictError(
      `The ${kind.what} ${id} is ${status}: only one that has not finished can be cancelled.`,
      status === 'cancelled' ? 'It is cancelled already.' : 'Nothing to cancel.',
    );
  }
  await audit(ctx, {
    operation_type: 'update',
    entity_type: kind.entity,
    entity_id: id,
    action: kind.action,
    details: { ...kind.details(record), was: record.status },
  });
  return cancelled;
}

const BACKUP: Cancellable<Backup> = {
  what: 'backup',
  entity: 'backup',
  action: 'backup.cancel',
  from: ['pending', 'running'],
  get: (ctx, id) => ctx.catalog.getBackup(id),
  update: (ctx, id, patch, from) => ctx.catalog.updateBackup(id, patch, from),
  details: (b) => ({ target: b.target_identifier }),
};

const RECOVERY_JOB: Cancellable<RecoveryJob> = {
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
export function cancelBackup(ctx: ServiceContext, id: string): Promise<Backup> {
  return cancel(ctx, id, BACKUP);
}

/** Cancels a recovery job that has not finished; the restore stops within seconds. */
export function cancelRecoveryJob(ctx: ServiceContext, id: string): Promise<RecoveryJob> {
  return cancel(ctx, id, RECOVERY_JOB);
}
