"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RangeBuffers = void 0;
/**
 * More than a batch of ranges usually needs: a tree restore's 4 MiB of raw chunks (and one more
 * chunk), stored smaller, plus merged gaps. Pages past what batches have used stay untouched.
 */
const MIN_BYTES = 12 * 1024 * 1024;
/** A buffer grown past this for an unusual batch is dropped afterwards rather than kept. */
const KEEP_BYTES = 32 * 1024 * 1024;
/**
 * Shared memory that restores read their pack ranges into, one buffer per batch in flight, made
 * once and reused: a worker reads the ranges in place and the buffer is taken again after it
 * replies. Unused pages of a buffer are never touched, so they cost no resident memory.
 */
class RangeBuffers {
    free = [];
    /** A buffer of at least `bytes`. */
    take(bytes) {
        const fits = this.free.findIndex((b) => b.byteLength >= bytes);
        if (fits >= 0)
            return this.free.splice(fits, 1)[0];
        this.free.pop(); // too small for this batch: let it go rather than keep one more
        return new SharedArrayBuffer(Math.max(bytes, MIN_BYTES));
    }
    give(buffer) {
        if (buffer.byteLength <= KEEP_BYTES)
            this.free.push(buffer);
    }
}
exports.RangeBuffers = RangeBuffers;
//# sourceMappingURL=range-buffers.js.map