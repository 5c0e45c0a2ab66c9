import { ConflictError } from '../../errors';
import type { Backup } from '../../model/backup';
import type { BackupStatus } from '../../model/enums';
import { audit } from '../audit';
import { isDeadLocalRunner } from './runner';
import type { ServiceContext } from '../context';

/**
 * At start, the jobs this host left pending or running in a process that is gone are marked
 * failed ("interrupted"); their snapshots were never committed (a manifest is written last and
 * atomically), so nothing half-made stays visible. Jobs of live processes (a CLI backup running
 * beside the server) and of other hosts are left alone. Returns the backups marked.
 */
export async function markInterruptedBackups(ctx: ServiceContext): Promise<Backup[]> {
  const marked: Backup[] = [];
  for (const status of ['pending', 'running'] as BackupStatus[]) {
    let cursor: string | undefined;
    do {
      const page = await ctx.catalog.listBackupsByStatus(status, { limit: 1000, cursor });
      for (const backup of page.items) {
        const runner = (backup.metadata as { runner?: { host?: unknown; pid?: unknown } } | null)?.runner;
        if (typeof runner?.host !== 'string' || typeof runner.pid !== 'number') continue;
        if (!isDeadLocalRunner({ host: runner.host, pid: runner.pid })) continue;
        try {
          marked.push(
            await ctx.catalog.updateBackup(
              backup.id,
              {
                status: 'failed',
                error_message: `Interrupted: the process running it (pid ${runner.pid}) stopped before it finished; nothing was committed.`,
                completed_at: ctx.now().toISOString(),
              },
              ['pending', 'running'],
            ),
          );
          await audit(ctx, {
            operation_type: 'update',
            entity_type: 'backup',
            entity_id: backup.id,
            action: 'backup.interrupted',
          });
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
        }
      }
      cursor = page.next;
    } while (cursor);
  }
  return marked;
}
