"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.openPack = openPack;
const errors_1 = require("../core/errors");
const pack_1 = require("./pack");
const pack_entries_1 = require("./pack-entries");
const read_1 = require("./read");
/**
 * Reads a pack's header and trailer and checks that they authenticate and that the records tile
 * the space between them exactly, so a cut or a flipped bit anywhere in the pack is noticed.
 */
async function openPack(store, keys, key) {
    const info = await store.head(key);
    if (!info)
        throw new errors_1.IntegrityError(key, 'pack is missing');
    if (info.size < pack_1.PACK_HEADER_BYTES + pack_1.PACK_FOOTER_BYTES)
        throw new errors_1.IntegrityError(key, 'pack is truncated', info.size);
    try {
        const header = (0, pack_1.readPackHeader)(keys, await (0, read_1.readAll)(store, key, { offset: 0, length: pack_1.PACK_HEADER_BYTES }), key, key);
        const footer = await (0, read_1.readAll)(store, key, {
            offset: info.size - pack_1.PACK_FOOTER_BYTES,
            length: pack_1.PACK_FOOTER_BYTES,
        });
        const length = (0, pack_1.trailerLength)(footer, key, info.size);
        const trailerOffset = info.size - pack_1.PACK_FOOTER_BYTES - length;
        const trailer = await (0, read_1.readAll)(store, key, { offset: trailerOffset, length });
        const entries = new pack_entries_1.PackEntryTable((0, pack_1.openTrailer)(header, trailer, footer, key, trailerOffset), key, trailerOffset);
        return { key, size: info.size, header, entries, trailerOffset };
    }
    catch (error) {
        if (error instanceof errors_1.ObjectNotFoundError)
            throw new errors_1.IntegrityError(key, 'pack is missing');
        throw error;
    }
}
//# sourceMappingURL=pack-reader.js.map