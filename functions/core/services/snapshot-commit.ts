import { hostname } from 'node:os';
import { newUlid } from '../../repository/ids';
import type { Repository } from '../../repository/repository';
import type {
  BackupType,
  SnapshotManifest,
  StreamContent,
  TargetType,
  TreeContent,
  TreeStats,
} from '../../repository/snapshot';
import type { RepositoryWriter } from '../../repository/writer';

/** The chunks a backup handed to the writer: stored (new) or already there (reused). */
export class ChunkTally {
  chunksNew = 0;
  chunksReused = 0;
  bytesNew = 0;
  bytesReused = 0;

  count(isNew: boolean, rawLength: number): void {
    if (isNew) {
      this.chunksNew++;
      this.bytesNew += rawLength;
    } else {
      this.chunksReused++;
      this.bytesReused += rawLength;
    }
  }
}

/** What a finished backup knows; the rest of its manifest comes from the repository. */
export interface FinishedBackup {
  /** The snapshot's id: the catalog's backup id when a workflow made it, else a new one. */
  id?: string;
  name: string;
  targetType: TargetType;
  /** The type made (a requested incremental without a parent is full). */
  backupType: BackupType;
  /** The parent snapshot (only its id is recorded: a manifest stands on its own). */
  parent: { id: string } | undefined;
  started: Date;
  content: StreamContent | TreeContent;
  checksumAlgorithm: SnapshotManifest['checksum_algorithm'];
  checksumValue: string;
  originalBytes: number;
  tally: ChunkTally;
  tree?: TreeStats;
  /** The source's own description (a database dump's engine, tool and table checksums). */
  source?: SnapshotManifest['source'];
}

/**
 * Writes a backup's manifest, the last write of a backup (after it, the snapshot exists), once
 * its writer has flushed. The manifest's own stored size is part of final_size_bytes; recording
 * it can change it by a digit, so settle on the fixed point (two or three rounds; compression
 * could in theory flip-flop).
 */
export async function commitBackup(
  repo: Repository,
  writer: RepositoryWriter,
  backup: FinishedBackup,
): Promise<SnapshotManifest> {
  const { tally } = backup;
  const manifest: SnapshotManifest = {
    v: 1,
    id: backup.id ?? newUlid(backup.started.getTime()),
    repo_id: repo.config.repo_id,
    name: backup.name,
    target_type: backup.targetType,
    backup_type: backup.backupType,
    parent_backup_id: backup.parent?.id ?? null,
    host: hostname(),
    started_at: backup.started.toISOString(),
    completed_at: new Date().toISOString(),
    chunker: repo.config.chunker,
    compression_algorithm: repo.config.compression.alg,
    content: backup.content,
    checksum_algorithm: backup.checksumAlgorithm,
    checksum_value: backup.checksumValue,
    stats: {
      original_size_bytes: backup.originalBytes,
      compressed_size_bytes: writer.stats.compressedBytes,
      final_size_bytes: 0,
      chunks_total: tally.chunksNew + tally.chunksReused,
      chunks_new: tally.chunksNew,
      chunks_reused: tally.chunksReused,
      bytes_new: tally.bytesNew,
      bytes_reused: tally.bytesReused,
      packs_written: writer.stats.packsWritten,
      ...(backup.tree ? { tree: backup.tree } : {}),
    },
    ...(backup.source ? { source: backup.source } : {}),
  };
  let manifestBytes = 0;
  for (let round = 0; round < 8; round++) {
    manifest.stats.final_size_bytes = writer.stats.storedBytes + manifestBytes;
    const sealed = repo.sealedSnapshotSize(manifest);
    if (sealed === manifestBytes) break;
    manifestBytes = sealed;
  }
  await repo.saveSnapshot(manifest);
  return manifest;
}
