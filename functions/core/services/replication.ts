import { z } from 'zod';
import { replicateSnapshot, type ReplicationReport } from '../../repository/replicate';
import { InputError, RecordNotFoundError } from '../errors';
import type { Backup } from '../model/backup';
import { IdSchema } from '../model/common';
import { audit } from './audit';
import type { ServiceContext } from './context';

export const ReplicateRequestSchema = z
  .object({
    backup_id: IdSchema,
    /** A repository URL: a directory, s3://... or azure://... */
    destination: z.string().min(1),
  })
  .strict();

/** One copy of a backup, as the catalog records it (in the backup's storage_metadata.replicas). */
export interface ReplicaRecord {
  backend: string;
  location: string;
  replicated_at: string;
  verified: boolean;
  bytes_copied: number;
  [key: string]: unknown;
}

/** The copies a backup record lists, whatever else its storage_metadata holds. */
export function replicasOf(backup: Pick<Backup, 'storage_metadata'> | undefined): ReplicaRecord[] {
  const list = backup?.storage_metadata?.replicas;
  return Array.isArray(list) ? (list as ReplicaRecord[]) : [];
}

/**
 * Copies a backup to another store (3-2-1: an S3 primary, an Azure copy, say), verifies the copy
 * there and records it on the backup. Running it again is cheap: only what the copy lacks moves.
 */
export async function replicateBackup(
  ctx: ServiceContext,
  input: unknown,
  onProgress?: (bytesCopied: number, bytesTotal: number) => void,
): Promise<{ report: ReplicationReport; replica: ReplicaRecord }> {
  const { backup_id, destination } = ReplicateRequestSchema.parse(input);
  const backup = await ctx.catalog.getBackup(backup_id);
  if (!backup) throw new RecordNotFoundError('backup', backup_id);
  if (backup.status !== 'completed' && backup.status !== 'running')
    throw new InputError(
      `Backup ${backup_id} is ${backup.status}; only a backup that was saved can be copied.`,
      'List completed backups with `lifeboat backups --status completed`.',
    );
  const target = await ctx.openStore(destination);
  if (target.location === ctx.storage.location)
    throw new InputError(
      `${target.location} is where the backup already lives.`,
      'Replicate to another location: another bucket, container or directory.',
    );
  const repo = await ctx.repository();
  const report = await replicateSnapshot(repo, target.store, backup_id, { onProgress });
  const replica: ReplicaRecord = {
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
  await audit(ctx, {
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
