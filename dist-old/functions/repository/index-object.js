"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.IndexEntries = exports.PACK_CLASS_AT = exports.PACK_ID_AT = exports.INDEX_ENTRY_BYTES = void 0;
exports.encodeIndex = encodeIndex;
exports.writeEntry = writeEntry;
exports.validateIndexPlaintext = validateIndexPlaintext;
exports.readEntry = readEntry;
exports.entryInPlace = entryInPlace;
exports.decodeIndex = decodeIndex;
const errors_1 = require("../core/errors");
const pack_1 = require("./pack");
/*
 * An index object maps chunk ids to their place in packs; it is a cache of the pack trailers, so
 * `lifeboat check` can rebuild and cross-check it. Plaintext (inside a stream object):
 *   count u32 | count × entry (62 B), sorted by chunk id
 *   entry = chunkId 32 | packId 16 | offset u32 | storedLength u32 | rawLength u32 | codec u8 | class u8
 */
exports.INDEX_ENTRY_BYTES = 62;
/** Where an entry's pack id and pack class are, from its start (its first 32 bytes are the id). */
exports.PACK_ID_AT = 32;
exports.PACK_CLASS_AT = 61;
function encodeIndex(entries) {
    const sorted = [...entries].sort((a, b) => Buffer.compare(a.id, b.id));
    const out = Buffer.alloc(4 + sorted.length * exports.INDEX_ENTRY_BYTES);
    out.writeUInt32BE(sorted.length, 0);
    sorted.forEach((e, i) => writeEntry(out, 4 + i * exports.INDEX_ENTRY_BYTES, e));
    return out;
}
function writeEntry(out, at, e) {
    e.id.copy(out, at);
    e.packId.copy(out, at + exports.PACK_ID_AT);
    out.writeUInt32BE(e.offset, at + 48);
    out.writeUInt32BE(e.storedLength, at + 52);
    out.writeUInt32BE(e.rawLength, at + 56);
    out.writeUInt8(e.codec, at + 60);
    out.writeUInt8(e.packClass, at + exports.PACK_CLASS_AT);
}
/**
 * The index entries of a backup in progress, kept as their encoded records until the index object
 * is written. As objects (an entry, its id's Buffer) they cost about five times the 62 bytes and
 * lived on the main thread's heap for the whole backup: 45,000 of them half-way through the
 * Linux tree's.
 */
class IndexEntries {
    entriesPerSlab;
    slabs = [];
    count = 0;
    constructor(entriesPerSlab = 1024) {
        this.entriesPerSlab = entriesPerSlab;
    }
    get size() {
        return this.count;
    }
    add(entry) {
        const slot = this.count % this.entriesPerSlab;
        if (slot === 0)
            this.slabs.push(Buffer.allocUnsafeSlow(this.entriesPerSlab * exports.INDEX_ENTRY_BYTES));
        writeEntry(this.slabs[this.slabs.length - 1], slot * exports.INDEX_ENTRY_BYTES, entry);
        this.count++;
    }
    /** The index object's plaintext, as encodeIndex gives it for the same entries. */
    encode() {
        const per = this.entriesPerSlab;
        const slabOf = (i) => this.slabs[Math.floor(i / per)];
        const at = (i) => (i % per) * exports.INDEX_ENTRY_BYTES;
        // Ids are keyed hashes: their first four bytes nearly always decide the order, compared as
        // numbers; a Buffer.compare with offsets for every comparison took a backup of a million
        // small files 1 s of its main thread per 200,000 entries.
        const heads = Uint32Array.from({ length: this.count }, (_, i) => slabOf(i).readUInt32BE(at(i)));
        const order = Uint32Array.from({ length: this.count }, (_, i) => i);
        order.sort((a, b) => heads[a] - heads[b] || slabOf(a).compare(slabOf(b), at(b), at(b) + 32, at(a), at(a) + 32));
        const out = Buffer.alloc(4 + this.count * exports.INDEX_ENTRY_BYTES);
        out.writeUInt32BE(this.count, 0);
        order.forEach((i, n) => {
            slabOf(i).copy(out, 4 + n * exports.INDEX_ENTRY_BYTES, at(i), at(i) + exports.INDEX_ENTRY_BYTES);
        });
        return out;
    }
}
exports.IndexEntries = IndexEntries;
/** The number of entries of an index object's plaintext, once its length and entries check. */
function validateIndexPlaintext(plain, name) {
    if (plain.length < 4)
        throw new errors_1.IntegrityError(name, 'index is truncated');
    const count = plain.readUInt32BE(0);
    if (plain.length !== 4 + count * exports.INDEX_ENTRY_BYTES)
        throw new errors_1.IntegrityError(name, 'index has the wrong length');
    for (let i = 0, at = 4; i < count; i++, at += exports.INDEX_ENTRY_BYTES) {
        const packClass = plain.readUInt8(at + exports.PACK_CLASS_AT);
        if (packClass !== pack_1.PackClass.data && packClass !== pack_1.PackClass.meta)
            throw new errors_1.IntegrityError(name, `entry ${i} has an unknown pack class`, at + exports.PACK_CLASS_AT);
    }
    return count;
}
/** The entry encoded at `at` (its buffers are copies). */
function readEntry(plain, at) {
    return entryInPlace(plain, at, Buffer.from(plain.subarray(at, at + 32)), Buffer.from(plain.subarray(at + exports.PACK_ID_AT, at + exports.PACK_ID_AT + 16)));
}
/**
 * The entry encoded at `at`, with `id` and `packId` given by a caller that already holds buffers
 * of those bytes (no copies made).
 */
function entryInPlace(plain, at, id, packId) {
    return {
        id,
        packId,
        offset: plain.readUInt32BE(at + 48),
        storedLength: plain.readUInt32BE(at + 52),
        rawLength: plain.readUInt32BE(at + 56),
        codec: plain.readUInt8(at + 60),
        packClass: plain.readUInt8(at + exports.PACK_CLASS_AT),
    };
}
function decodeIndex(plain, name) {
    const count = validateIndexPlaintext(plain, name);
    const entries = [];
    for (let i = 0, at = 4; i < count; i++, at += exports.INDEX_ENTRY_BYTES)
        entries.push(readEntry(plain, at));
    return entries;
}
//# sourceMappingURL=index-object.js.map