"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.stagingBuffers = exports.StagingBuffers = exports.STAGING_BYTES = void 0;
/**
 * Sealed records are staged in buffers of this one size (a bigger record spans several): records
 * of a different size each, each in an allocation of its own, left glibc's arenas in pieces no
 * later record fitted, and a 4 GiB cloud backup's peak RSS grew with the stream (BENCHMARKS.md).
 */
exports.STAGING_BYTES = 64 * 1024;
/** Enough for the pieces a pack's body and a store's write hold at once (1 MiB each), twice. */
const KEPT_BUFFERS = 64;
/**
 * The staging buffers of one thread's pack writers, each used again once the store has written
 * it out or copied it (PieceQueue.consumed). A new buffer per 64 KiB was 21,000 allocations over
 * a backup of the Linux tree; the ones that outlived a young collection waited for a full one,
 * with glibc holding their pages.
 */
class StagingBuffers {
    free = [];
    /** Memory handed out and not given back yet: only that is taken back, and once. */
    out = new WeakSet();
    take() {
        const buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(exports.STAGING_BYTES);
        this.out.add(buffer.buffer);
        return buffer;
    }
    /**
     * Takes back the buffer under `piece` (a view of one from take()), which nothing may read or
     * write afterwards. Anything else is left alone: a trailer, a header, a buffer given twice.
     */
    give(piece) {
        const memory = piece.buffer;
        if (!(memory instanceof ArrayBuffer) || !this.out.delete(memory) || this.free.length >= KEPT_BUFFERS)
            return;
        this.free.push(Buffer.from(memory, 0, exports.STAGING_BYTES));
    }
    /** Buffers waiting to be taken again. */
    get kept() {
        return this.free.length;
    }
}
exports.StagingBuffers = StagingBuffers;
/** This thread's (pack writers run on a backup's main thread). */
exports.stagingBuffers = new StagingBuffers();
//# sourceMappingURL=staging-buffers.js.map