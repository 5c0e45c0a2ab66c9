"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Replies = exports.BatchSlots = void 0;
exports.startWorkers = startWorkers;
const node_path_1 = require("node:path");
const node_worker_threads_1 = require("node:worker_threads");
/**
 * Back-pressure for a pool of worker threads that take batches: at most `perWorker` batches in
 * flight on each, a wait for room, every batch's task tracked until it settles, and the pool's
 * first failure, which ends every wait and is thrown to whoever asks next.
 */
class BatchSlots {
    perWorker;
    inFlight;
    tasks = new Set();
    waiters = [];
    failure;
    constructor(workers, perWorker) {
        this.perWorker = perWorker;
        this.inFlight = new Array(workers).fill(0);
    }
    /** Throws the pool's failure, if there was one. */
    check() {
        if (this.failure)
            throw this.failure;
    }
    fail(error) {
        this.failure ??= error;
        this.wake();
    }
    leastBusy() {
        return this.inFlight.indexOf(Math.min(...this.inFlight));
    }
    /** Waits for room on `worker` (or on the least busy one) and takes it; returns the worker. */
    async take(worker) {
        for (;;) {
            this.check();
            const i = worker ?? this.leastBusy();
            if (this.inFlight[i] < this.perWorker) {
                this.inFlight[i]++;
                return i;
            }
            await new Promise((resolve) => this.waiters.push(resolve));
        }
    }
    /** Tracks a batch's task on `worker`: its room is given back when it settles; an error fails the pool. */
    track(worker, task) {
        const tracked = task
            .catch((error) => this.fail(error))
            .finally(() => {
            this.inFlight[worker]--;
            this.wake();
            this.tasks.delete(tracked);
        });
        this.tasks.add(tracked);
    }
    /** Waits for every tracked task; throws the pool's failure. */
    async drain() {
        while (this.tasks.size > 0)
            await Promise.race(this.tasks);
        this.check();
    }
    wake() {
        const waiters = this.waiters;
        this.waiters = [];
        for (const wake of waiters)
            wake();
    }
}
exports.BatchSlots = BatchSlots;
/** The replies a pool's workers send back, matched to their batches by sequence number. */
class Replies {
    sent = new Map();
    /** Posts `message` (numbered `seq`) to `worker`, moving `transfer`; resolves with its reply. */
    post(worker, message, transfer = []) {
        const reply = new Promise((resolve, reject) => this.sent.set(message.seq, { resolve, reject }));
        worker.postMessage(message, transfer);
        return reply;
    }
    deliver(reply) {
        const sent = this.sent.get(reply.seq);
        this.sent.delete(reply.seq);
        sent?.resolve(reply);
    }
    /** A worker died: no reply will come for anything sent. */
    failAll(error) {
        for (const sent of this.sent.values())
            sent.reject(error);
        this.sent.clear();
    }
}
exports.Replies = Replies;
/**
 * Starts `count` workers of `script` for a pool: their replies go to `replies`; a crash or a
 * non-zero exit fails every message still out (no reply will come for them) and is passed to
 * `onFailure`, for the pool to fail whoever asks next.
 */
function startWorkers(script, workerData, count, replies, onFailure) {
    const fail = (error) => {
        onFailure(error);
        replies.failAll(error);
    };
    return Array.from({ length: count }, () => {
        const worker = new node_worker_threads_1.Worker(script, { workerData });
        worker.on('message', (reply) => replies.deliver(reply));
        worker.on('error', fail);
        worker.on('exit', (code) => {
            if (code !== 0)
                fail(new Error(`${(0, node_path_1.basename)(script)} exited with code ${code}`));
        });
        return worker;
    });
}
//# sourceMappingURL=batch-slots.js.map