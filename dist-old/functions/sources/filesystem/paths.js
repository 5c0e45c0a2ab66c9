"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.listing = void 0;
exports.inodeKey = inodeKey;
exports.joinPath = joinPath;
exports.listDir = listDir;
const node_fs_1 = require("node:fs");
const SLASH = Buffer.from('/');
/** Names one file (inode) among its hard links and other paths: device and inode number. */
function inodeKey(st) {
    return `${st.dev}:${st.ino}`;
}
/** `dir/name` for paths kept as bytes (a file name need not be valid UTF-8). */
function joinPath(dir, name) {
    return dir.length === 1 && dir[0] === 0x2f
        ? Buffer.concat([SLASH, name])
        : Buffer.concat([dir, SLASH, name]);
}
/** The two ways to list a directory, latin1 names (an object, so that a test can fail the first). */
exports.listing = {
    typed: (path) => (0, node_fs_1.readdirSync)(path, { encoding: 'latin1', withFileTypes: true }),
    names: (path) => (0, node_fs_1.readdirSync)(path, { encoding: 'latin1' }),
};
/**
 * A directory's entries in byte order of their names. Names as strings: as buffers, each would
 * be native memory of its own (a cost per file in a tree of small files). An empty list when the
 * directory cannot be listed (`onError` says why).
 */
function listDir(path, onError) {
    let entries;
    try {
        entries = exports.listing.typed(path).map(entryOf);
    }
    catch {
        // Node stats an entry whose type the filesystem does not report, and fails the whole listing
        // when that stat fails (an entry removed meanwhile) or cannot join a byte path: list the
        // names alone then, and leave the stat to the caller.
        try {
            entries = exports.listing.names(path).map((name) => ({ name, kind: 'unknown' }));
        }
        catch (error) {
            onError(error);
            return [];
        }
    }
    // latin1 code units compare as the bytes they stand for.
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
function entryOf(entry) {
    const kind = entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : 'other';
    return { name: entry.name, kind };
}
//# sourceMappingURL=paths.js.map