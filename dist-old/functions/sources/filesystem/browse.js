"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TreeWalk = void 0;
exports.rootParts = rootParts;
exports.childPath = childPath;
exports.walkTree = walkTree;
exports.listSnapshot = listSnapshot;
exports.diffTrees = diffTrees;
const errors_1 = require("../../core/errors");
const tree_io_1 = require("../../repository/tree-io");
const path_text_1 = require("./path-text");
const restore_safety_1 = require("./restore-safety");
const SLASH = Buffer.from('/');
function rootParts(manifest) {
    if (manifest.content.kind !== 'tree') {
        throw new errors_1.InputError(`Backup ${manifest.id} is a stream, not a file tree.`, 'Only file backups have a tree to list.');
    }
    return manifest.content.tree.map((hex) => Buffer.from(hex, 'hex'));
}
/**
 * A depth-first walk of a tree, in name order, as a cursor: `next` gives the entries of the
 * directory on top of the stack synchronously, and a caller that wants a directory's entries
 * `descend`s into it, the one step that waits (for its tree parts). The directories on the way
 * are a stack, not a generator each: through nested generators (`yield*`) every entry cost a
 * promise and a result object per level it passed, a tenth of what a restore's main thread
 * allocated.
 */
class TreeWalk {
    reader;
    stack = [];
    constructor(reader) {
        this.reader = reader;
    }
    static async start(reader, parts, path = Buffer.alloc(0)) {
        const walk = new TreeWalk(reader);
        walk.stack.push({ nodes: await (0, tree_io_1.readTree)(reader, parts), next: 0, path });
        return walk;
    }
    /** The path of the directory that the last entry `next` gave is in ("" for the top). */
    get dir() {
        return this.stack[this.stack.length - 1].path;
    }
    /** The next entry in walk order, or undefined at the end. */
    next() {
        while (this.stack.length > 0) {
            const top = this.stack[this.stack.length - 1];
            const node = top.nodes[top.next++];
            if (node)
                return node;
            this.stack.pop();
        }
        return undefined;
    }
    /** Makes `node` (the last entry given, a directory at `path`) the next to walk through. */
    async descend(node, path) {
        this.stack.push({ nodes: await (0, tree_io_1.readTree)(this.reader, node.subtree), next: 0, path });
    }
}
exports.TreeWalk = TreeWalk;
/** The path of `name` in the directory at `dir` (as TreeWalk.dir gives it). */
function childPath(dir, name) {
    return dir.length === 0 ? name : Buffer.concat([dir, SLASH, name]);
}
/** Every entry below `parts`, depth first, in name order. */
async function* walkTree(reader, parts, prefix = Buffer.alloc(0)) {
    const walk = await TreeWalk.start(reader, parts, prefix);
    for (let node = walk.next(); node; node = walk.next()) {
        const path = childPath(walk.dir, node.name);
        yield { path, node };
        if (node.type === 'dir')
            await walk.descend(node, path);
    }
}
/** The entries of a snapshot at and below `start` (a snapshot path like `src/lib`), or all. */
async function* listSnapshot(reader, manifest, start) {
    let parts = rootParts(manifest);
    let prefix = Buffer.alloc(0);
    const components = start === undefined ? [] : (0, restore_safety_1.splitSnapshotPath)(start);
    if (!components)
        throw new errors_1.InputError(`Invalid snapshot path ${start}.`, 'Give a path as `lifeboat ls ID` shows it.');
    for (const [i, component] of components.entries()) {
        const name = (0, path_text_1.nameBytes)(component);
        const node = (await (0, tree_io_1.readTree)(reader, parts)).find((n) => n.name.equals(name));
        if (!node)
            throw new errors_1.InputError(`${start} is not in backup ${manifest.id}.`, `List the backup with \`lifeboat ls ${manifest.id}\` to see its paths.`);
        prefix = childPath(prefix, name);
        if (node.type !== 'dir') {
            if (i !== components.length - 1)
                throw new errors_1.InputError(`${start}: ${prefix.toString()} is not a directory.`, 'Check the path.');
            yield { path: prefix, node };
            return;
        }
        yield { path: prefix, node };
        parts = node.subtree;
    }
    yield* walkTree(reader, parts, prefix);
}
function samePartList(a, b) {
    return a.length === b.length && a.every((id, i) => id.equals(b[i]));
}
function contentKey(node) {
    if (node.type !== 'file')
        return '';
    const c = node.content;
    return 'refs' in c
        ? c.refs.map((r) => r.id.toString('hex')).join('')
        : c.lists.map((id) => id.toString('hex')).join('');
}
function differences(a, b) {
    if (a.type !== b.type)
        return ['type'];
    const what = [];
    if (a.size !== b.size)
        what.push('size');
    if (contentKey(a) !== contentKey(b))
        what.push('content');
    if (a.type === 'symlink' && b.type === 'symlink' && !a.target.equals(b.target))
        what.push('target');
    if (a.mode !== b.mode)
        what.push('mode');
    if (a.mtimeNs !== b.mtimeNs)
        what.push('mtime');
    if (a.uid !== b.uid || a.gid !== b.gid)
        what.push('owner');
    return what;
}
/**
 * Paths added, removed and changed from `older` to `newer`. Identical subtrees (same tree parts,
 * which is most of them between two backups of one tree) are skipped without being read.
 */
async function* diffTrees(reader, older, newer, prefix = Buffer.alloc(0)) {
    if (samePartList(older, newer))
        return;
    const a = await (0, tree_io_1.readTree)(reader, older);
    const b = await (0, tree_io_1.readTree)(reader, newer);
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
        const left = a[i];
        const right = b[j];
        const order = !left ? 1 : !right ? -1 : Buffer.compare(left.name, right.name);
        if (order < 0) {
            yield* everything('removed', reader, left, childPath(prefix, left.name));
            i++;
        }
        else if (order > 0) {
            yield* everything('added', reader, right, childPath(prefix, right.name));
            j++;
        }
        else {
            const path = childPath(prefix, left.name);
            if (left.type === 'dir' && right.type === 'dir') {
                // A directory's own mode, owner and mtime are in this listing, not in its subtree.
                const what = differences(left, right);
                if (what.length > 0)
                    yield { kind: 'changed', path, what };
                yield* diffTrees(reader, left.subtree, right.subtree, path);
            }
            else {
                const what = differences(left, right);
                if (what.includes('type')) {
                    yield* everything('removed', reader, left, path);
                    yield* everything('added', reader, right, path);
                }
                else if (what.length > 0) {
                    yield { kind: 'changed', path, what };
                }
            }
            i++;
            j++;
        }
    }
}
async function* everything(kind, reader, node, path) {
    yield { kind, path };
    if (node.type === 'dir') {
        for await (const entry of walkTree(reader, node.subtree, path))
            yield { kind, path: entry.path };
    }
}
//# sourceMappingURL=browse.js.map