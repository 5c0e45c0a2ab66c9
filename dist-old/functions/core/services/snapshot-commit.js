"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ChunkTally = void 0;
exports.commitBackup = commitBackup;
const node_os_1 = require("node:os");
const ids_1 = require("../../repository/ids");
/** The chunks a backup handed to the writer: stored (new) or already there (reused). */
class ChunkTally {
    chunksNew = 0;
    chunksReused = 0;
    bytesNew = 0;
    bytesReused = 0;
    count(isNew, rawLength) {
        if (isNew) {
            this.chunksNew++;
            this.bytesNew += rawLength;
        }
        else {
            this.chunksReused++;
            this.bytesReused += rawLength;
        }
    }
}
exports.ChunkTally = ChunkTally;
/**
 * Writes a backup's manifest, the last write of a backup (after it, the snapshot exists), once
 * its writer has flushed. The manifest's own stored size is part of final_size_bytes; recording
 * it can change it by a digit, so settle on the fixed point (two or three rounds; compression
 * could in theory flip-flop).
 */
async function commitBackup(repo, writer, backup) {
    const { tally } = backup;
    const manifest = {
        v: 1,
        id: backup.id ?? (0, ids_1.newUlid)(backup.started.getTime()),
        repo_id: repo.config.repo_id,
        name: backup.name,
        target_type: backup.targetType,
        backup_type: backup.backupType,
        parent_backup_id: backup.parent?.id ?? null,
        host: (0, node_os_1.hostname)(),
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
        if (sealed === manifestBytes)
            break;
        manifestBytes = sealed;
    }
    await repo.saveSnapshot(manifest);
    return manifest;
}
//# sourceMappingURL=snapshot-commit.js.map