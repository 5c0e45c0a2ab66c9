"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FileWorkers = void 0;
const node_os_1 = require("node:os");
const node_worker_threads_1 = require("node:worker_threads");
const worker_script_1 = require("../../core/worker-script");
const young_gc_1 = require("../../repository/young-gc");
const worker_isolates_1 = require("../../repository/worker-isolates");
/** Files queued per worker: enough to keep it busy, few enough that directories finish soon. */
const QUEUE_FILES = 256;
const QUEUE_BYTES = 64 * 1024 * 1024;
const BACKUP_OLD_GC_GROWTH_BYTES = 6 * 1024 * 1024;
/**
 * Files handed to a worker in one message at most; the walk's files go out together once it
 * yields to the event loop. A message per file cost the main thread a postMessage and the worker
 * an event-loop turn each, 78,600 times for the Linux tree.
 */
const JOBS_PER_MESSAGE = 64;
/**
 * Each worker's ring of payloads (what it may have waiting for the main thread before it pauses)
 * is the largest payload, its codec byte, and this. The ring starts again at its beginning once
 * everything is given back, so any payload fits then. Rings of twice the largest chunk (8 MiB)
 * let a worker run further ahead of a main thread that seals faster than the workers encode
 * anyway: the Linux tree's backup peaked at 198-201 MiB with them, 185-189 with these, in the
 * same time (tmpfs, four rounds each, in turns).
 */
const RING_SLACK_BYTES = 4096;
/**
 * A pool of worker threads that read and encode whole files (file-worker.ts). The main thread
 * walks the tree, hands out files to the least loaded worker, and stores what comes back.
 */
class FileWorkers {
    workers;
    outstanding;
    rings;
    queuedFiles;
    queuedBytes;
    chains;
    jobs = new Map();
    /** Per worker: files to send it, once the walk yields. */
    outbox;
    sending = false;
    waiters = [];
    seq = 0;
    /**
     * A young collection per 16 MiB of payloads. It was for the ciphertext sealing allocated per
     * record; records are now sealed into reused staging buffers and the young generation is small,
     * and without it the Linux tree's backup peaked at 193-202 MiB, with it 197-201 (three rounds
     * each, in turns, into a local directory). It stays for the stores not measured that way.
     */
    gc = new young_gc_1.YoungGcPacer(16 * 1024 * 1024);
    /**
     * The heap of a backup's main thread, kept near its live size (see OldGcPacer). Its live size
     * stays about 18-22 MiB over the Linux tree. A collection once it has grown 16 MiB over that,
     * rather than 32, took the backup's peak from a median 315 MiB to 300. With the young
     * generation capped (young-generation.ts), more of each file's objects reach the old one: there
     * 6 MiB rather than 16 took the peak from 209-213 MiB to 191-196, in the same time (tmpfs, two
     * rounds each). A restore keeps 16 (restore-workers.ts).
     */
    oldGc = new young_gc_1.OldGcPacer(1024, BACKUP_OLD_GC_GROWTH_BYTES);
    compact = new young_gc_1.CompactOnce(young_gc_1.TREE_COMPACT_AFTER_FILES);
    failure;
    constructor(setup, count = Math.max(1, Math.min((0, node_os_1.availableParallelism)(), 8))) {
        (0, worker_isolates_1.prepareWorkerIsolates)();
        const shared = new SharedArrayBuffer(4 * count);
        this.outstanding = new Int32Array(shared);
        const ringBytes = setup.chunker.max + RING_SLACK_BYTES;
        this.rings = Array.from({ length: count }, () => new SharedArrayBuffer(ringBytes));
        this.workers = Array.from({ length: count }, (_, index) => {
            const data = { ...setup, index, outstanding: shared, ring: this.rings[index] };
            return new node_worker_threads_1.Worker((0, worker_script_1.workerScript)(__dirname, 'file-worker'), { workerData: data });
        });
        this.outbox = this.workers.map(() => []);
        this.queuedFiles = this.workers.map(() => 0);
        this.queuedBytes = this.workers.map(() => 0);
        this.chains = this.workers.map(() => Promise.resolve());
        this.workers.forEach((worker, index) => {
            worker.on('message', (messages) => {
                this.chains[index] = this.chains[index].then(async () => {
                    for (const message of messages)
                        await this.handle(index, message);
                }).catch((error) => this.fail(error));
            });
            worker.on('error', (error) => this.fail(error));
            worker.on('exit', (code) => {
                if (code !== 0)
                    this.fail(new Error(`file worker exited with code ${code}`));
            });
        });
    }
    hasRoom(i) {
        return this.queuedFiles[i] < QUEUE_FILES && this.queuedBytes[i] < QUEUE_BYTES;
    }
    /** Whether a worker can take another file now (so the walk need not wait on whenReady). */
    get ready() {
        return this.failure === undefined && this.workers.some((_, i) => this.hasRoom(i));
    }
    /** Resolves when a worker can take another file (backpressure for the tree walker). */
    async whenReady() {
        while (!this.ready) {
            if (this.failure)
                throw this.failure;
            await new Promise((resolve) => this.waiters.push(resolve));
        }
    }
    /**
     * Reads and encodes one file on a worker; every chunk goes through `onChunk`, in order.
     * `size` is what the walk's stat said, or undefined for a file it did not stat (`unstated`).
     */
    read(path, size, onChunk) {
        if (this.failure)
            return Promise.reject(this.failure);
        this.oldGc.add();
        this.compact.add(1);
        let worker = 0;
        for (let i = 1; i < this.workers.length; i++) {
            if (this.queuedBytes[i] + this.queuedFiles[i] * 65536 <
                this.queuedBytes[worker] + this.queuedFiles[worker] * 65536)
                worker = i;
        }
        const seq = this.seq++;
        const queued = size ?? 0;
        this.queuedFiles[worker]++;
        this.queuedBytes[worker] += queued;
        return new Promise((resolve, reject) => {
            this.jobs.set(seq, { worker, size: queued, refs: [], onChunk, resolve, reject });
            const job = { op: 'file', seq, path: path.toString('latin1'), unstated: size === undefined };
            this.outbox[worker].push(job);
            if (!this.sending) {
                this.sending = true;
                setImmediate(() => this.send());
            }
        });
    }
    send() {
        this.sending = false;
        this.outbox.forEach((jobs, worker) => {
            for (let at = 0; at < jobs.length; at += JOBS_PER_MESSAGE)
                this.workers[worker].postMessage(jobs.slice(at, at + JOBS_PER_MESSAGE));
            jobs.length = 0;
        });
    }
    async handle(index, message) {
        const job = this.jobs.get(message.seq);
        try {
            if (!job)
                return;
            const ring = this.rings[index];
            for (const chunk of message.chunks) {
                const { at, length, rawLength, known, codec } = chunk;
                const id = Buffer.from(chunk.id, 'latin1');
                const framed = at === undefined ? undefined : Buffer.from(ring, at, length);
                const stored = job.onChunk({ id, rawLength, known, codec, framed });
                if (stored)
                    await stored;
                job.refs.push({ id, rawLength });
            }
        }
        finally {
            this.gc.add(message.bytes);
            // The chunks are stored (sealed into their packs): their bytes of the ring are free again.
            if (message.bytes > 0) {
                Atomics.sub(this.outstanding, index, message.bytes);
                Atomics.notify(this.outstanding, index);
            }
        }
        if (message.done || message.error || message.hardLink) {
            this.jobs.delete(message.seq);
            this.queuedFiles[index]--;
            this.queuedBytes[index] -= job.size;
            job.resolve({ refs: job.refs, done: message.done, error: message.error, hardLink: message.hardLink });
            this.wake();
        }
    }
    wake() {
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters)
            w();
    }
    fail(error) {
        this.failure ??= error;
        for (const job of this.jobs.values())
            job.reject(this.failure);
        this.jobs.clear();
        this.wake();
    }
    async close() {
        await Promise.all(this.workers.map((w) => w.terminate()));
    }
}
exports.FileWorkers = FileWorkers;
//# sourceMappingURL=file-workers.js.map