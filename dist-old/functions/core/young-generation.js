"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.capYoungGeneration = capYoungGeneration;
const node_v8_1 = require("node:v8");
/**
 * Keeps V8's young generation at its first size (semi-spaces of 1 MiB) in every isolate of the
 * process. V8 doubles the young generation whenever much of it survives a collection, up to
 * 32 MiB; a backup's main thread keeps each file's objects across a few collections (the file
 * waits for its worker), so it always grew to the full 32 MiB, resident from then on.
 *
 * The growth factor is read at each collection, unlike --max-semi-space-size, which only Node's
 * command line can set. But making an isolate puts it back to 2 for the whole process (V8's
 * Heap::ConfigureHeap), so call this at start-up and again first thing in every worker thread.
 */
function capYoungGeneration() {
    (0, node_v8_1.setFlagsFromString)('--semi-space-growth-factor=1');
}
//# sourceMappingURL=young-generation.js.map