"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Worker-thread entry for FdSink: writes restored data to a file descriptor, so that a blocking
 * write to a slow pipe never holds up the thread that fetches and decodes.
 */
const node_fs_1 = require("node:fs");
const node_worker_threads_1 = require("node:worker_threads");
const young_gc_1 = require("../../repository/young-gc");
const young_generation_1 = require("../../core/young-generation");
function main() {
    (0, young_generation_1.capYoungGeneration)(); // again: making this thread's isolate undid it
    const port = node_worker_threads_1.parentPort;
    if (!port)
        return;
    const fd = node_worker_threads_1.workerData.fd;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let failed = false;
    let pieces = 0;
    const writeAll = (data) => {
        let at = 0;
        while (at < data.length) {
            try {
                at += (0, node_fs_1.writeSync)(fd, data, at, data.length - at);
            }
            catch (error) {
                // A non-blocking descriptor (set so by some parent): wait for the reader, then go on.
                if (error.code !== 'EAGAIN')
                    throw error;
                Atomics.wait(pause, 0, 0, 2);
            }
        }
    };
    port.on('message', (request) => {
        if (failed)
            return;
        try {
            if ('end' in request) {
                port.postMessage({ ended: true });
                return;
            }
            writeAll(request.data);
            port.postMessage({ written: request.data.length });
            // Each piece is garbage once written; collect it now (see young-gc.ts).
            if (++pieces % 4 === 0)
                (0, young_gc_1.collectYoungGarbage)();
            // Once started up, as the thread that feeds it does (young-gc.ts).
            if (pieces === young_gc_1.COMPACT_AFTER_PIECES)
                (0, young_gc_1.compactHeap)();
        }
        catch (error) {
            failed = true;
            const e = error;
            port.postMessage({ error: e.message, code: e.code });
        }
    });
}
main();
//# sourceMappingURL=fd-sink-worker.js.map