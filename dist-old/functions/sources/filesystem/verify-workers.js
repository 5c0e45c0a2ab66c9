"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.VerifyWorkers = void 0;
const node_os_1 = require("node:os");
const batch_slots_1 = require("../../core/batch-slots");
const worker_script_1 = require("../../core/worker-script");
const young_gc_1 = require("../../repository/young-gc");
const worker_isolates_1 = require("../../repository/worker-isolates");
/** A batch: many small files in one message, or a few MiB of larger ones. */
const BATCH_FILES = 256;
const BATCH_BYTES = 16 * 1024 * 1024;
const BATCHES_PER_WORKER = 2;
/**
 * Reads restored files back on worker threads (verify-worker.ts), one per core: reading,
 * chunking and hashing a tree of small files is mostly system calls and hashing, which one
 * thread would do one file at a time. Files go out in batches; each file's outcome comes back
 * through the callback it was added with.
 */
class VerifyWorkers {
    workers;
    slots;
    replies = new batch_slots_1.Replies();
    files = [];
    callbacks = [];
    bytes = 0;
    seq = 0;
    oldGc = new young_gc_1.OldGcPacer();
    constructor(setup, count = Math.max(1, Math.min((0, node_os_1.availableParallelism)(), 8))) {
        (0, worker_isolates_1.prepareWorkerIsolates)();
        this.slots = new batch_slots_1.BatchSlots(count, BATCHES_PER_WORKER);
        const script = (0, worker_script_1.workerScript)(__dirname, 'verify-worker');
        this.workers = (0, batch_slots_1.startWorkers)(script, setup, count, this.replies, (error) => this.slots.fail(error));
    }
    /** Queues a file; `done` gets what differs, or undefined when it matches. */
    async add(file, done) {
        this.slots.check();
        this.oldGc.add();
        this.files.push(file);
        this.callbacks.push(done);
        this.bytes += file.size;
        if (this.files.length >= BATCH_FILES || this.bytes >= BATCH_BYTES)
            await this.dispatch();
    }
    async dispatch() {
        if (this.files.length === 0)
            return;
        const batch = { seq: this.seq++, files: this.files };
        const callbacks = this.callbacks;
        this.files = [];
        this.callbacks = [];
        this.bytes = 0;
        const worker = await this.slots.take();
        const reply = this.replies.post(this.workers[worker], batch);
        this.slots.track(worker, reply.then((r) => r.problems.forEach((problem, i) => callbacks[i](problem ?? undefined))));
    }
    /** Sends what is queued and waits for every outcome. */
    async finish() {
        await this.dispatch();
        await this.slots.drain();
    }
    async close() {
        await Promise.all(this.workers.map((w) => w.terminate()));
    }
}
exports.VerifyWorkers = VerifyWorkers;
//# sourceMappingURL=verify-workers.js.map