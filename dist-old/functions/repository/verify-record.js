"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.verifyRecord = verifyRecord;
const codec_1 = require("./codec");
const pack_1 = require("./pack");
/**
 * Everything a reader checks of one record: it authenticates, its codec byte matches the entry,
 * it decodes to exactly the raw length, and its content hashes to its id. The one definition
 * used by restores (on the main thread or a worker) and by `check --read-data`. With `scratch`,
 * the data may be a view of one of the thread's scratch buffers (the opened record's or zstd's),
 * valid only until its next call: for a caller that writes the data out and drops it.
 */
function verifyRecord(header, entry, record, ids, scratch = false) {
    const opened = (0, pack_1.openRecord)(header, entry, record, scratch);
    if (!opened)
        return { problem: `record of chunk ${entry.id.toString('hex').slice(0, 16)} does not authenticate` };
    if (opened.codec !== entry.codec)
        return { problem: 'record codec differs from the index' };
    let data;
    try {
        data = (0, codec_1.decodeSync)(opened.codec, opened.payload, entry.rawLength, scratch);
    }
    catch (error) {
        return { problem: `record does not decompress (${error.message})` };
    }
    if (!ids.matches(data, entry.id))
        return { problem: 'chunk content does not match its id' };
    return { data, digest: ids.lastDigest() };
}
//# sourceMappingURL=verify-record.js.map