"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StreamHeap = exports.YoungGcPacer = exports.OldGcPacer = exports.CompactOnce = exports.TREE_COMPACT_AFTER_FILES = exports.COMPACT_AFTER_PIECES = void 0;
exports.enableYoungGc = enableYoungGc;
exports.collectYoungGarbage = collectYoungGarbage;
exports.collectOldGarbage = collectOldGarbage;
exports.compactHeap = compactHeap;
const node_v8_1 = require("node:v8");
const node_vm_1 = require("node:vm");
const node_worker_threads_1 = require("node:worker_threads");
let mainGc;
/**
 * Makes young-generation collections available: call on the main thread before starting workers.
 * The flag is process-wide, so every worker created afterwards finds `gc` on its global object;
 * the main thread, whose context already exists, takes it from a fresh context once, here, while
 * it is the only thread (creating such contexts from several threads at once is not safe).
 */
function enableYoungGc() {
    if (mainGc || !node_worker_threads_1.isMainThread)
        return;
    (0, node_v8_1.setFlagsFromString)('--expose-gc');
    mainGc = (0, node_vm_1.runInNewContext)('gc');
}
/**
 * Frees the buffers that streaming leaves behind, now rather than whenever V8 gets to them.
 * A backup allocates large buffers but few JS objects, so V8 sees little reason to collect and
 * dead buffers pile up to hundreds of MiB of resident memory. A young-generation collection is
 * cheap (the young heap is small) and releases their memory at once; it keeps peak RSS flat.
 * Does nothing where enableYoungGc() was not called first.
 */
function collectYoungGarbage() {
    const gc = mainGc ?? globalThis.gc;
    gc?.({ type: 'minor' });
}
/**
 * Starts a full collection that marks concurrently, off this thread (the call returns at once).
 * For a main thread that makes many objects per file which live just long enough to be promoted
 * (a batch waits for its worker): V8 lets such garbage fill the old generation to several times
 * the live heap before it collects, which was 120 MiB of a tree restore's resident memory.
 */
function collectOldGarbage() {
    const gc = mainGc ?? globalThis.gc;
    gc?.({ type: 'major', execution: 'async' });
}
/**
 * One full collection that gives memory back: V8's last-resort collection compacts the heap,
 * shrinks the young generation to its first size and releases the pages it keeps pooled. Getting
 * started (modules, the store's SDK, the catalog, the first requests) leaves V8 pages behind in
 * every thread that streaming never uses again and V8 does not return by itself. Does nothing
 * where enableYoungGc() was not called first.
 */
function compactHeap() {
    const gc = mainGc ?? globalThis.gc;
    gc?.({ type: 'major', flavor: 'last-resort' });
}
/**
 * Where a stream's threads compact their heaps: after this many pieces (chunks, or writes of one)
 * on a worker, this many of the default 1 MiB average chunk counted in bytes on the main thread.
 */
exports.COMPACT_AFTER_PIECES = 16;
const COMPACT_AFTER_BYTES = exports.COMPACT_AFTER_PIECES * 1024 * 1024;
/**
 * Where a tree backup's or restore's main thread compacts its heap: after this many files, once
 * its workers run and the index is loaded. Starting its workers grows the young generation for a
 * moment (young-generation.ts), and a restore's start (the index, the first batches) leaves pages
 * behind: 186-191 MiB against 192-193 for a first backup of the Linux tree, 193-197 against
 * 205-215 for its restore, in the same time (tmpfs, three rounds each, in turns).
 */
exports.TREE_COMPACT_AFTER_FILES = 2048;
/**
 * Calls compactHeap once, when the work counted reaches `afterBytes` (or files, or pieces): late
 * enough that starting up is over, early enough to come before the peak. Measured on 1 GiB streams
 * through S3 and Azure Blob, once per thread after the first megabytes: 15-30 MiB off the peak
 * resident memory of a backup and of a restore, for one pause of 20-90 ms per thread.
 */
class CompactOnce {
    afterBytes;
    counted = 0;
    constructor(afterBytes) {
        this.afterBytes = afterBytes;
    }
    add(bytes) {
        if (this.counted >= this.afterBytes)
            return;
        this.counted += bytes;
        if (this.counted >= this.afterBytes)
            compactHeap();
    }
}
exports.CompactOnce = CompactOnce;
/**
 * Calls collectOldGarbage when the heap has grown by `growthBytes` over the least it was seen
 * holding since the last call; looks every `every` items (files), which costs a few microseconds.
 * A full collection per few thousand files cost more (marking a heap of 80 MiB live, time after
 * time) than the memory it saved was worth.
 */
class OldGcPacer {
    every;
    growthBytes;
    heapUsed;
    collect;
    since = 0;
    floor = Infinity;
    constructor(every = 1024, 
    /** 32 MiB took 70 MiB off a tree restore's peak (Linux source tree) at no cost in time. */
    growthBytes = 32 * 1024 * 1024, heapUsed = () => (0, node_v8_1.getHeapStatistics)().used_heap_size, collect = collectOldGarbage) {
        this.every = every;
        this.growthBytes = growthBytes;
        this.heapUsed = heapUsed;
        this.collect = collect;
    }
    add(items = 1) {
        this.since += items;
        if (this.since < this.every)
            return;
        this.since = 0;
        const used = this.heapUsed();
        this.floor = Math.min(this.floor, used);
        if (used - this.floor >= this.growthBytes) {
            this.collect();
            this.floor = Infinity; // measured again once the collection has run
        }
    }
}
exports.OldGcPacer = OldGcPacer;
/**
 * Calls collectYoungGarbage once per `everyBytes` of work, as the caller counts it (bytes
 * handled, plus a weight per item so that many small items count too).
 */
class YoungGcPacer {
    everyBytes;
    since = 0;
    constructor(everyBytes) {
        this.everyBytes = everyBytes;
    }
    add(bytes) {
        this.since += bytes;
        if (this.since >= this.everyBytes) {
            this.since = 0;
            collectYoungGarbage();
        }
    }
}
exports.YoungGcPacer = YoungGcPacer;
const STREAM_OLD_GC_EVERY_CHUNKS = 8;
const STREAM_OLD_GC_GROWTH_BYTES = 8 * 1024 * 1024;
/**
 * What a stream's main thread does for its heap, chunk by chunk: one compaction once started
 * (CompactOnce), and a full collection, marked concurrently, whenever the heap has grown by
 * 8 MiB over its floor, looked at every 8 chunks. Through a cloud store, the objects of each
 * request (the SDK's request, its headers, the promises around it) live across a few young
 * collections and are promoted; V8 let them fill the old generation from 21 to 66 MiB over 30 s
 * of a 4 GiB restore from Azurite, and from 19 to 40 MiB over a 4 GiB backup, before it collected
 * (V8 heap statistics every 3-4 s), and that is resident memory growing with the input. Paced,
 * the old generation stays flat; the 4 GiB restore's peak went from 212-253 MiB to 193-205.
 */
class StreamHeap {
    compact = new CompactOnce(COMPACT_AFTER_BYTES);
    oldGc;
    /** heapUsed and collect stand in for V8 in tests. */
    constructor(heapUsed, collect) {
        this.oldGc = new OldGcPacer(STREAM_OLD_GC_EVERY_CHUNKS, STREAM_OLD_GC_GROWTH_BYTES, heapUsed, collect);
    }
    /** A chunk of `bytes` has been handled (stored, or written out). */
    chunkDone(bytes) {
        this.compact.add(bytes);
        this.oldGc.add();
    }
}
exports.StreamHeap = StreamHeap;
//# sourceMappingURL=young-gc.js.map