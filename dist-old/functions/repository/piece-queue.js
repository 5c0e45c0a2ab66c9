"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PieceQueue = void 0;
/** Left in a taken piece's place, so that the queue does not keep it alive. */
const EMPTY = Buffer.alloc(0);
/**
 * The pieces of an object being written, from the one writer that makes them to the one store
 * that reads them, with room for `highWater` bytes between them. A store reads them one by one
 * (any AsyncIterable<Buffer> will do) or, through batches(), all that are ready at once.
 *
 * It replaces a PassThrough stream: a pack of small records is hundreds of thousands of pieces
 * over a backup of a source tree (three per record), and the stream's per-piece machinery (its
 * write queue entry, callbacks, the async iterator's promises and buffering on both sides) was
 * about 190 MiB of the 1,271 MiB a backup of the Linux tree allocated on its main thread (V8's
 * sampling heap profiler, with the objects collections freed counted in).
 */
class PieceQueue {
    highWater;
    recycle;
    pieces = [];
    /** Pieces before this index were taken one at a time (see the iterator); batches start here. */
    head = 0;
    queuedBytes = 0;
    ended = false;
    failure;
    /** The reader, waiting for `wantBytes`, the end or a failure. */
    wakeReader;
    wantBytes = 1;
    writers = [];
    constructor(highWater, 
    /** Takes back each piece the store says it is done with (consumed()), to reuse its memory. */
    recycle) {
        this.highWater = highWater;
        this.recycle = recycle;
    }
    /** Queues a piece; false when the queue is at or over its room (wait for drained()). */
    push(piece) {
        if (this.ended)
            throw new Error('piece pushed after the end');
        if (this.failure)
            return false;
        this.pieces.push(piece);
        this.queuedBytes += piece.length;
        if (this.queuedBytes >= this.wantBytes)
            this.wake();
        return this.queuedBytes < this.highWater;
    }
    /** No more pieces after `last` (if given): the reader's loop ends once it has them all. */
    end(last) {
        if (last)
            this.push(last);
        this.ended = true;
        this.wake();
    }
    consumed(pieces) {
        if (this.recycle)
            for (const piece of pieces)
                this.recycle(piece);
    }
    /** Fails the reader (now, or at its next read) and releases every writer waiting for room. */
    destroy(error = new Error('piece queue destroyed')) {
        if (this.failure)
            return;
        this.failure = { error };
        this.pieces = [];
        this.head = 0;
        this.queuedBytes = 0;
        this.wake();
        this.releaseWriters();
    }
    /** Resolves once the queue is below its room again, or destroyed. */
    drained() {
        if (this.failure || this.queuedBytes < this.highWater)
            return Promise.resolve();
        return new Promise((resolve) => this.writers.push(resolve));
    }
    /** Every piece queued, once they are `wantBytes` or the last; undefined at the end. */
    async nextBatch() {
        for (;;) {
            if (this.failure)
                throw this.failure.error;
            if (this.queuedBytes >= this.wantBytes || (this.ended && this.pieces.length > this.head)) {
                const batch = this.head === 0 ? this.pieces : this.pieces.slice(this.head);
                this.pieces = [];
                this.head = 0;
                this.queuedBytes = 0;
                this.releaseWriters();
                return batch;
            }
            if (this.ended)
                return undefined;
            await this.readerWaits();
        }
    }
    /** Until a push, the end or a failure wakes the one reader. */
    readerWaits() {
        if (this.wakeReader)
            return Promise.reject(new Error('a piece queue has one reader'));
        return new Promise((resolve) => (this.wakeReader = resolve));
    }
    /** The reader stopped: early (its write failed) if pieces were left, and nothing will take them. */
    readerStopped() {
        if (!this.ended || this.pieces.length > this.head)
            this.destroy(new Error('the store stopped reading'));
    }
    wake() {
        const wake = this.wakeReader;
        this.wakeReader = undefined;
        wake?.();
    }
    releaseWriters() {
        if (this.writers.length === 0)
            return;
        const writers = this.writers;
        this.writers = [];
        for (const release of writers)
            release();
    }
    /**
     * The pieces in batches of at least `minBytes` (but the last), or of the queue's room where that
     * is less: a writer that has filled it waits for this reader.
     */
    async *batches(minBytes = 1) {
        this.wantBytes = Math.max(1, Math.min(minBytes, this.highWater));
        try {
            for (let batch = await this.nextBatch(); batch; batch = await this.nextBatch())
                yield batch;
        }
        finally {
            this.readerStopped();
        }
    }
    /**
     * One piece at a time, each counted out of the queue's room as it is taken: what a cloud store
     * copies into its part buffers. (Taking a batch and handing its pieces out one by one held them
     * longer, and a 2 GiB stream into s3rver peaked at 201 MiB against 185-187.)
     */
    [Symbol.asyncIterator]() {
        this.wantBytes = 1;
        const next = async () => {
            for (;;) {
                if (this.failure)
                    throw this.failure.error;
                const piece = this.takeOne();
                if (piece)
                    return { value: piece, done: false };
                if (this.ended)
                    return { value: undefined, done: true };
                await this.readerWaits();
            }
        };
        return {
            next,
            return: () => {
                this.readerStopped();
                return Promise.resolve({ value: undefined, done: true });
            },
        };
    }
    takeOne() {
        if (this.head === this.pieces.length)
            return undefined;
        const piece = this.pieces[this.head];
        this.pieces[this.head++] = EMPTY;
        this.queuedBytes -= piece.length;
        if (this.head === this.pieces.length) {
            this.pieces = [];
            this.head = 0;
        }
        if (this.queuedBytes < this.highWater)
            this.releaseWriters();
        return piece;
    }
}
exports.PieceQueue = PieceQueue;
//# sourceMappingURL=piece-queue.js.map