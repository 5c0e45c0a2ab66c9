"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PackWriter = void 0;
const id_arena_1 = require("./id-arena");
const piece_queue_1 = require("./piece-queue");
const staging_buffers_1 = require("./staging-buffers");
const pack_1 = require("./pack");
const NO_BYTES = Buffer.alloc(0);
/**
 * Streams one pack to the store as its records are sealed, so a pack never sits whole in memory.
 * The object appears in the store only when finish() has written the trailer (the store's put is atomic).
 */
class PackWriter {
    header;
    key;
    /**
     * The records' pieces go to the store one by one, as written: a byte stream's reader gets
     * everything buffered at once, which costs a new buffer the size of a record and a copy, per
     * record (1 GiB of allocations per GiB backed up into S3 or Azure).
     */
    body = new piece_queue_1.PieceQueue(1024 * 1024, (piece) => staging_buffers_1.stagingBuffers.give(piece));
    upload;
    uploadError;
    entries = [];
    /** The entries live until the pack is finished: their ids are kept out of Node's buffer pool. */
    ids = new id_arena_1.IdArena();
    offset = pack_1.PACK_HEADER_BYTES;
    sealer;
    /**
     * Records are sealed into this buffer, which goes to the body once full (or once the next record
     * does not fit): one buffer, and one piece, per STAGING_BYTES, where Node's crypto made three per
     * record.
     */
    staged = NO_BYTES;
    stagedBytes = 0;
    /** A push found the body at its room: add() waits for it to drain before it returns. */
    full = false;
    tag = Buffer.allocUnsafeSlow(16);
    constructor(store, keys, packClass) {
        this.header = (0, pack_1.newPackHeader)(keys, packClass);
        this.key = (0, pack_1.packKey)(packClass, this.header.packId.toString('hex'));
        this.sealer = new pack_1.RecordSealer(this.header);
        // abort() destroys the body with an error; the upload reads it from there.
        this.upload = store.put(this.key, this.body, { createOnly: true });
        this.upload.catch((error) => {
            this.uploadError = error;
            // Unblock a writer waiting for room in a body nobody reads any more.
            this.body.destroy();
        });
        this.body.push(this.header.bytes);
    }
    get size() {
        return this.offset;
    }
    /** Records added so far. */
    get records() {
        return this.entries.length;
    }
    /**
     * Seals a chunk's record into the pack; `framed` as in RecordSealer.sealInto. Returns a promise
     * only when the body has reached its room: wait for it before the next add. (A promise per
     * record, and the async frames of its callers, was most of what a tree backup's main thread
     * allocated per chunk.)
     */
    add(id, codec, payload, rawLength, framed = false) {
        if (this.uploadError)
            throw this.uploadError;
        const length = pack_1.RecordSealer.sealedLength(payload.length, framed);
        if (length > this.staged.length - this.stagedBytes && length <= staging_buffers_1.STAGING_BYTES)
            this.nextStaging();
        let storedLength;
        if (length <= this.staged.length - this.stagedBytes) {
            storedLength = this.sealer.sealInto(this.offset, id, codec, payload, framed, this.staged, this.stagedBytes);
            this.stagedBytes += storedLength;
        }
        else {
            storedLength = this.sealAcross(id, codec, payload, framed);
        }
        this.entries.push({ id: this.ids.keep(id), offset: this.offset, storedLength, rawLength, codec });
        this.offset += storedLength;
        if (this.full) {
            this.full = false;
            return this.roomAgain();
        }
    }
    /** Until the store has taken enough of the body, or the upload has ended (failed). */
    async roomAgain() {
        await Promise.race([this.body.drained(), this.upload.then(() => undefined)]).catch(() => undefined);
        if (this.uploadError)
            throw this.uploadError;
    }
    /** A record bigger than a staging buffer, sealed in parts across as many as it takes. */
    sealAcross(id, codec, payload, framed) {
        let written = 0;
        const fill = (bytes, write) => {
            for (let from = 0; from < bytes.length;) {
                if (this.stagedBytes === this.staged.length)
                    this.nextStaging();
                const to = Math.min(bytes.length, from + this.staged.length - this.stagedBytes);
                this.stagedBytes += write(from, to);
                written += to - from;
                from = to;
            }
        };
        for (const part of this.sealer.begin(this.offset, id, codec, payload, framed))
            fill(part, (from, to) => this.sealer.update(part.subarray(from, to), this.staged, this.stagedBytes));
        this.sealer.end(this.tag);
        fill(this.tag, (from, to) => this.tag.copy(this.staged, this.stagedBytes, from, to));
        return written;
    }
    /** Queues the staged records, and stages the next ones in another buffer. */
    nextStaging() {
        this.pushStaged();
        this.staged = staging_buffers_1.stagingBuffers.take();
    }
    /** Queues the sealed bytes staged so far (`full` when the body is then at its room). */
    pushStaged() {
        const staged = this.staged;
        const filled = staged.subarray(0, this.stagedBytes);
        // A staging buffer is queued once and not written again until the store has consumed it.
        this.staged = NO_BYTES;
        this.stagedBytes = 0;
        if (filled.length === 0)
            staging_buffers_1.stagingBuffers.give(staged);
        else if (!this.body.push(filled))
            this.full = true;
    }
    async finish() {
        this.pushStaged();
        const tail = (0, pack_1.sealTrailer)(this.header, this.entries);
        this.body.end(tail);
        const info = await this.upload;
        return {
            packId: this.header.packId,
            packClass: this.header.packClass,
            key: this.key,
            size: info.size,
            entries: this.entries,
        };
    }
    /** Abandons the pack: the store never shows a partial object. */
    abort() {
        this.staged = NO_BYTES;
        this.stagedBytes = 0;
        this.body.destroy(new Error('pack aborted'));
    }
}
exports.PackWriter = PackWriter;
//# sourceMappingURL=pack-writer.js.map