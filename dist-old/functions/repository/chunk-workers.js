"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ChunkWorkers = void 0;
const node_os_1 = require("node:os");
const batch_slots_1 = require("../core/batch-slots");
const errors_1 = require("../core/errors");
const worker_script_1 = require("../core/worker-script");
const worker_isolates_1 = require("./worker-isolates");
const owned_1 = require("./owned");
/**
 * A pool of worker threads for the per-chunk CPU work: keyed id and compression when backing up,
 * decryption, decompression and id check when restoring. The main thread keeps reading, chunking,
 * sealing and writing, so every core is busy.
 */
class ChunkWorkers {
    workers;
    load;
    replies = new batch_slots_1.Replies();
    seq = 0;
    failure;
    ring;
    constructor(idKey, compression, count = Math.max(1, Math.min((0, node_os_1.availableParallelism)(), 8))) {
        // Before the workers start: the settings apply to isolates created afterwards.
        (0, worker_isolates_1.prepareWorkerIsolates)();
        const setup = { idKey, compression };
        const script = (0, worker_script_1.workerScript)(__dirname, 'chunk-worker');
        this.workers = (0, batch_slots_1.startWorkers)(script, setup, count, this.replies, (error) => (this.failure ??= error));
        this.load = this.workers.map(() => 0);
    }
    /** Ids that need not be compressed: chunks that exist already (the parent's). */
    markKnown(ids) {
        const request = { op: 'known', ids };
        for (const worker of this.workers)
            worker.postMessage(request);
    }
    /** Shares `ring` with the workers: encode then passes chunks that lie in it without moving memory. */
    shareRing(ring) {
        this.ring = ring;
        const request = { op: 'ring', memory: ring.memory };
        for (const worker of this.workers)
            worker.postMessage(request);
    }
    /**
     * Hands a chunk to the least busy worker; `data` moves there and must not be used again. A
     * chunk in the shared ring stays there: its payload comes back in the same place.
     */
    encode(data) {
        const rawLength = data.length;
        const ring = this.ring?.holds(data) ? this.ring : undefined;
        const ringStart = ring ? data.byteOffset : undefined;
        const payload = ring ? undefined : (0, owned_1.owned)(data);
        const request = ring
            ? { op: 'encodeShared', seq: 0, start: ringStart, length: rawLength }
            : { op: 'encode', seq: 0, data: payload };
        return this.send(request, payload).then((reply) => {
            if (reply.op !== 'encode')
                throw new Error('unexpected worker reply');
            const out = ring
                ? ring.view(ringStart, reply.sharedPayloadLength ?? 0)
                : reply.payload
                    ? Buffer.from(reply.payload.buffer, reply.payload.byteOffset, reply.payload.byteLength)
                    : Buffer.alloc(0);
            return {
                ringStart,
                id: Buffer.from(reply.id),
                digest: Buffer.from(reply.digest),
                rawLength,
                known: reply.known,
                codec: reply.codec,
                payload: out,
            };
        });
    }
    /**
     * Decrypts, decompresses and checks one record; an IntegrityError names the pack and offset.
     * A record in shared memory is read there by the worker (leave it alone until this settles);
     * any other record moves to the worker and must not be used again.
     */
    decode(object, header, entry, record) {
        const shared = record.buffer instanceof SharedArrayBuffer;
        const sent = shared ? record : (0, owned_1.owned)(record);
        const request = {
            op: 'decode',
            seq: 0,
            key: header.key.key,
            packId: header.packId,
            entry,
            record: sent,
        };
        return this.send(request, shared ? undefined : sent).then((reply) => {
            if (reply.op !== 'decode')
                throw new Error('unexpected worker reply');
            if (reply.problem || !reply.data || !reply.digest) {
                throw new errors_1.IntegrityError(object, reply.problem ?? 'no data', entry.offset);
            }
            return {
                data: Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength),
                digest: Buffer.from(reply.digest),
            };
        });
    }
    /** To the least busy worker; `transfer`'s memory moves there. */
    send(request, transfer) {
        if (this.failure)
            return Promise.reject(this.failure);
        const index = this.load.indexOf(Math.min(...this.load));
        request.seq = this.seq++;
        this.load[index]++;
        const moved = transfer ? [transfer.buffer] : [];
        return this.replies.post(this.workers[index], request, moved).finally(() => this.load[index]--);
    }
    async close() {
        await Promise.all(this.workers.map((w) => w.terminate()));
    }
}
exports.ChunkWorkers = ChunkWorkers;
//# sourceMappingURL=chunk-workers.js.map