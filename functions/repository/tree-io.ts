import {
  CONTENT_LIST_MAX_ENTRIES,
  decodeContentList,
  encodeContentList,
  type ContentRef,
} from './content-list';
import { chunkDigest as sha256 } from './crypto';
import { PackClass } from './pack';
import type { ChunkReader } from './reader';
import { decodeTreePart, encodeTree, INLINE_REFS_MAX, type FileContent, type TreeNode } from './tree';
import type { RepositoryWriter } from './writer';

/** A directory's nodes, read part by part (each part checked against its keyed id). */
export async function readTree(reader: ChunkReader, parts: readonly Buffer[]): Promise<TreeNode[]> {
  const nodes: TreeNode[] = [];
  for (const id of parts) {
    const plain = await reader.read(id);
    for (const node of decodeTreePart(plain, `tree ${id.toString('hex')}`)) nodes.push(node);
  }
  return nodes;
}

/** Stores a directory's nodes as tree parts (metadata chunks); returns the part ids and their SHA-256. */
export async function storeTree(
  writer: RepositoryWriter,
  nodes: TreeNode[],
): Promise<{ parts: Buffer[]; digest: Buffer }> {
  const plains = encodeTree(nodes);
  const parts: Buffer[] = [];
  for (const plain of plains) {
    const id = writer.chunkId(plain);
    await writer.put(id, plain, PackClass.meta);
    parts.push(id);
  }
  return { parts, digest: sha256(Buffer.concat(plains)) };
}

/** The SHA-256 of a tree's parts, as recorded in a tree snapshot's checksum. */
export async function treeDigest(reader: ChunkReader, parts: readonly Buffer[]): Promise<Buffer> {
  const plains: Buffer[] = [];
  for (const id of parts) plains.push(await reader.read(id));
  return sha256(Buffer.concat(plains));
}

/**
 * A file's chunk list as stored: inline (at once: most files), or in content lists when it is
 * long (a promise, once they are stored).
 */
export function fileContent(
  writer: RepositoryWriter,
  refs: ContentRef[],
): FileContent | Promise<FileContent> {
  return refs.length <= INLINE_REFS_MAX ? { refs } : storeContentLists(writer, refs);
}

async function storeContentLists(writer: RepositoryWriter, refs: ContentRef[]): Promise<FileContent> {
  const lists: Buffer[] = [];
  for (let i = 0; i < refs.length; i += CONTENT_LIST_MAX_ENTRIES) {
    const list = encodeContentList(refs.slice(i, i + CONTENT_LIST_MAX_ENTRIES));
    const id = writer.chunkId(list);
    await writer.put(id, list, PackClass.meta);
    lists.push(id);
  }
  return { lists };
}

/**
 * A file's chunks: the tree's own list when it holds them inline (most files), without an await
 * per chunk; fileRefs otherwise.
 */
export function fileRefList(
  reader: ChunkReader,
  content: FileContent,
): readonly ContentRef[] | AsyncGenerator<ContentRef> {
  return 'refs' in content ? content.refs : fileRefs(reader, content);
}

/** A file's whole chunk list (the tree's own array when inline: do not change it). */
export async function allFileRefs(reader: ChunkReader, content: FileContent): Promise<readonly ContentRef[]> {
  if ('refs' in content) return content.refs;
  const refs: ContentRef[] = [];
  for await (const ref of fileRefs(reader, content)) refs.push(ref);
  return refs;
}

/** A file's chunks in order, reading its content lists one at a time when it has them. */
export async function* fileRefs(reader: ChunkReader, content: FileContent): AsyncGenerator<ContentRef> {
  if ('refs' in content) {
    yield* content.refs;
    return;
  }
  for (const id of content.lists) {
    yield* decodeContentList(await reader.read(id), `content list ${id.toString('hex')}`);
  }
}
