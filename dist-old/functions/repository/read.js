"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.readAll = readAll;
/** Reads an object, or a range of it, into memory. Only for bounded things: headers, records, metadata. */
async function readAll(store, key, range) {
    if (range)
        return store.read(key, range);
    const stream = await store.get(key, range);
    const parts = [];
    for await (const part of stream)
        parts.push(part);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
//# sourceMappingURL=read.js.map