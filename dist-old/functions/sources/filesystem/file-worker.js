"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Worker-thread entry (see file-workers.ts): reads whole files and does the CPU work of a backup
 * on them (chunking, SHA-256, keyed id, compression). Several run at once, one per core.
 * Payloads go into a ring shared with the main thread (ring-writer.ts), their places in messages
 * of a few MiB; the ring is the bound: a worker waits when the main thread falls behind.
 */
const node_fs_1 = require("node:fs");
const node_worker_threads_1 = require("node:worker_threads");
const codec_1 = require("../../repository/codec");
const crypto_1 = require("../../repository/crypto");
const ring_writer_1 = require("../../repository/ring-writer");
const young_gc_1 = require("../../repository/young-gc");
const chunk_file_1 = require("./chunk-file");
const young_generation_1 = require("../../core/young-generation");
const FLUSH_BYTES = 4 * 1024 * 1024;
/**
 * Messages about finished files wait for this many before they are posted together (or for the
 * end of the jobs at hand, or a wait for the ring): a message each was 78,600 round trips through
 * the main thread's event loop for the Linux tree.
 */
const POST_MESSAGES = 32;
const GC_EVERY_BYTES = 8 * 1024 * 1024;
/** A file counts as this many bytes, so that small files trigger collections too (about every 128). */
const GC_FILE_WEIGHT = 64 * 1024;
function main() {
    (0, young_generation_1.capYoungGeneration)(); // again: making this thread's isolate undid it
    const port = node_worker_threads_1.parentPort;
    if (!port)
        return;
    const setup = node_worker_threads_1.workerData;
    const ids = new crypto_1.ChunkIdHasher(Buffer.from(setup.idKey));
    const outstanding = new Int32Array(setup.outstanding);
    const chunker = (0, chunk_file_1.fileChunker)(setup.chunker, setup.gear);
    // Small files (most of a source tree) are read into this one buffer: no allocation per file.
    const smallBuffer = Buffer.allocUnsafe(setup.chunker.min + 1);
    const known = new Set();
    const gc = new young_gc_1.YoungGcPacer(GC_EVERY_BYTES);
    const ring = new ring_writer_1.RingWriter(setup.ring, outstanding, setup.index);
    let outgoing = [];
    let outgoingBytes = 0;
    const post = () => {
        if (outgoing.length === 0)
            return;
        port.postMessage(outgoing);
        outgoing = [];
        outgoingBytes = 0;
    };
    const send = (message) => {
        outgoing.push(message);
        outgoingBytes += message.bytes;
        if (outgoing.length >= POST_MESSAGES || outgoingBytes >= FLUSH_BYTES)
            post();
    };
    port.on('message', (jobs) => {
        for (const job of jobs)
            readFile(job);
        post();
    });
    function readFile(job) {
        let pending = [];
        let pendingBytes = 0;
        const flush = (done) => {
            const message = { seq: job.seq, chunks: pending, bytes: pendingBytes, done };
            pending = [];
            pendingBytes = 0;
            send(message);
        };
        // Before waiting for room in the ring: the chunks placed so far must reach the main thread.
        const flushPending = () => {
            if (pending.length > 0)
                flush();
            post();
        };
        const add = (data) => {
            const id = ids.idOf(data);
            if (known.has(id)) {
                pending.push({ id, rawLength: data.length, known: true, codec: 0 });
            }
            else {
                known.add(id);
                const { codec, payload } = (0, codec_1.encodeSync)(data, setup.compression, true);
                const { at, bytes } = ring.put(payload, flushPending, codec);
                pending.push({ id, rawLength: data.length, known: false, codec, at, length: 1 + payload.length });
                pendingBytes += bytes;
            }
            if (pendingBytes >= FLUSH_BYTES)
                flush();
        };
        let fd;
        let bytesRead = 0;
        try {
            fd = (0, node_fs_1.openSync)(Buffer.from(job.path, 'latin1'), node_fs_1.constants.O_RDONLY | node_fs_1.constants.O_NOFOLLOW | node_fs_1.constants.O_NONBLOCK);
            const before = (0, node_fs_1.fstatSync)(fd, { bigint: true });
            if (!before.isFile())
                throw Object.assign(new Error('no longer a regular file'), { code: 'ENOTFILE' });
            if (job.unstated && before.nlink > 1n) {
                send({ seq: job.seq, chunks: [], bytes: 0, hardLink: statOf(before, Number(before.size)) });
                return;
            }
            const size = readChunked(fd, before, add);
            bytesRead = size;
            const after = (0, node_fs_1.fstatSync)(fd, { bigint: true });
            const changed = after.mtimeNs !== before.mtimeNs ||
                after.ctimeNs !== before.ctimeNs ||
                after.size !== before.size ||
                BigInt(size) !== after.size;
            flush({ ...statOf(after, size), changed });
        }
        catch (error) {
            const e = error;
            // Chunks already posted are stored; the file itself is skipped by the main thread.
            chunker.reset(); // discards the rest of the failed file
            // Chunks placed and not posted go with the error and are stored: this worker counts them
            // as known, and a later file holding one of them must find it in the repository.
            const message = {
                seq: job.seq,
                chunks: pending,
                bytes: pendingBytes,
                error: { code: e.code ?? 'EIO', message: e.message },
            };
            pending = [];
            pendingBytes = 0;
            send(message);
        }
        finally {
            if (fd !== undefined)
                (0, node_fs_1.closeSync)(fd);
        }
        // Dead buffers and zstd contexts pile up otherwise: V8 sees few objects and does not know
        // about the native memory behind them. A young collection every few MiB or files is cheap.
        gc.add(bytesRead + GC_FILE_WEIGHT);
    }
    /** Reads to the end (a file can grow while read) and feeds chunks to `add`; returns the bytes read. */
    function readChunked(fd, stats, add) {
        const min = setup.chunker.min;
        let total = 0;
        // Small files (most of a source tree) are one chunk: read into a buffer of their own, no chunker.
        if (stats.size <= BigInt(min)) {
            const own = smallBuffer;
            let n = 0;
            for (;;) {
                const got = (0, node_fs_1.readSync)(fd, own, n, own.length - n, n);
                if (got === 0)
                    break;
                n += got;
                if (n === own.length)
                    break;
            }
            total = n;
            if (n <= Number(stats.size) && n <= min) {
                if (n > 0)
                    add(own.subarray(0, n));
                return total;
            }
            // It grew past its size: chunk it like a large file, starting with what is read.
            chunker.write(own.subarray(0, n), add);
        }
        return (0, chunk_file_1.chunkFile)(fd, chunker, total, add);
    }
}
function statOf(st, size) {
    return {
        size,
        mtimeNs: st.mtimeNs,
        ctimeNs: st.ctimeNs,
        mode: Number(st.mode),
        uid: Number(st.uid),
        gid: Number(st.gid),
        nlink: Number(st.nlink),
        dev: st.dev,
        ino: st.ino,
    };
}
main();
//# sourceMappingURL=file-worker.js.map