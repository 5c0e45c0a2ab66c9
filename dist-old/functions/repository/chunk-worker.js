"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Worker-thread entry (see chunk-workers.ts): the CPU-heavy per-chunk work of backups and restores.
 * It uses the same format modules as the main thread, so there is one definition of a record.
 */
const node_worker_threads_1 = require("node:worker_threads");
const codec_1 = require("./codec");
const crypto_1 = require("./crypto");
const owned_1 = require("./owned");
const verify_record_1 = require("./verify-record");
const young_gc_1 = require("./young-gc");
const young_generation_1 = require("../core/young-generation");
const asBuffer = (u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
function main() {
    (0, young_generation_1.capYoungGeneration)(); // again: making this thread's isolate undid it
    const port = node_worker_threads_1.parentPort;
    if (!port)
        return;
    const setup = node_worker_threads_1.workerData;
    const ids = new crypto_1.ChunkIdHasher(Buffer.from(setup.idKey));
    const known = new Set();
    let handled = 0;
    let ring;
    const reply = (message, transfer) => port.postMessage(message, transfer ? [transfer.buffer] : []);
    /** The chunk's digest and keyed id, and whether this thread has seen the id already. */
    const identify = (seq, data) => {
        const id = Buffer.from(ids.idOf(data), 'latin1');
        const hex = id.toString('hex');
        const isKnown = known.has(hex);
        known.add(hex);
        // Posted: in memory of their own, not a slice of Node's pool (which would be copied whole).
        return {
            seq,
            op: 'encode',
            id: (0, owned_1.owned)(id),
            digest: (0, owned_1.owned)(ids.lastDigest()),
            known: isKnown,
            codec: 0,
        };
    };
    port.on('message', (request) => {
        if (request.op === 'known') {
            for (const hex of request.ids)
                known.add(hex);
            return;
        }
        if (request.op === 'ring') {
            ring = request.memory;
            return;
        }
        if (request.op === 'encodeShared') {
            // Nothing is allocated here, so there is no garbage to collect either.
            if (!ring)
                throw new Error('encodeShared before ring');
            const data = Buffer.from(ring, request.start, request.length);
            const answer = identify(request.seq, data);
            if (answer.known) {
                reply({ ...answer, sharedPayloadLength: 0 }, undefined);
            }
            else {
                const { codec, payload } = (0, codec_1.encodeInPlace)(data, setup.compression);
                reply({ ...answer, codec, sharedPayloadLength: payload.length }, undefined);
            }
            return;
        }
        if (request.op === 'encode') {
            const data = asBuffer(request.data);
            const answer = identify(request.seq, data);
            if (answer.known) {
                reply(answer, undefined);
            }
            else {
                const { codec, payload } = (0, codec_1.encodeSync)(data, setup.compression);
                const out = (0, owned_1.owned)(payload);
                reply({ ...answer, codec, payload: out }, out);
            }
        }
        else {
            const header = {
                packId: Buffer.from(request.packId),
                key: { key: Buffer.from(request.key) },
            };
            const entry = { ...request.entry, id: Buffer.from(request.entry.id) };
            const checked = (0, verify_record_1.verifyRecord)(header, entry, asBuffer(request.record), ids);
            if (checked.problem !== undefined) {
                reply({ seq: request.seq, op: 'decode', problem: checked.problem }, undefined);
            }
            else {
                const out = (0, owned_1.owned)(checked.data);
                reply({ seq: request.seq, op: 'decode', data: out, digest: (0, owned_1.owned)(checked.digest) }, out);
            }
        }
        // Dead buffers would otherwise pile up: this thread allocates much memory but few objects.
        if (++handled % 2 === 0)
            (0, young_gc_1.collectYoungGarbage)();
        // Once started up, as the main thread does.
        if (handled === young_gc_1.COMPACT_AFTER_PIECES)
            (0, young_gc_1.compactHeap)();
    });
}
main();
//# sourceMappingURL=chunk-worker.js.map