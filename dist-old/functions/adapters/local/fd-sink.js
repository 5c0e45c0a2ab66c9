"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FdSink = void 0;
const node_worker_threads_1 = require("node:worker_threads");
const errors_1 = require("../../core/errors");
const worker_script_1 = require("../../core/worker-script");
const worker_isolates_1 = require("../../repository/worker-isolates");
/** Pieces handed to the worker and not yet written; bounds memory like a stream's high-water mark. */
const MAX_IN_FLIGHT = 4;
function writeError(reply, what) {
    if (reply.code === 'ENOSPC' || reply.code === 'EDQUOT')
        return new errors_1.StorageFullError(what);
    if (reply.code === 'EPIPE') {
        return new errors_1.LifeboatError('OUTPUT_CLOSED', `The reader of ${what} went away before the restore finished.`, 'Check the command the output was piped into.');
    }
    return new errors_1.LifeboatError('WRITE_FAILED', `Writing ${what} failed: ${reply.error}.`, 'Check where the output goes and run the restore again.');
}
/** Writes to a file descriptor (standard output) from a worker thread. */
class FdSink {
    what;
    worker;
    waiting = [];
    inFlight = [];
    failure;
    constructor(fd, what = 'standard output') {
        this.what = what;
        (0, worker_isolates_1.prepareWorkerIsolates)();
        this.worker = new node_worker_threads_1.Worker((0, worker_script_1.workerScript)(__dirname, 'fd-sink-worker'), { workerData: { fd } });
        this.worker.on('message', (reply) => this.waiting.shift()?.resolve(reply));
        this.worker.on('error', (error) => {
            this.failure ??= error;
            for (const w of this.waiting.splice(0))
                w.resolve({ error: error.message });
        });
    }
    request(message, transfer) {
        const reply = new Promise((resolve) => this.waiting.push({ resolve }));
        this.worker.postMessage(message, transfer);
        return reply;
    }
    check(reply) {
        if ('error' in reply)
            this.failure ??= writeError(reply, this.what);
        if (this.failure)
            throw this.failure;
    }
    /** `data` moves to the worker when it owns its memory; do not reuse it. */
    async write(data) {
        if (this.failure)
            throw this.failure;
        const ownsMemory = data.byteOffset === 0 && data.buffer.byteLength === data.length;
        const piece = ownsMemory ? data : new Uint8Array(data);
        this.inFlight.push(this.request({ data: piece }, [piece.buffer]));
        if (this.inFlight.length >= MAX_IN_FLIGHT)
            this.check(await this.inFlight.shift());
    }
    async abort() {
        this.failure ??= new Error('restore aborted');
        await this.worker.terminate();
    }
    async end() {
        try {
            for (const pending of this.inFlight.splice(0))
                this.check(await pending);
            this.check(await this.request({ end: true }, []));
        }
        finally {
            await this.worker.terminate();
        }
    }
}
exports.FdSink = FdSink;
//# sourceMappingURL=fd-sink.js.map