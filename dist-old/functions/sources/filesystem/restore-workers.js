"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RestoreWorkers = void 0;
const node_os_1 = require("node:os");
const batch_slots_1 = require("../../core/batch-slots");
const worker_script_1 = require("../../core/worker-script");
const range_plan_1 = require("../../repository/range-plan");
const young_gc_1 = require("../../repository/young-gc");
const worker_isolates_1 = require("../../repository/worker-isolates");
const range_buffers_1 = require("../../repository/range-buffers");
const restore_batch_1 = require("./restore-batch");
function isRefArray(refs) {
    return Array.isArray(refs);
}
function locatedValue(r) {
    if (r.status !== 'fulfilled')
        throw new Error('a located chunk was not found');
    return r.value;
}
/**
 * Raw bytes of chunks per batch: small files, read from their packs in a few requests. Two batches
 * per worker are in flight, each in buffers of its own size: 4 MiB rather than 8 took a restore of
 * the Linux tree from 217-221 MiB to 199-206, in the same time; 2 MiB saved 3 MiB more, for twice
 * the requests to a cloud store (tmpfs, three rounds each, in turns).
 */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 1024;
const BATCHES_PER_WORKER = 2;
/**
 * Restores file contents on worker threads (restore-worker.ts). Files are gathered into batches
 * in tree order; a batch's records are located, fetched with as few ranged reads as their packs
 * allow (consecutive files of a backup are consecutive records), and handed to a worker that
 * verifies every record and writes the files. A large file streams in pieces to one worker.
 */
class RestoreWorkers {
    repo;
    reader;
    onOutcome;
    workers;
    slots;
    lastPost;
    replies = new batch_slots_1.Replies();
    seq = 0;
    nextFid = 0;
    pieces = [];
    chunks = [];
    batchBytes = 0;
    /** Files with a chunk that no pack could give; later pieces of them are dropped. */
    damagedFiles = new Map();
    reported = new Set();
    buffers = new range_buffers_1.RangeBuffers();
    /**
     * With the young generation capped (young-generation.ts), a collection once the main thread's
     * heap has grown 16 MiB, rather than 32, took a restore of the Linux tree from 233-238 MiB to
     * 215-221, in the same time; 8 MiB saved 5 MiB more for 5-10% more CPU (tmpfs, three rounds each,
     * in turns).
     */
    oldGc = new young_gc_1.OldGcPacer(1024, 16 * 1024 * 1024);
    compact = new young_gc_1.CompactOnce(young_gc_1.TREE_COMPACT_AFTER_FILES);
    constructor(repo, reader, onOutcome, count = Math.max(1, Math.min((0, node_os_1.availableParallelism)(), 8))) {
        this.repo = repo;
        this.reader = reader;
        this.onOutcome = onOutcome;
        (0, worker_isolates_1.prepareWorkerIsolates)();
        const setup = { idKey: repo.keys.id, umask: process.umask() };
        this.slots = new batch_slots_1.BatchSlots(count, BATCHES_PER_WORKER);
        const script = (0, worker_script_1.workerScript)(__dirname, 'restore-worker');
        this.workers = (0, batch_slots_1.startWorkers)(script, setup, count, this.replies, (error) => this.slots.fail(error));
        this.lastPost = this.workers.map(() => Promise.resolve());
    }
    /**
     * Queues a file; returns its id (for the outcome). Its content goes out with the next batches.
     * A small file whose chunks are listed in its node (nearly every file) is queued at once: a
     * promise only when its batch goes out (or the file needs more than that).
     */
    addFile(path, refs, rawSize, replace, finish) {
        this.slots.check();
        const fid = this.nextFid++;
        this.oldGc.add();
        this.compact.add(1);
        if (rawSize > BATCH_BYTES || !isRefArray(refs))
            return this.addFileAsync(fid, path, refs, rawSize, replace, finish);
        const piece = this.smallFile(fid, path, replace, finish);
        for (const ref of refs)
            this.chunks.push({ piece, ref });
        return this.added(fid, rawSize);
    }
    /** addFile for a file whose chunks are read from content lists, or that fills batches itself. */
    async addFileAsync(fid, path, refs, rawSize, replace, finish) {
        if (rawSize <= BATCH_BYTES) {
            const piece = this.smallFile(fid, path, replace, finish);
            for await (const ref of refs)
                this.chunks.push({ piece, ref });
            return this.added(fid, rawSize);
        }
        // A large file: its own batches, all to one worker so that its pieces stay in order.
        await this.dispatch();
        const worker = this.slots.leastBusy();
        let piece = { fid, path: path.toString('latin1'), mode: finish.mode, replace };
        this.pieces.push(piece);
        for await (const ref of refs) {
            this.chunks.push({ piece, ref });
            this.batchBytes += ref.rawLength;
            if (this.batchBytes >= BATCH_BYTES) {
                await this.dispatch(worker);
                piece = { fid };
                this.pieces.push(piece);
            }
        }
        piece.finish = finish;
        await this.dispatch(worker);
        return fid;
    }
    /** A file that goes to a worker in one piece, in the batch being gathered. */
    smallFile(fid, path, replace, finish) {
        const piece = { fid, path: path.toString('latin1'), mode: finish.mode, replace, finish };
        this.pieces.push(piece);
        return piece;
    }
    /** Counts a small file's bytes into the batch, which goes out when full. */
    added(fid, rawSize) {
        this.batchBytes += rawSize;
        if (this.batchBytes >= BATCH_BYTES || this.pieces.length >= BATCH_FILES)
            return this.dispatch().then(() => fid);
        return fid;
    }
    /** Sends the gathered pieces as one batch (to `worker`, or the least busy one). */
    async dispatch(worker) {
        if (this.pieces.length === 0)
            return;
        const pieces = this.pieces;
        const chunks = this.chunks;
        this.pieces = [];
        this.chunks = [];
        this.batchBytes = 0;
        const target = await this.slots.take(worker);
        this.slots.track(target, this.send(target, pieces, chunks));
    }
    async send(worker, pieces, chunks) {
        // Batches are prepared concurrently but posted to a worker in the order they were made: the
        // pieces of a large file must arrive in order.
        const previous = this.lastPost[worker];
        let posted;
        this.lastPost[worker] = new Promise((resolve) => (posted = resolve));
        try {
            await this.post(worker, previous, pieces, chunks);
        }
        finally {
            posted();
        }
    }
    async post(worker, previous, batchPieces, batchChunks) {
        let pieces = batchPieces;
        let chunks = batchChunks;
        // Locate every record, then read each pack's records in as few ranges as possible. A file
        // with a chunk in no readable pack is taken out here and reported for the slow path.
        const settled = await this.reader.locateAll(chunks.map((c) => c.ref.id));
        settled.forEach((r, i) => {
            if (r.status === 'rejected')
                this.damagedFiles.set(chunks[i].piece.fid, r.reason.message);
        });
        const reportDamaged = new Set();
        let located;
        if (this.damagedFiles.size > 0 && pieces.some((p) => this.damagedFiles.has(p.fid))) {
            for (const piece of pieces) {
                if (this.damagedFiles.has(piece.fid) && !this.reported.has(piece.fid))
                    reportDamaged.add(piece.fid);
            }
            pieces = pieces.map((p) => (this.damagedFiles.has(p.fid) ? { fid: p.fid, abandon: true } : p));
            const keptIndexes = chunks.flatMap((c, i) => (this.damagedFiles.has(c.piece.fid) ? [] : [i]));
            located = keptIndexes.map((i) => locatedValue(settled[i]));
            chunks = keptIndexes.map((i) => chunks[i]);
        }
        else {
            // The usual batch: every chunk found, nothing to take out.
            located = settled.map(locatedValue);
        }
        const { reads, readOf: rangeOf } = (0, range_plan_1.planReads)(located);
        const ranges = reads.map((r) => ({
            data: new Uint8Array(0),
            start: r.start,
            end: r.end,
            packId: r.pack.header.packId,
            key: r.pack.header.key.key,
            object: r.object,
        }));
        // The ranges are read side by side into one shared buffer that the worker reads in place;
        // it is free again once the worker replies. (A fresh buffer per read made the main thread
        // collect garbage thousands of times in a restore, under "external memory pressure".)
        const buffer = this.buffers.take(ranges.reduce((sum, r) => sum + (r.end - r.start), 0));
        let reply;
        try {
            await this.readRanges(buffer, ranges);
            // A piece's chunks follow one another in `chunks`, in the order of the pieces.
            const writer = new restore_batch_1.RestoreBatchWriter(pieces.length, chunks.length);
            let next = 0;
            for (const piece of pieces) {
                const first = next;
                while (next < chunks.length && chunks[next].piece.fid === piece.fid)
                    next++;
                writer.addPiece(piece, next - first);
                for (let i = first; i < next; i++)
                    writer.addChunk(rangeOf[i], located[i].entry);
            }
            const batch = writer.batch(this.seq++, ranges);
            await previous;
            reply = await this.replies.post(this.workers[worker], batch, [writer.buffer]);
        }
        finally {
            this.buffers.give(buffer);
        }
        for (const fid of reportDamaged) {
            this.reported.add(fid);
            this.onOutcome({ fid, problem: this.damagedFiles.get(fid), integrity: true });
        }
        for (const f of reply.finished)
            this.onOutcome({ fid: f.fid, bytes: f.bytes });
        for (const f of reply.failed)
            this.onOutcome({ fid: f.fid, problem: f.problem, integrity: f.integrity });
    }
    async readRanges(buffer, ranges) {
        let at = 0;
        const reads = ranges.map(async (range) => {
            const length = range.end - range.start;
            const target = new Uint8Array(buffer, at, length);
            at += length;
            const read = await this.repo.store.readInto(range.object, { offset: range.start, length }, target);
            // A short read (a truncated pack) shows as records cut short: the worker reports them.
            range.data = target.subarray(0, read);
        });
        // Every read is over before the buffer can be given back, also when one of them failed.
        const failed = (await Promise.allSettled(reads)).find((r) => r.status === 'rejected');
        if (failed)
            throw failed.reason;
    }
    /** Sends what is gathered and waits for every batch. */
    async flush() {
        await this.dispatch();
        await this.slots.drain();
    }
    async close() {
        await Promise.all(this.workers.map((w) => w.terminate()));
    }
}
exports.RestoreWorkers = RestoreWorkers;
//# sourceMappingURL=restore-workers.js.map