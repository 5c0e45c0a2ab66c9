import { RecordNotFoundError } from '../../functions/core/errors';
import { cancelBackup, cancelRecoveryJob } from '../../functions/core/services/workflows/cancel';
import { printJson, say, type GlobalOptions } from './output';
import { withSystem } from './with-system';

/** `lifeboat cancel ID`: a backup or a recovery job that has not finished stops within seconds. */
export function runCancel(id: string, options: GlobalOptions): Promise<void> {
  return withSystem(options, async ({ ctx }) => {
    if (await ctx.catalog.getBackup(id)) {
      const backup = await cancelBackup(ctx, id);
      if (options.json) printJson(backup);
      else say(`Backup ${id} cancelled; it stops within seconds and writes no snapshot.`);
      return;
    }
    if (await ctx.catalog.getRecoveryJob(id)) {
      const job = await cancelRecoveryJob(ctx, id);
      if (options.json) printJson(job);
      else say(`Recovery job ${id} cancelled; the restore stops within seconds.`);
      return;
    }
    throw new RecordNotFoundError(
      'backup or recovery job',
      id,
      'List them with `lifeboat backups` or the API.',
    );
  });
}
