"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RESTORE_BATCH_BYTES = void 0;
exports.restoreWorkerCount = restoreWorkerCount;
exports.writableSink = writableSink;
exports.restoreStream = restoreStream;
const node_events_1 = require("node:events");
const errors_1 = require("../errors");
const chunk_workers_1 = require("../../repository/chunk-workers");
const crypto_1 = require("../../repository/crypto");
const reader_1 = require("../../repository/reader");
const young_gc_1 = require("../../repository/young-gc");
const content_1 = require("./content");
/**
 * Chunks are fetched in batches of about this many bytes, each batch in as few ranged reads as
 * its packs allow, into pooled buffers that the workers decode in place; four batches are on their
 * way while the writer writes. The read-ahead bounds the memory, and within it more requests in
 * flight restore faster: on 1 GiB streams, 1 MiB batches restored from Azurite in 13-16 s and 2 MiB
 * ones in 17-24 s (s3rver and a local store: the same for both), at the same peak memory.
 */
exports.RESTORE_BATCH_BYTES = 1024 * 1024;
const BATCH_CHUNKS = 64;
const READ_AHEAD_BYTES = 4 * exports.RESTORE_BATCH_BYTES;
/**
 * Decode threads for a stream restore: from a remote store one, since the network sets the pace
 * and each further thread costs its own heap; locally the pool's default, one per core. Measured
 * on 2 cores, 4 GiB of incompressible data, one thread against two: from s3rver 188-195 MiB peak
 * against 197-207, 32-36 s against 34-49; from Azurite 180-188 MiB against 205-207, 63-68 s
 * against 64-71. Locally one thread restored linux.tar (1.3 GiB, zstd) in 3.9-4.6 s against
 * 3.5-3.9 with two: decompression wants the cores a network restore cannot use.
 */
function restoreWorkerCount(store) {
    return store.remote ? 1 : undefined;
}
/** A Node stream as a ByteSink. */
function writableSink(stream) {
    return {
        async write(data) {
            if (!stream.write(data))
                await (0, node_events_1.once)(stream, 'drain');
        },
        async end() { },
        async abort() { },
    };
}
/**
 * Writes a stream snapshot to `sink` in order, fetching and decoding several chunks ahead.
 * Every chunk is checked against its keyed id before it is written, and the whole stream against
 * the checksum recorded at backup time; any mismatch is an IntegrityError naming the object.
 */
async function restoreStream(repo, manifest, sink, options = {}) {
    const content = manifest.content;
    if (content.kind !== 'stream') {
        throw new errors_1.InputError(`Backup ${manifest.id} is a file tree, not a stream.`, 'Restore it into a directory with --target DIR.');
    }
    const readAheadBytes = options.readAheadBytes ?? READ_AHEAD_BYTES;
    const workers = options.workers ??
        new chunk_workers_1.ChunkWorkers(repo.keys.id, repo.config.compression, restoreWorkerCount(repo.store));
    const checksum = new crypto_1.StreamChecksum();
    const queue = [];
    let queuedBytes = 0;
    let batch = [];
    let batchBytes = 0;
    let written = 0;
    let chunks = 0;
    const heap = new young_gc_1.StreamHeap();
    const writeNext = async () => {
        const next = queue.shift();
        queuedBytes -= next.rawLength;
        const { data, digest } = await next.chunk;
        checksum.add(digest);
        written += data.length;
        heap.chunkDone(data.length);
        // The sink may move data to another thread: its length is 0 from here on.
        await sink.write(data);
        if (++chunks % 4 === 0)
            (0, young_gc_1.collectYoungGarbage)();
        options.onProgress?.(written);
    };
    const fetchBatch = (reader) => {
        const pending = reader.readBatch(batch.map((ref) => ref.id));
        pending.forEach((chunk, i) => {
            // Errors surface when the writer awaits it; keep them from being reported as unhandled first.
            chunk.catch(() => undefined);
            queue.push({ chunk, rawLength: batch[i].rawLength });
        });
        queuedBytes += batchBytes;
        batch = [];
        batchBytes = 0;
    };
    // Everything from here on releases the workers and the sink on failure: a thread left running
    // would keep the process alive after the error was reported.
    try {
        const reader = new reader_1.ChunkReader(repo, await (0, reader_1.loadChunkIndex)(repo), workers);
        for await (const ref of (0, content_1.readContentLists)(reader, content)) {
            batch.push(ref);
            batchBytes += ref.rawLength;
            if (batchBytes < exports.RESTORE_BATCH_BYTES && batch.length < BATCH_CHUNKS)
                continue;
            fetchBatch(reader);
            while (queuedBytes > readAheadBytes)
                await writeNext();
        }
        if (batch.length > 0)
            fetchBatch(reader);
        while (queue.length > 0)
            await writeNext();
        await sink.end();
    }
    catch (error) {
        await sink.abort();
        throw error;
    }
    finally {
        for (const pending of queue)
            pending.chunk.catch(() => undefined);
        if (!options.workers)
            await workers.close();
    }
    const value = checksum.hex();
    if (written !== content.size || value !== manifest.checksum_value) {
        throw new errors_1.IntegrityError(`snapshot ${manifest.id}`, 'restored stream does not match the checksum recorded at backup');
    }
    return { bytes: written, checksum: value };
}
//# sourceMappingURL=restore-stream.js.map