"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.prepareWorkerIsolates = prepareWorkerIsolates;
const node_v8_1 = require("node:v8");
const node_worker_threads_1 = require("node:worker_threads");
const young_gc_1 = require("./young-gc");
let prepared = false;
/**
 * Process-wide V8 settings for the worker threads started after this call; call it on the main
 * thread before starting any (every pool does). Besides `gc` (young-gc.ts), each new isolate
 * would map its own 1.8 MiB copy of V8's built-in functions next to its code, so that calls into
 * them are short jumps: resident memory per worker for a speed-up that only JavaScript-heavy
 * code sees, and a worker's time goes to hashing, compression and encryption in native code.
 * Measured with three workers: 5.3 MiB less resident memory (4 copies mapped → 1). The main
 * thread's isolate exists already and keeps its copy.
 */
function prepareWorkerIsolates() {
    (0, young_gc_1.enableYoungGc)();
    if (prepared || !node_worker_threads_1.isMainThread)
        return;
    (0, node_v8_1.setFlagsFromString)('--no-short-builtin-calls');
    prepared = true;
}
//# sourceMappingURL=worker-isolates.js.map