"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runLs = runLs;
exports.runDiff = runDiff;
const reader_1 = require("../../functions/repository/reader");
const pack_1 = require("../../functions/repository/pack");
const home_1 = require("../../functions/local/home");
const browse_1 = require("../../functions/sources/filesystem/browse");
const path_text_1 = require("../../functions/sources/filesystem/path-text");
const output_1 = require("./output");
const TYPE_LETTER = { file: '-', dir: 'd', symlink: 'l' };
function modeString(node) {
    const bits = 'rwxrwxrwx';
    let out = TYPE_LETTER[node.type];
    for (let i = 0; i < 9; i++)
        out += node.mode & (1 << (8 - i)) ? bits[i] : '-';
    return out;
}
function isoTime(ns) {
    return new Date(Number(ns / 1000000n)).toISOString();
}
/** A path for JSON: text, plus the raw bytes when they are not valid UTF-8. */
function jsonPath(path) {
    const text = path.toString('utf8');
    return Buffer.from(text, 'utf8').equals(path)
        ? { path: text }
        : { path: text, path_base64: path.toString('base64') };
}
/** A symbolic link's target for JSON, as jsonPath: it is bytes too, kept verbatim by the backup. */
function jsonTarget(target) {
    const { path, path_base64 } = jsonPath(target);
    return path_base64 === undefined ? { target: path } : { target: path, target_base64: path_base64 };
}
async function runLs(reference, start, options) {
    const repository = await (0, home_1.openRepository)((0, home_1.resolveSettings)(options));
    const manifest = await repository.resolveSnapshot(reference);
    const reader = new reader_1.ChunkReader(repository, await (0, reader_1.loadChunkIndex)(repository, pack_1.PackClass.meta));
    const entries = [];
    for await (const { path, node } of (0, browse_1.listSnapshot)(reader, manifest, start)) {
        if (options.json) {
            entries.push({
                ...jsonPath(path),
                type: node.type,
                size: node.size,
                mode: node.mode,
                uid: node.uid,
                gid: node.gid,
                user: node.user || undefined,
                group: node.group || undefined,
                mtime: isoTime(node.mtimeNs),
                mtime_ns: node.mtimeNs.toString(),
                ...(node.type === 'symlink' ? jsonTarget(node.target) : {}),
            });
        }
        else if (options.long) {
            const owner = `${node.user || node.uid}/${node.group || node.gid}`;
            const link = node.type === 'symlink' ? ` -> ${(0, path_text_1.shownName)(node.target)}` : '';
            process.stdout.write(`${modeString(node)} ${owner.padEnd(12)} ${String(node.size).padStart(12)} ${isoTime(node.mtimeNs)} ` +
                `${(0, path_text_1.shownName)(path)}${link}\n`);
        }
        else {
            process.stdout.write(`${(0, path_text_1.shownName)(path)}\n`);
        }
    }
    if (options.json)
        (0, output_1.printJson)(entries);
}
const MARK = { added: '+', removed: '-', changed: 'M' };
async function runDiff(first, second, options) {
    const repository = await (0, home_1.openRepository)((0, home_1.resolveSettings)(options));
    const older = await repository.resolveSnapshot(first);
    const newer = await repository.resolveSnapshot(second);
    const reader = new reader_1.ChunkReader(repository, await (0, reader_1.loadChunkIndex)(repository, pack_1.PackClass.meta));
    const result = { added: [], removed: [], changed: [] };
    for await (const change of (0, browse_1.diffTrees)(reader, (0, browse_1.rootParts)(older), (0, browse_1.rootParts)(newer))) {
        if (options.json) {
            result[change.kind].push(change.what ? { ...jsonPath(change.path), what: change.what } : jsonPath(change.path));
        }
        else {
            const suffix = change.what ? `  (${change.what.join(', ')})` : '';
            process.stdout.write(`${MARK[change.kind]} ${(0, path_text_1.shownName)(change.path)}${suffix}\n`);
        }
    }
    if (options.json)
        (0, output_1.printJson)({ from: older.id, to: newer.id, ...result });
}
//# sourceMappingURL=browse.js.map