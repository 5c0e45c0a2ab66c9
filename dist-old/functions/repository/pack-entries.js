"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PackEntryTable = void 0;
const errors_1 = require("../core/errors");
const crypto_1 = require("./crypto");
const pack_1 = require("./pack");
/**
 * A pack's trailer entries as the trailer holds them (45 bytes each, docs/FORMAT.md §Packs), found
 * by record offset, checked to tile the pack from its header to its trailer. A reader keeps the
 * packs it opened: as a Map of entry objects that was an object and an id Buffer per record on
 * the main thread's heap, every record of a restore (78,700 for the Linux source tree), promoted
 * and carried by every collection.
 */
class PackEntryTable {
    plain;
    /** Row of each entry in the trailer, in the order of their offsets. */
    rows;
    offsets;
    /** `plain` is the trailer's plaintext (a count, then the entries); it is kept, not copied. */
    constructor(plain, name, trailerOffset) {
        this.plain = plain;
        if (plain.length < 4)
            throw new errors_1.IntegrityError(name, 'pack index is truncated');
        const count = plain.readUInt32BE(0);
        if (plain.length !== 4 + count * pack_1.PACK_ENTRY_BYTES)
            throw new errors_1.IntegrityError(name, 'pack index has the wrong length');
        const rows = Array.from({ length: count }, (_, i) => i);
        const offsetOf = (row) => plain.readUInt32BE(4 + row * pack_1.PACK_ENTRY_BYTES + crypto_1.CHUNK_ID_BYTES);
        rows.sort((a, b) => offsetOf(a) - offsetOf(b));
        this.rows = Uint32Array.from(rows);
        this.offsets = Uint32Array.from(rows, offsetOf);
        for (let row = 0; row < count; row++) {
            const offset = offsetOf(row);
            if (offset < pack_1.PACK_HEADER_BYTES || offset + this.storedLength(row) > trailerOffset)
                throw new errors_1.IntegrityError(name, `trailer entry points outside the records (offset ${offset})`, trailerOffset);
        }
        let expected = pack_1.PACK_HEADER_BYTES;
        for (let i = 0; i < count; i++) {
            if (this.offsets[i] !== expected)
                throw new errors_1.IntegrityError(name, 'records do not tile the pack (gap or overlap)', expected);
            expected += this.storedLength(this.rows[i]);
        }
        if (expected !== trailerOffset)
            throw new errors_1.IntegrityError(name, 'records do not reach the trailer', expected);
    }
    get size() {
        return this.rows.length;
    }
    /** The entry of the record at `offset`, or undefined. */
    get(offset) {
        const row = this.rowAt(offset);
        return row === undefined ? undefined : this.entry(row);
    }
    /** Whether the record at `entry.offset` is this entry (the index agrees with the trailer). */
    agrees(entry) {
        const row = this.rowAt(entry.offset);
        if (row === undefined)
            return false;
        const at = 4 + row * pack_1.PACK_ENTRY_BYTES;
        return (this.storedLength(row) === entry.storedLength &&
            this.plain.readUInt32BE(at + 40) === entry.rawLength &&
            this.plain[at + 44] === entry.codec &&
            entry.id.length === crypto_1.CHUNK_ID_BYTES &&
            (0, crypto_1.sameChunkId)(this.plain, at, entry.id, 0));
    }
    /** Every entry, in offset order. */
    *values() {
        for (const row of this.rows)
            yield this.entry(row);
    }
    rowAt(offset) {
        let lo = 0;
        let hi = this.offsets.length - 1;
        while (lo <= hi) {
            const mid = (lo + hi) >>> 1;
            const value = this.offsets[mid];
            if (value === offset)
                return this.rows[mid];
            if (value < offset)
                lo = mid + 1;
            else
                hi = mid - 1;
        }
        return undefined;
    }
    storedLength(row) {
        return this.plain.readUInt32BE(4 + row * pack_1.PACK_ENTRY_BYTES + crypto_1.CHUNK_ID_BYTES + 4);
    }
    entry(row) {
        const at = 4 + row * pack_1.PACK_ENTRY_BYTES;
        return {
            id: Buffer.from(this.plain.subarray(at, at + crypto_1.CHUNK_ID_BYTES)),
            offset: this.plain.readUInt32BE(at + 32),
            storedLength: this.plain.readUInt32BE(at + 36),
            rawLength: this.plain.readUInt32BE(at + 40),
            codec: this.plain[at + 44],
        };
    }
}
exports.PackEntryTable = PackEntryTable;
//# sourceMappingURL=pack-entries.js.map