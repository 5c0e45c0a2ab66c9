import { IntegrityError } from '../core/errors';
import type { ContentRef } from './content-list';

/*
 * A tree is one directory's listing, stored as metadata chunks ("tree parts", deduplicated like
 * data). Byte layout in docs/FORMAT.md §10.2. Names are raw bytes: any name the filesystem allows
 * round-trips, whatever its encoding. Nodes are sorted by name (bytewise) and names are unique,
 * so identical directories give identical parts.
 */

export const TREE_VERSION = 1;
/** A directory's listing is split into parts of at most about this many bytes (at node boundaries). */
export const TREE_PART_BYTES = 1024 * 1024;
/** A file with more chunks than this names content lists instead of listing its chunks inline. */
export const INLINE_REFS_MAX = 1024;

export const NodeType = { file: 1, dir: 2, symlink: 3 } as const;
export type NodeTypeName = keyof typeof NodeType;

/** A file's chunks: inline, or through content lists (metadata chunks of refs) for large files. */
export type FileContent = { refs: ContentRef[] } | { lists: Buffer[] };

export interface NodeMeta {
  name: Buffer;
  /** Permission bits, setuid/setgid and sticky (st_mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** User and group names, recorded when running as root ("" otherwise). */
  user: string;
  group: string;
  mtimeNs: bigint;
  /** ctime, device and inode are for change detection and hard links; they are not restored. */
  ctimeNs: bigint;
  dev: bigint;
  ino: bigint;
  nlink: number;
}

export type TreeNode =
  | (NodeMeta & { type: 'file'; size: number; content: FileContent })
  | (NodeMeta & { type: 'dir'; size: 0; subtree: Buffer[] })
  | (NodeMeta & { type: 'symlink'; size: number; target: Buffer });

export type FileNode = Extract<TreeNode, { type: 'file' }>;
export type DirNode = Extract<TreeNode, { type: 'dir' }>;

const TYPE_NAMES = new Map<number, NodeTypeName>(
  Object.entries(NodeType).map(([name, code]) => [code, name as NodeTypeName]),
);

class ByteWriter {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  /** 64-bit fields go through a DataView: Buffer's writeBigInt64BE makes several BigInts each. */
  private view = viewOf(this.buffer);
  length = 0;

  /** Starts again at `from`: the buffer is kept, so one writer serves every tree of a backup. */
  reset(from = 0): void {
    this.length = from;
  }

  /** Writes at an earlier position (a header reserved by `reset`). */
  u32At(v: number, at: number): void {
    this.buffer.writeUInt32BE(v, at);
  }
  u8At(v: number, at: number): void {
    this.buffer.writeUInt8(v, at);
  }

  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
    this.view = viewOf(bigger);
  }
  u8(v: number): void {
    this.room(1);
    this.length = this.buffer.writeUInt8(v, this.length);
  }
  u16(v: number): void {
    this.room(2);
    this.length = this.buffer.writeUInt16BE(v, this.length);
  }
  u32(v: number): void {
    this.room(4);
    this.length = this.buffer.writeUInt32BE(v, this.length);
  }
  u64(v: bigint): void {
    this.room(8);
    this.view.setBigUint64(this.length, v);
    this.length += 8;
  }
  i64(v: bigint): void {
    this.room(8);
    this.view.setBigInt64(this.length, v);
    this.length += 8;
  }
  /** A safe integer (a size) as a u64, written as two halves: no BigInt made. */
  safeNumber(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a size in bytes: ${v}`);
    this.room(8);
    this.buffer.writeUInt32BE(Math.floor(v / 2 ** 32), this.length);
    this.buffer.writeUInt32BE(v >>> 0, this.length + 4);
    this.length += 8;
  }
  bytes(b: Buffer): void {
    this.room(b.length);
    this.length += b.copy(this.buffer, this.length);
  }
  /** A copy of what was written, exactly its size. */
  take(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

function viewOf(b: Buffer): DataView {
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
  at = 0;
  /**
   * 64-bit fields are read through a DataView: one BigInt each, where Buffer's readBigInt64BE
   * makes four (five such fields per node were a third of what decoding a node allocated).
   */
  private readonly view: DataView;
  constructor(
    private readonly b: Buffer,
    private readonly name: string,
  ) {
    this.view = viewOf(b);
  }
  private need(n: number): void {
    if (this.at + n > this.b.length) throw new IntegrityError(this.name, 'tree part is truncated', this.at);
  }
  u8(): number {
    this.need(1);
    return this.b.readUInt8(this.at++);
  }
  u16(): number {
    this.need(2);
    const v = this.b.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.at);
    this.at += 8;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.at);
    this.at += 8;
    return v;
  }
  /** A u64 that must be a safe integer (a size), read as two halves: no BigInt at all. */
  safeNumber(): number {
    this.need(8);
    const high = this.b.readUInt32BE(this.at);
    const low = this.b.readUInt32BE(this.at + 4);
    if (high >= 2 ** 21) throw new IntegrityError(this.name, 'size out of range', this.at + 8);
    this.at += 8;
    return high * 2 ** 32 + low;
  }
  bytes(n: number): Buffer {
    this.need(n);
    // A copy, so that a node does not hold on to its whole tree part; no view made on the way.
    const v = Buffer.allocUnsafe(n);
    this.b.copy(v, 0, this.at, this.at + n);
    this.at += n;
    return v;
  }
  /** UTF-8 text of `n` bytes, decoded in place: no buffer is made for it (two per node). */
  text(n: number): string {
    this.need(n);
    const v = n === 0 ? '' : this.b.toString('utf8', this.at, this.at + n);
    this.at += n;
    return v;
  }
  /** `count` ids (32 bytes each), in a list made at its size. */
  ids(count: number): Buffer[] {
    this.expectItems(count, 32);
    const ids = new Array<Buffer>(count);
    for (let i = 0; i < count; i++) ids[i] = this.bytes(32);
    return ids;
  }
  /** Before making room for `count` items of at least `bytes` each: a count the part cannot hold is damage. */
  expectItems(count: number, bytes: number): void {
    if (count * bytes > this.b.length - this.at)
      throw new IntegrityError(this.name, 'tree part is truncated', this.at);
  }
  get done(): boolean {
    return this.at === this.b.length;
  }
}

function shortString(w: ByteWriter, s: string): void {
  const b = Buffer.from(s, 'utf8');
  if (b.length > 255) throw new Error('user or group name longer than 255 bytes');
  w.u8(b.length);
  w.bytes(b);
}

function writeNode(w: ByteWriter, node: TreeNode): void {
  if (node.name.length === 0 || node.name.length > 0xffff) throw new Error('bad node name length');
  w.u8(NodeType[node.type]);
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
      } else {
        w.u8(1);
        w.u32(node.content.lists.length);
        for (const id of node.content.lists) w.bytes(id);
      }
      break;
    case 'dir':
      w.u32(node.subtree.length);
      for (const id of node.subtree) w.bytes(id);
      break;
    case 'symlink':
      w.u32(node.target.length);
      w.bytes(node.target);
      break;
  }
}

function readNode(r: ByteReader, name: string): TreeNode {
  const typeCode = r.u8();
  const type = TYPE_NAMES.get(typeCode);
  if (!type) throw new IntegrityError(name, `unknown node type ${typeCode}`, r.at - 1);
  // Fields in the order of the format. Each node is one object, not its metadata and then a copy
  // with the rest, and its lists are made at their size: restoring the Linux tree, decoding nodes
  // allocated 85 MiB that way (V8's sampling heap profiler).
  const node = {
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
    type,
    size: r.safeNumber(),
  };
  if (type === 'file') {
    const form = r.u8();
    const count = r.u32();
    if (form === 0) {
      r.expectItems(count, 36);
      const refs = new Array<ContentRef>(count);
      for (let i = 0; i < count; i++) refs[i] = { id: r.bytes(32), rawLength: r.u32() };
      return Object.assign(node, { type, content: { refs } });
    }
    if (form === 1) return Object.assign(node, { type, content: { lists: r.ids(count) } });
    throw new IntegrityError(name, `unknown file content form ${form}`, r.at - 5);
  }
  if (type === 'dir') return Object.assign(node, { type, size: 0 as const, subtree: r.ids(r.u32()) });
  return Object.assign(node, { type, target: r.bytes(r.u32()) });
}

/**
 * Encodes a directory's nodes (sorted here by name) into parts of about TREE_PART_BYTES.
 * An empty directory has one part holding zero nodes.
 */
export function encodeTree(nodes: TreeNode[]): Buffer[] {
  nodes.sort((a, b) => Buffer.compare(a.name, b.name));
  const parts: Buffer[] = [];
  const w = treeWriter;
  w.reset(PART_HEADER_BYTES);
  let count = 0;
  const close = () => {
    w.u8At(TREE_VERSION, 0);
    w.u32At(count, 1);
    parts.push(w.take());
    w.reset(PART_HEADER_BYTES);
    count = 0;
  };
  for (const node of nodes) {
    if (count > 0 && w.length >= TREE_PART_BYTES + PART_HEADER_BYTES) close();
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
export function decodeTreePart(plain: Buffer, name: string): TreeNode[] {
  const r = new ByteReader(plain, name);
  const version = r.u8();
  if (version !== TREE_VERSION) throw new IntegrityError(name, `unknown tree version ${version}`, 0);
  const count = r.u32();
  const nodes: TreeNode[] = [];
  for (let i = 0; i < count; i++) nodes.push(readNode(r, name));
  if (!r.done) throw new IntegrityError(name, 'tree part has trailing bytes', r.at);
  return nodes;
}
