"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.fileChunker = fileChunker;
exports.chunkFile = chunkFile;
const node_fs_1 = require("node:fs");
const chunker_1 = require("../../repository/chunker");
/** What one read of a file asks for; also the chunker's room beyond its max-sized window. */
const READ_BYTES = 4 * 1024 * 1024;
/**
 * A chunker for whole files, read straight into its memory (`chunkFile`): no read buffer of their
 * own, and each chunk is hashed (and compressed) where it lies, not copied out first.
 */
function fileChunker(params, gear) {
    return new chunker_1.Chunker(params, gear, { inputRoom: READ_BYTES });
}
/**
 * Reads `fd` from `position` to its end (a file can grow while read) into the chunker's memory;
 * every chunk goes to `visit` as a view, the tail's too once the end is reached. Stops early,
 * without the tail, as soon as `stopped()` says so. Returns the position reached.
 */
function chunkFile(fd, chunker, position, visit, stopped = () => false) {
    for (;;) {
        const space = chunker.space();
        const n = (0, node_fs_1.readSync)(fd, space, 0, Math.min(space.length, READ_BYTES), position);
        if (n === 0)
            break;
        position += n;
        chunker.commit(n, visit);
        if (stopped())
            return position;
    }
    chunker.flush(visit);
    return position;
}
//# sourceMappingURL=chunk-file.js.map