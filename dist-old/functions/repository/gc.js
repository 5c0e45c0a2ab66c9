"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.collectGarbage = collectGarbage;
exports.forgetSnapshot = forgetSnapshot;
const pack_1 = require("./pack");
const reachable_1 = require("./reachable");
const reader_1 = require("./reader");
const repository_1 = require("./repository");
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
async function collectGarbage(repo, options) {
    repo.assertReads('the repository');
    const index = await (0, reader_1.loadChunkIndex)(repo);
    const reader = new reader_1.ChunkReader(repo, index);
    const snapshots = await repo.listSnapshots();
    const live = new Set();
    for (const manifest of snapshots)
        await (0, reachable_1.markSnapshot)(reader, manifest, live);
    const byPack = new Map();
    for (const entries of index.values())
        for (const entry of entries) {
            const key = (0, pack_1.packKey)(entry.packClass, entry.packId.toString('hex'));
            const list = byPack.get(key) ?? [];
            list.push(entry);
            byPack.set(key, list);
        }
    const stored = await (0, pack_1.storedPacks)(repo.store);
    const doomed = [...stored.keys()].filter((key) => !(byPack.get(key) ?? []).some((e) => live.has(e.id.toString('hex'))));
    const report = {
        dry_run: options.dryRun,
        snapshots: snapshots.length,
        live_chunks: live.size,
        packs_total: stored.size,
        packs_deleted: doomed.length,
        bytes_freed: doomed.reduce((sum, key) => sum + (stored.get(key) ?? 0), 0),
        indexes_replaced: 0,
    };
    if (options.dryRun || doomed.length === 0)
        return report;
    const doomedSet = new Set(doomed);
    const surviving = [...byPack.entries()]
        .filter(([key]) => !doomedSet.has(key) && stored.has(key))
        .flatMap(([, e]) => e);
    const oldIndexes = await repo.indexIds();
    for (const { key, sealed } of repo.sealIndexes(surviving))
        await repo.store.put(key, sealed, { createOnly: true });
    for (const id of oldIndexes)
        await repo.store.delete(`${repository_1.INDEX_PREFIX}${id}`);
    report.indexes_replaced = oldIndexes.length;
    for (const key of doomed)
        await repo.store.delete(key);
    return report;
}
/** Forgets a snapshot: its manifest goes; its data stays until GC finds it unreferenced. */
async function forgetSnapshot(repo, id) {
    repo.assertReads('the repository');
    await repo.store.delete((0, repository_1.snapshotKey)(id));
}
//# sourceMappingURL=gc.js.map