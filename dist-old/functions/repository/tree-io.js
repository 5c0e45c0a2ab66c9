"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.readTree = readTree;
exports.storeTree = storeTree;
exports.treeDigest = treeDigest;
exports.fileContent = fileContent;
exports.fileRefList = fileRefList;
exports.allFileRefs = allFileRefs;
exports.fileRefs = fileRefs;
const content_list_1 = require("./content-list");
const crypto_1 = require("./crypto");
const pack_1 = require("./pack");
const tree_1 = require("./tree");
/** A directory's nodes, read part by part (each part checked against its keyed id). */
async function readTree(reader, parts) {
    const nodes = [];
    for (const id of parts) {
        const plain = await reader.read(id);
        for (const node of (0, tree_1.decodeTreePart)(plain, `tree ${id.toString('hex')}`))
            nodes.push(node);
    }
    return nodes;
}
/** Stores a directory's nodes as tree parts (metadata chunks); returns the part ids and their SHA-256. */
async function storeTree(writer, nodes) {
    const plains = (0, tree_1.encodeTree)(nodes);
    const parts = [];
    for (const plain of plains) {
        const id = writer.chunkId(plain);
        await writer.put(id, plain, pack_1.PackClass.meta);
        parts.push(id);
    }
    return { parts, digest: (0, crypto_1.chunkDigest)(Buffer.concat(plains)) };
}
/** The SHA-256 of a tree's parts, as recorded in a tree snapshot's checksum. */
async function treeDigest(reader, parts) {
    const plains = [];
    for (const id of parts)
        plains.push(await reader.read(id));
    return (0, crypto_1.chunkDigest)(Buffer.concat(plains));
}
/** A file's chunk list as stored: inline, or in content lists when it is long. */
async function fileContent(writer, refs) {
    if (refs.length <= tree_1.INLINE_REFS_MAX)
        return { refs };
    const lists = [];
    for (let i = 0; i < refs.length; i += content_list_1.CONTENT_LIST_MAX_ENTRIES) {
        const list = (0, content_list_1.encodeContentList)(refs.slice(i, i + content_list_1.CONTENT_LIST_MAX_ENTRIES));
        const id = writer.chunkId(list);
        await writer.put(id, list, pack_1.PackClass.meta);
        lists.push(id);
    }
    return { lists };
}
/**
 * A file's chunks: the tree's own list when it holds them inline (most files), without an await
 * per chunk; fileRefs otherwise.
 */
function fileRefList(reader, content) {
    return 'refs' in content ? content.refs : fileRefs(reader, content);
}
/** A file's whole chunk list (the tree's own array when inline: do not change it). */
async function allFileRefs(reader, content) {
    if ('refs' in content)
        return content.refs;
    const refs = [];
    for await (const ref of fileRefs(reader, content))
        refs.push(ref);
    return refs;
}
/** A file's chunks in order, reading its content lists one at a time when it has them. */
async function* fileRefs(reader, content) {
    if ('refs' in content) {
        yield* content.refs;
        return;
    }
    for (const id of content.lists) {
        yield* (0, content_list_1.decodeContentList)(await reader.read(id), `content list ${id.toString('hex')}`);
    }
}
//# sourceMappingURL=tree-io.js.map