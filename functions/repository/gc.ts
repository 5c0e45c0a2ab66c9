import type { IndexEntry } from './index-object';
import { packKey, storedPacks } from './pack';
import { markSnapshot } from './reachable';
import { ChunkReader, loadChunkIndex } from './reader';
import { INDEX_PREFIX, snapshotKey, type Repository } from './repository';

export interface GcReport {
  dry_run: boolean;
  snapshots: number;
  live_chunks: number;
  packs_total: number;
  packs_deleted: number;
  bytes_freed: number;
  indexes_replaced: number;
}

/**
 * Deletes the packs no snapshot needs. Mark: every chunk reachable from every snapshot. Sweep:
 * a pack goes when none of its chunks is live (packs with some live chunks stay whole: nothing is
 * rewritten). The order keeps the repository consistent at every step, whatever crashes: new
 * index objects (the surviving packs' entries) are written first, then the old ones deleted,
 * then the packs. Packs that no index names (left by a backup that crashed) go too.
 *
 * The caller must hold the repository's GC fence (no backup writing): a running backup may have
 * deduplicated against a chunk that looks unreferenced here, or be writing a pack not yet indexed.
 */
export async function collectGarbage(repo: Repository, options: { dryRun: boolean }): Promise<GcReport> {
  repo.assertReads('the repository');
  const index = await loadChunkIndex(repo);
  const reader = new ChunkReader(repo, index);
  const snapshots = await repo.listSnapshots();
  const live = new Set<string>();
  for (const manifest of snapshots) await markSnapshot(reader, manifest, live);

  const byPack = new Map<string, IndexEntry[]>();
  for (const entries of index.values())
    for (const entry of entries) {
      const key = packKey(entry.packClass, entry.packId.toString('hex'));
      const list = byPack.get(key) ?? [];
      list.push(entry);
      byPack.set(key, list);
    }
  const stored = await storedPacks(repo.store);

  const doomed = [...stored.keys()].filter(
    (key) => !(byPack.get(key) ?? []).some((e) => live.has(e.id.toString('hex'))),
  );
  const report: GcReport = {
    dry_run: options.dryRun,
    snapshots: snapshots.length,
    live_chunks: live.size,
    packs_total: stored.size,
    packs_deleted: doomed.length,
    bytes_freed: doomed.reduce((sum, key) => sum + (stored.get(key) ?? 0), 0),
    indexes_replaced: 0,
  };
  if (options.dryRun || doomed.length === 0) return report;

  const doomedSet = new Set(doomed);
  const surviving = [...byPack.entries()]
    .filter(([key]) => !doomedSet.has(key) && stored.has(key))
    .flatMap(([, e]) => e);
  const oldIndexes = await repo.indexIds();
  for (const { key, sealed } of repo.sealIndexes(surviving))
    await repo.store.put(key, sealed, { createOnly: true });
  for (const id of oldIndexes) await repo.store.delete(`${INDEX_PREFIX}${id}`);
  report.indexes_replaced = oldIndexes.length;
  for (const key of doomed) await repo.store.delete(key);
  return report;
}

/** Forgets a snapshot: its manifest goes; its data stays until GC finds it unreferenced. */
export async function forgetSnapshot(repo: Repository, id: string): Promise<void> {
  repo.assertReads('the repository');
  await repo.store.delete(snapshotKey(id));
}
