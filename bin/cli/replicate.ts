import { replicateBackup } from '../../functions/core/services/replication';
import { count, formatBytes, printJson, say, type GlobalOptions } from './output';
import { ByteProgress } from './progress';
import { withSystem } from './with-system';
import { resolveSettings } from '../../functions/local/home';

interface ReplicateOptions extends GlobalOptions {
  to: string;
  /** Copy from this copy rather than from the primary (S3 → Azure while the primary is local). */
  from?: string;
}

/** `lifeboat replicate ID --to URL`: copies a backup to another store and records the copy. */
export async function runReplicate(reference: string, options: ReplicateOptions): Promise<void> {
  const readFrom = options.from ? resolveSettings({ ...options, repo: options.from }) : undefined;
  await withSystem(
    options,
    async (system) => {
      const repo = await system.ctx.repository();
      const { id } = await repo.resolveSnapshot(reference);
      const started = Date.now();
      let progress: ByteProgress | undefined;
      const { report, replica } = await replicateBackup(
        system.ctx,
        { backup_id: id, destination: options.to },
        (done, total) => (progress ??= new ByteProgress('Copying', total)).update(done),
      );
      progress?.stop();
      if (options.json) {
        printJson({ ...report, location: replica.location, backend: replica.backend });
        return;
      }
      say(
        `Replicated ${id} to ${replica.location}${report.created ? ' (a new copy of the repository)' : ''}: ` +
          `${count(report.packs_copied, 'pack')} copied (${formatBytes(report.bytes_copied)}), ` +
          `${report.packs_present} already there; read back and verified; ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
    },
    { requireRepository: true, readFrom },
  );
}
