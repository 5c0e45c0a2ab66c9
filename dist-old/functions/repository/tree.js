"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.NodeType = exports.INLINE_REFS_MAX = exports.TREE_PART_BYTES = exports.TREE_VERSION = void 0;
exports.encodeTree = encodeTree;
exports.decodeTreePart = decodeTreePart;
const errors_1 = require("../core/errors");
/*
 * A tree is one directory's listing, stored as metadata chunks ("tree parts", deduplicated like
 * data). Byte layout in docs/FORMAT.md §10.2. Names are raw bytes: any name the filesystem allows
 * round-trips, whatever its encoding. Nodes are sorted by name (bytewise) and names are unique,
 * so identical directories give identical parts.
 */
exports.TREE_VERSION = 1;
/** A directory's listing is split into parts of at most about this many bytes (at node boundaries). */
exports.TREE_PART_BYTES = 1024 * 1024;
/** A file with more chunks than this names content lists instead of listing its chunks inline. */
exports.INLINE_REFS_MAX = 1024;
exports.NodeType = { file: 1, dir: 2, symlink: 3 };
const TYPE_NAMES = new Map(Object.entries(exports.NodeType).map(([name, code]) => [code, name]));
class ByteWriter {
    buffer = Buffer.allocUnsafe(64 * 1024);
    /** 64-bit fields go through a DataView: Buffer's writeBigInt64BE makes several BigInts each. */
    view = viewOf(this.buffer);
    length = 0;
    /** Starts again at `from`: the buffer is kept, so one writer serves every tree of a backup. */
    reset(from = 0) {
        this.length = from;
    }
    /** Writes at an earlier position (a header reserved by `reset`). */
    u32At(v, at) {
        this.buffer.writeUInt32BE(v, at);
    }
    u8At(v, at) {
        this.buffer.writeUInt8(v, at);
    }
    room(n) {
        if (this.length + n <= this.buffer.length)
            return;
        const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
        this.buffer.copy(bigger, 0, 0, this.length);
        this.buffer = bigger;
        this.view = viewOf(bigger);
    }
    u8(v) {
        this.room(1);
        this.length = this.buffer.writeUInt8(v, this.length);
    }
    u16(v) {
        this.room(2);
        this.length = this.buffer.writeUInt16BE(v, this.length);
    }
    u32(v) {
        this.room(4);
        this.length = this.buffer.writeUInt32BE(v, this.length);
    }
    u64(v) {
        this.room(8);
        this.view.setBigUint64(this.length, v);
        this.length += 8;
    }
    i64(v) {
        this.room(8);
        this.view.setBigInt64(this.length, v);
        this.length += 8;
    }
    /** A safe integer (a size) as a u64, written as two halves: no BigInt made. */
    safeNumber(v) {
        if (!Number.isSafeInteger(v) || v < 0)
            throw new RangeError(`not a size in bytes: ${v}`);
        this.room(8);
        this.buffer.writeUInt32BE(Math.floor(v / 2 ** 32), this.length);
        this.buffer.writeUInt32BE(v >>> 0, this.length + 4);
        this.length += 8;
    }
    bytes(b) {
        this.room(b.length);
        this.length += b.copy(this.buffer, this.length);
    }
    /** A copy of what was written, exactly its size. */
    take() {
        return Buffer.from(this.buffer.subarray(0, this.length));
    }
}
function viewOf(b) {
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
const PART_HEADER_BYTES = 5;
/**
 * Encoding is synchronous, so one writer serves every tree: a writer per tree part was two
 * 64 KiB buffers per directory (10,000 over the Linux source tree), garbage that piled up in the
 * main thread's malloc arena between collections.
 */
const treeWriter = new ByteWriter();
class ByteReader {
    b;
    name;
    at = 0;
    /**
     * 64-bit fields are read through a DataView: one BigInt each, where Buffer's readBigInt64BE
     * makes four (five such fields per node were a third of what decoding a node allocated).
     */
    view;
    constructor(b, name) {
        this.b = b;
        this.name = name;
        this.view = viewOf(b);
    }
    need(n) {
        if (this.at + n > this.b.length)
            throw new errors_1.IntegrityError(this.name, 'tree part is truncated', this.at);
    }
    u8() {
        this.need(1);
        return this.b.readUInt8(this.at++);
    }
    u16() {
        this.need(2);
        const v = this.b.readUInt16BE(this.at);
        this.at += 2;
        return v;
    }
    u32() {
        this.need(4);
        const v = this.b.readUInt32BE(this.at);
        this.at += 4;
        return v;
    }
    u64() {
        this.need(8);
        const v = this.view.getBigUint64(this.at);
        this.at += 8;
        return v;
    }
    i64() {
        this.need(8);
        const v = this.view.getBigInt64(this.at);
        this.at += 8;
        return v;
    }
    /** A u64 that must be a safe integer (a size), read as two halves: no BigInt at all. */
    safeNumber() {
        this.need(8);
        const high = this.b.readUInt32BE(this.at);
        const low = this.b.readUInt32BE(this.at + 4);
        if (high >= 2 ** 21)
            throw new errors_1.IntegrityError(this.name, 'size out of range', this.at + 8);
        this.at += 8;
        return high * 2 ** 32 + low;
    }
    bytes(n) {
        this.need(n);
        // A copy, so that a node does not hold on to its whole tree part; no view made on the way.
        const v = Buffer.allocUnsafe(n);
        this.b.copy(v, 0, this.at, this.at + n);
        this.at += n;
        return v;
    }
    /** UTF-8 text of `n` bytes, decoded in place: no buffer is made for it (two per node). */
    text(n) {
        this.need(n);
        const v = n === 0 ? '' : this.b.toString('utf8', this.at, this.at + n);
        this.at += n;
        return v;
    }
    get done() {
        return this.at === this.b.length;
    }
}
function shortString(w, s) {
    const b = Buffer.from(s, 'utf8');
    if (b.length > 255)
        throw new Error('user or group name longer than 255 bytes');
    w.u8(b.length);
    w.bytes(b);
}
function writeNode(w, node) {
    if (node.name.length === 0 || node.name.length > 0xffff)
        throw new Error('bad node name length');
    w.u8(exports.NodeType[node.type]);
    w.u16(node.name.length);
    w.bytes(node.name);
    w.u32(node.mode);
    w.u32(node.uid);
    w.u32(node.gid);
    shortString(w, node.user);
    shortString(w, node.group);
    w.i64(node.mtimeNs);
    w.i64(node.ctimeNs);
    w.u64(node.dev);
    w.u64(node.ino);
    w.u32(node.nlink);
    w.safeNumber(node.size);
    switch (node.type) {
        case 'file':
            if ('refs' in node.content) {
                w.u8(0);
                w.u32(node.content.refs.length);
                for (const ref of node.content.refs) {
                    w.bytes(ref.id);
                    w.u32(ref.rawLength);
                }
            }
            else {
                w.u8(1);
                w.u32(node.content.lists.length);
                for (const id of node.content.lists)
                    w.bytes(id);
            }
            break;
        case 'dir':
            w.u32(node.subtree.length);
            for (const id of node.subtree)
                w.bytes(id);
            break;
        case 'symlink':
            w.u32(node.target.length);
            w.bytes(node.target);
            break;
    }
}
function readNode(r, name) {
    const typeCode = r.u8();
    const type = TYPE_NAMES.get(typeCode);
    if (!type)
        throw new errors_1.IntegrityError(name, `unknown node type ${typeCode}`, r.at - 1);
    const meta = {
        name: r.bytes(r.u16()),
        mode: r.u32(),
        uid: r.u32(),
        gid: r.u32(),
        user: r.text(r.u8()),
        group: r.text(r.u8()),
        mtimeNs: r.i64(),
        ctimeNs: r.i64(),
        dev: r.u64(),
        ino: r.u64(),
        nlink: r.u32(),
    };
    const size = r.safeNumber();
    if (type === 'file') {
        const form = r.u8();
        const count = r.u32();
        if (form === 0) {
            const refs = [];
            for (let i = 0; i < count; i++)
                refs.push({ id: r.bytes(32), rawLength: r.u32() });
            return { ...meta, type, size, content: { refs } };
        }
        if (form === 1) {
            const lists = [];
            for (let i = 0; i < count; i++)
                lists.push(r.bytes(32));
            return { ...meta, type, size, content: { lists } };
        }
        throw new errors_1.IntegrityError(name, `unknown file content form ${form}`, r.at - 5);
    }
    if (type === 'dir') {
        const count = r.u32();
        const subtree = [];
        for (let i = 0; i < count; i++)
            subtree.push(r.bytes(32));
        return { ...meta, type, size: 0, subtree };
    }
    return { ...meta, type, size, target: r.bytes(r.u32()) };
}
/**
 * Encodes a directory's nodes (sorted here by name) into parts of about TREE_PART_BYTES.
 * An empty directory has one part holding zero nodes.
 */
function encodeTree(nodes) {
    nodes.sort((a, b) => Buffer.compare(a.name, b.name));
    const parts = [];
    const w = treeWriter;
    w.reset(PART_HEADER_BYTES);
    let count = 0;
    const close = () => {
        w.u8At(exports.TREE_VERSION, 0);
        w.u32At(count, 1);
        parts.push(w.take());
        w.reset(PART_HEADER_BYTES);
        count = 0;
    };
    for (const node of nodes) {
        if (count > 0 && w.length >= exports.TREE_PART_BYTES + PART_HEADER_BYTES)
            close();
        writeNode(w, node);
        count++;
    }
    close();
    return parts;
}
/**
 * Decodes one tree part. Structure is checked (lengths, types, order); names are returned as
 * stored: deciding whether a name is safe to create is the restorer's job (restore-safety.ts).
 */
function decodeTreePart(plain, name) {
    const r = new ByteReader(plain, name);
    const version = r.u8();
    if (version !== exports.TREE_VERSION)
        throw new errors_1.IntegrityError(name, `unknown tree version ${version}`, 0);
    const count = r.u32();
    const nodes = [];
    for (let i = 0; i < count; i++)
        nodes.push(readNode(r, name));
    if (!r.done)
        throw new errors_1.IntegrityError(name, 'tree part has trailing bytes', r.at);
    return nodes;
}
//# sourceMappingURL=tree.js.map