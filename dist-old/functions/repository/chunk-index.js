"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ChunkIndex = exports.IdSet = exports.RecordTable = void 0;
const crypto_1 = require("./crypto");
const index_object_1 = require("./index-object");
const RECORDS_PER_SLAB = 4096;
/**
 * Fixed-size records whose first 32 bytes are a chunk id, kept in slabs and found by id through an
 * open-addressing hash table; records of one id are chained in the order they were added.
 *
 * The repository's whole index is loaded for a restore or an incremental backup. As objects (an
 * IndexEntry, two Buffers and a hex string key per chunk) that was about 400 bytes of the main
 * thread's heap per chunk; here it is the record and about 12 bytes of tables. Chunk ids are keyed
 * hashes, so their first bytes are already uniformly spread and serve as the hash.
 */
class RecordTable {
    recordBytes;
    slabs = [];
    records = 0;
    distinct = 0;
    /** Per slot: 1 + the first record of an id, or 0 for an empty slot. */
    slots = new Int32Array(1024);
    /** Per record: the next record of the same id, or -1. */
    next = new Int32Array(RECORDS_PER_SLAB);
    /** Per record that heads a chain: the chain's last record (appends keep their order). */
    last = new Int32Array(RECORDS_PER_SLAB);
    constructor(recordBytes) {
        this.recordBytes = recordBytes;
        if (recordBytes < crypto_1.CHUNK_ID_BYTES)
            throw new Error(`a record holds at least a ${crypto_1.CHUNK_ID_BYTES}-byte id`);
    }
    /** Ids held (each counted once, however many records it has). */
    get size() {
        return this.distinct;
    }
    /** Adds a record (its first 32 bytes the id) copied from `source` at `at`; returns its number. */
    add(source, at = 0) {
        const n = this.records;
        if (n % RECORDS_PER_SLAB === 0)
            this.slabs.push(Buffer.allocUnsafeSlow(RECORDS_PER_SLAB * this.recordBytes));
        if (n === this.next.length) {
            this.next = grow(this.next);
            this.last = grow(this.last);
        }
        source.copy(this.slabs[this.slabs.length - 1], (n % RECORDS_PER_SLAB) * this.recordBytes, at, at + this.recordBytes);
        this.records++;
        this.next[n] = -1;
        const slot = this.slotOf(source, at);
        const head = this.slots[slot] - 1;
        if (head < 0) {
            this.slots[slot] = n + 1;
            this.last[n] = n;
            if (++this.distinct * 2 > this.slots.length)
                this.rehash();
        }
        else {
            this.next[this.last[head]] = n;
            this.last[head] = n;
        }
        return n;
    }
    /** The first record of an id, or -1; the others follow through `nextOf`. */
    first(id, at = 0) {
        return this.slots[this.slotOf(id, at)] - 1;
    }
    nextOf(record) {
        return this.next[record];
    }
    /** The slab holding a record, and where in it the record starts. */
    locate(record) {
        return {
            slab: this.slabs[Math.floor(record / RECORDS_PER_SLAB)],
            at: (record % RECORDS_PER_SLAB) * this.recordBytes,
        };
    }
    /** The first record of every id, in the order the ids were first added. */
    *heads() {
        for (let n = 0; n < this.records; n++) {
            const { slab, at } = this.locate(n);
            if (this.first(slab, at) === n)
                yield n;
        }
    }
    /** The slot where the id is, or the empty slot where it would go. */
    slotOf(id, at) {
        const mask = this.slots.length - 1;
        for (let slot = id.readUInt32LE(at) & mask;; slot = (slot + 1) & mask) {
            const head = this.slots[slot] - 1;
            if (head < 0)
                return slot;
            const { slab, at: where } = this.locate(head);
            if ((0, crypto_1.sameChunkId)(slab, where, id, at))
                return slot;
        }
    }
    rehash() {
        const old = this.slots;
        this.slots = new Int32Array(old.length * 2);
        const mask = this.slots.length - 1;
        for (const value of old) {
            if (value === 0)
                continue;
            const { slab, at } = this.locate(value - 1);
            let slot = slab.readUInt32LE(at) & mask;
            while (this.slots[slot] !== 0)
                slot = (slot + 1) & mask;
            this.slots[slot] = value;
        }
    }
}
exports.RecordTable = RecordTable;
function grow(array) {
    const bigger = new Int32Array(array.length * 2);
    bigger.set(array);
    return bigger;
}
/** A set of chunk ids, 32 bytes each in slabs: what a backup has stored so far in this session. */
class IdSet {
    table = new RecordTable(crypto_1.CHUNK_ID_BYTES);
    get size() {
        return this.table.size;
    }
    has(id) {
        return this.table.first(id) >= 0;
    }
    /** True when the id was not there before. */
    add(id) {
        if (this.has(id))
            return false;
        this.table.add(id);
        return true;
    }
}
exports.IdSet = IdSet;
/** Where copies of a chunk are; more than one after an independent full backup wrote it again. */
class ChunkIndex {
    table = new RecordTable(index_object_1.INDEX_ENTRY_BYTES);
    scratch = Buffer.alloc(index_object_1.INDEX_ENTRY_BYTES);
    /** Chunks indexed (each counted once, however many copies). */
    get size() {
        return this.table.size;
    }
    add(entry) {
        (0, index_object_1.writeEntry)(this.scratch, 0, entry);
        this.table.add(this.scratch);
    }
    /**
     * Adds every entry of an index object's plaintext (see index-object.ts), checked as decodeIndex
     * checks; with `only`, just the entries of that pack class.
     */
    addIndexObject(plain, name, only) {
        const count = (0, index_object_1.validateIndexPlaintext)(plain, name);
        for (let i = 0, at = 4; i < count; i++, at += index_object_1.INDEX_ENTRY_BYTES)
            if (only === undefined || plain[at + index_object_1.PACK_CLASS_AT] === only)
                this.table.add(plain, at);
    }
    has(id) {
        return this.table.first(id) >= 0;
    }
    /** The copies of a chunk, in the order they were added; undefined when it has none. */
    get(id) {
        const first = this.table.first(id);
        return first < 0 ? undefined : this.copies(first);
    }
    /** The first copy of a chunk (the one readers try first), or undefined. */
    first(id) {
        const first = this.table.first(id);
        if (first < 0)
            return undefined;
        const { slab, at } = this.table.locate(first);
        return (0, index_object_1.readEntry)(slab, at);
    }
    /**
     * Where the first copy's record is (INDEX_ENTRY_BYTES at `at` of `slab`), for a caller that
     * reads only some fields in place instead of a whole entry's copies (ChunkReader.locateAll).
     */
    firstRecord(id) {
        const first = this.table.first(id);
        return first < 0 ? undefined : this.table.locate(first);
    }
    /** Every chunk's copies. */
    *values() {
        for (const head of this.table.heads())
            yield this.copies(head);
    }
    copies(first) {
        const entries = [];
        for (let n = first; n >= 0; n = this.table.nextOf(n)) {
            const { slab, at } = this.table.locate(n);
            entries.push((0, index_object_1.readEntry)(slab, at));
        }
        return entries;
    }
}
exports.ChunkIndex = ChunkIndex;
//# sourceMappingURL=chunk-index.js.map