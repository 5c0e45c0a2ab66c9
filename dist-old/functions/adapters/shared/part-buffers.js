"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PartBuffers = exports.MIN_PART_BUFFERS = void 0;
exports.partsOf = partsOf;
const errors_1 = require("../../core/errors");
const object_store_1 = require("../../core/ports/object-store");
/**
 * A fixed set of buffers for the parts (S3) or blocks (Azure) of a store's uploads, shared by all
 * of them and reused for the life of the store.
 *
 * The SDKs' streamed uploads allocate a buffer per part and free it when the part is sent: each
 * upload holds part size × parts in flight, up to three packs upload at once, and the freed parts
 * outlive a young collection and wait for a full one while glibc keeps their pages. A 256 MiB
 * stream into s3rver peaked at 261-275 MiB that way (110-118 MiB of array buffers), against
 * 174-186 MiB into a local directory. With this pool the memory for parts is allocated once and
 * bounded whatever the number of uploads, the speed of the store or the size of the stream.
 */
exports.MIN_PART_BUFFERS = 3;
class PartBuffers {
    partBytes;
    count;
    free = [];
    waiting = [];
    created = 0;
    constructor(partBytes, 
    /** Buffers at most, so parts in flight (or being filled) over all uploads at once. */
    count) {
        this.partBytes = partBytes;
        this.count = count;
        // A backup's two open packs (data and metadata) may each hold a buffer while they wait for
        // records; a closing pack needs a third to finish, or the backup would wait on itself.
        if (count < exports.MIN_PART_BUFFERS)
            throw new errors_1.InputError(`An upload needs at least ${exports.MIN_PART_BUFFERS} part buffers, not ${count}.`, `Set the parts (or blocks) in flight to ${exports.MIN_PART_BUFFERS} or more.`);
    }
    /** A free buffer of partBytes, once one is free. */
    take() {
        const free = this.free.pop();
        if (free)
            return Promise.resolve(free);
        if (this.created < this.count) {
            this.created++;
            return Promise.resolve(Buffer.allocUnsafeSlow(this.partBytes));
        }
        return new Promise((resolve) => this.waiting.push(resolve));
    }
    /** Returns a buffer taken from this pool; nothing may use it afterwards. */
    give(buffer) {
        const next = this.waiting.shift();
        if (next)
            next(buffer);
        else
            this.free.push(buffer);
    }
}
exports.PartBuffers = PartBuffers;
/**
 * Cuts a body into parts of partBytes (the last one shorter, or empty for an empty body) in the
 * pool's buffers. A part's buffer belongs to the consumer from the moment it is yielded.
 */
async function* partsOf(body, buffers) {
    const pieces = body[Symbol.asyncIterator]();
    let piece;
    let offset = 0;
    const nextPiece = async () => {
        for (;;) {
            const next = await pieces.next();
            if (next.done)
                return false;
            if (next.value.length === 0)
                continue;
            piece = next.value;
            offset = 0;
            return true;
        }
    };
    let more = await nextPiece();
    do {
        const buffer = await buffers.take();
        let length = 0;
        try {
            while (more && length < buffer.length) {
                const n = piece.copy(buffer, length, offset);
                length += n;
                offset += n;
                if (offset === piece.length) {
                    (0, object_store_1.piecesConsumed)(body, [piece]);
                    more = await nextPiece();
                }
            }
        }
        catch (error) {
            buffers.give(buffer);
            throw error;
        }
        yield { buffer, length, last: !more };
    } while (more);
}
//# sourceMappingURL=part-buffers.js.map