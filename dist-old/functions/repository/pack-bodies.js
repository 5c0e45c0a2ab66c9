"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PackBodies = void 0;
const read_1 = require("./read");
/** Ranged reads of one pack before its records are read whole instead. */
const READS_BEFORE_WHOLE = 4;
/** At most this many bytes of bodies are kept; a larger pack is always read by ranges. */
const LIMIT_BYTES = 32 * 1024 * 1024;
/**
 * Whole bodies (header and records, up to the trailer) of the packs a reader keeps asking for.
 * A walk of a snapshot reads one tree object per directory, thousands of small records from the
 * same few metadata packs: one read of each pack replaces thousands of ranged reads (locally an
 * open, a read and a close each; in the cloud a request each). A pack is read whole only after a
 * few ranged reads of it, so a reader that wants one record (a single file's content list) does
 * not fetch a whole pack for it. Records taken from a body are checked like any other: the body
 * only replaces where their bytes come from. Bounded in bytes; the least recently used goes first.
 */
class PackBodies {
    store;
    limitBytes;
    readsBeforeWhole;
    reads = new Map();
    /** In use order, oldest first. */
    bodies = new Map();
    bytes = 0;
    constructor(store, limitBytes = LIMIT_BYTES, readsBeforeWhole = READS_BEFORE_WHOLE) {
        this.store = store;
        this.limitBytes = limitBytes;
        this.readsBeforeWhole = readsBeforeWhole;
    }
    /** The bytes of `range` of the pack: from its body when kept (or now worth keeping), else read alone. */
    async read(pack, range) {
        const body = this.body(pack);
        if (!body)
            return (0, read_1.readAll)(this.store, pack.key, range);
        const bytes = await body;
        return bytes.subarray(range.offset, Math.min(range.offset + range.length, bytes.length));
    }
    body(pack) {
        const kept = this.bodies.get(pack.key);
        if (kept) {
            this.bodies.delete(pack.key); // to the end: most recently used
            this.bodies.set(pack.key, kept);
            return kept.body;
        }
        const size = pack.trailerOffset;
        if (size > this.limitBytes)
            return undefined;
        if (this.reads.size > 4096)
            this.reads.clear(); // counts of packs read once or twice, long ago
        const reads = (this.reads.get(pack.key) ?? 0) + 1;
        this.reads.set(pack.key, reads);
        if (reads <= this.readsBeforeWhole)
            return undefined;
        this.reads.delete(pack.key);
        const body = (0, read_1.readAll)(this.store, pack.key, { offset: 0, length: size });
        // A failed read is not kept: the next record asks again (and the store retries transient faults).
        body.catch(() => {
            if (this.bodies.get(pack.key)?.body === body)
                this.forget(pack.key);
        });
        this.bodies.set(pack.key, { size, body });
        this.bytes += size;
        for (const key of this.bodies.keys()) {
            if (this.bytes <= this.limitBytes || key === pack.key)
                break;
            this.forget(key);
        }
        return body;
    }
    forget(key) {
        const kept = this.bodies.get(key);
        if (!kept)
            return;
        this.bodies.delete(key);
        this.bytes -= kept.size;
    }
}
exports.PackBodies = PackBodies;
//# sourceMappingURL=pack-bodies.js.map