"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Worker-thread entry (see verify-workers.ts): reads restored files back, cuts them with the
 * repository's keyed chunker, hashes the chunks and compares their ids with the ones the snapshot
 * records, in order. The main thread walks the snapshot and hands out the files in batches.
 */
const node_fs_1 = require("node:fs");
const node_worker_threads_1 = require("node:worker_threads");
const crypto_1 = require("../../repository/crypto");
const young_gc_1 = require("../../repository/young-gc");
const chunk_file_1 = require("./chunk-file");
const young_generation_1 = require("../../core/young-generation");
const ID_BYTES = 32;
function main() {
    (0, young_generation_1.capYoungGeneration)(); // again: making this thread's isolate undid it
    const port = node_worker_threads_1.parentPort;
    if (!port)
        return;
    const setup = node_worker_threads_1.workerData;
    const hasher = new crypto_1.ChunkIdHasher(Buffer.from(setup.idKey));
    // A file no longer than the smallest chunk is one chunk (most of a source tree): no chunker.
    const small = setup.chunker.min;
    const smallBuffer = Buffer.allocUnsafe(small + 1);
    const chunker = (0, chunk_file_1.fileChunker)(setup.chunker, setup.gear);
    const gc = new young_gc_1.YoungGcPacer(8 * 1024 * 1024);
    /** Undefined when the file holds exactly the expected chunks; else what differs. */
    const compare = (file) => {
        const ids = Buffer.from(file.ids.buffer, file.ids.byteOffset, file.ids.byteLength);
        let index = 0;
        const check = (data) => {
            if (index >= file.lengths.length)
                return `longer than the backed-up file (extra data at chunk ${index})`;
            const expected = ids.subarray(index * ID_BYTES, (index + 1) * ID_BYTES);
            if (!hasher.matches(data, expected) || data.length !== file.lengths[index])
                return `content differs from the backup (chunk ${index})`;
            index++;
            return undefined;
        };
        let fd;
        try {
            // Not following a link, not blocking on a FIFO: either is "not a regular file" below.
            fd = (0, node_fs_1.openSync)(Buffer.from(file.path), node_fs_1.constants.O_RDONLY | node_fs_1.constants.O_NOFOLLOW | node_fs_1.constants.O_NONBLOCK);
        }
        catch (error) {
            const code = error.code;
            if (code === 'ENOENT')
                return 'missing';
            if (code === 'ELOOP')
                return 'not a regular file';
            return `cannot be read back (${code ?? error.message})`;
        }
        try {
            const stats = (0, node_fs_1.fstatSync)(fd);
            if (!stats.isFile())
                return 'not a regular file';
            if (stats.size !== file.size)
                return `size differs (${stats.size} bytes, backup ${file.size})`;
            if (file.size <= small) {
                let position = 0;
                // Read to the end even so: a file that grew since the stat has more than its size.
                for (let n = -1; n !== 0; position += n)
                    n = (0, node_fs_1.readSync)(fd, smallBuffer, position, small + 1 - position, position);
                if (position > 0) {
                    const bad = check(smallBuffer.subarray(0, position));
                    if (bad)
                        return bad;
                }
            }
            else {
                let bad;
                const visit = (data) => {
                    bad ??= check(data);
                };
                (0, chunk_file_1.chunkFile)(fd, chunker, 0, visit, () => bad !== undefined);
                if (bad)
                    return bad;
            }
            if (index < file.lengths.length)
                return 'shorter than the backed-up file';
            // The bytes went into the thread's one buffer; a file leaves little garbage (its path,
            // digests, stat). Counting 64 KiB and its bytes per file forced a collection every 128
            // small files, which cost more than half a second on the Linux tree.
            gc.add(4 * 1024);
            return undefined;
        }
        catch (error) {
            const e = error;
            return `cannot be read back (${e.code ?? e.message})`;
        }
        finally {
            (0, node_fs_1.closeSync)(fd);
            chunker.reset(); // the rest of a file that failed part-way
        }
    };
    port.on('message', (batch) => {
        const reply = { seq: batch.seq, problems: batch.files.map((f) => compare(f) ?? null) };
        port.postMessage(reply);
    });
}
main();
//# sourceMappingURL=verify-worker.js.map