"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CONTENT_LIST_MAX_ENTRIES = void 0;
exports.encodeContentList = encodeContentList;
exports.decodeContentList = decodeContentList;
const errors_1 = require("../core/errors");
/*
 * A content list is a metadata chunk naming, in order, the chunks of (part of) a stream:
 *   count u32 | count × (chunkId 32 | rawLength u32)
 * A snapshot names its content lists, so a manifest stays small whatever the size of the stream,
 * and unchanged stretches of a stream give identical lists that deduplicate like data.
 */
exports.CONTENT_LIST_MAX_ENTRIES = 16384;
const ENTRY_BYTES = 36;
function encodeContentList(refs) {
    const out = Buffer.alloc(4 + refs.length * ENTRY_BYTES);
    out.writeUInt32BE(refs.length, 0);
    refs.forEach((ref, i) => {
        ref.id.copy(out, 4 + i * ENTRY_BYTES);
        out.writeUInt32BE(ref.rawLength, 4 + i * ENTRY_BYTES + 32);
    });
    return out;
}
function decodeContentList(plain, name) {
    const count = plain.length >= 4 ? plain.readUInt32BE(0) : -1;
    if (count < 0 || plain.length !== 4 + count * ENTRY_BYTES)
        throw new errors_1.IntegrityError(name, 'content list has the wrong length');
    const refs = [];
    for (let i = 0; i < count; i++) {
        const at = 4 + i * ENTRY_BYTES;
        refs.push({ id: Buffer.from(plain.subarray(at, at + 32)), rawLength: plain.readUInt32BE(at + 32) });
    }
    return refs;
}
//# sourceMappingURL=content-list.js.map