import { InputError } from '../../core/errors';
import type { ChunkReader } from '../../repository/reader';
import type { SnapshotManifest } from '../../repository/snapshot';
import type { TreeNode } from '../../repository/tree';
import { readTree } from '../../repository/tree-io';
import { splitSnapshotPath } from './restore-safety';

export interface ListedEntry {
  /** Path inside the snapshot, components joined by "/" (raw bytes). */
  path: Bytes;
  node: TreeNode;
}

const SLASH = Buffer.from('/');
type Bytes = Buffer<ArrayBufferLike>;

function childPath(prefix: Bytes, name: Bytes): Bytes {
  return prefix.length === 0 ? name : Buffer.concat([prefix, SLASH, name]);
}

export function rootParts(manifest: SnapshotManifest): Buffer[] {
  if (manifest.content.kind !== 'tree') {
    throw new InputError(
      `Backup ${manifest.id} is a stream, not a file tree.`,
      'Only file backups have a tree to list.',
    );
  }
  return manifest.content.tree.map((hex) => Buffer.from(hex, 'hex'));
}

/**
 * Every entry below `parts`, depth first, in name order. The directories on the way are a stack
 * here, not a generator each: through nested generators (`yield*`) every entry cost a promise and
 * a result object per level it passed, a tenth of what a restore's main thread allocated.
 */
export async function* walkTree(
  reader: ChunkReader,
  parts: Buffer[],
  prefix: Bytes = Buffer.alloc(0),
): AsyncGenerator<ListedEntry> {
  const stack: { nodes: TreeNode[]; next: number; prefix: Bytes }[] = [
    { nodes: await readTree(reader, parts), next: 0, prefix },
  ];
  while (stack.length > 0) {
    const dir = stack[stack.length - 1]!;
    const node = dir.nodes[dir.next++];
    if (!node) {
      stack.pop();
      continue;
    }
    const path = childPath(dir.prefix, node.name);
    yield { path, node };
    if (node.type === 'dir')
      stack.push({ nodes: await readTree(reader, node.subtree), next: 0, prefix: path });
  }
}

/** The entries of a snapshot at and below `start` (a snapshot path like `src/lib`), or all. */
export async function* listSnapshot(
  reader: ChunkReader,
  manifest: SnapshotManifest,
  start?: string,
): AsyncGenerator<ListedEntry> {
  let parts = rootParts(manifest);
  let prefix: Bytes = Buffer.alloc(0);
  const components = start === undefined ? [] : splitSnapshotPath(start);
  if (!components)
    throw new InputError(`Invalid snapshot path ${start}.`, 'Give a path as `lifeboat ls ID` shows it.');
  for (const [i, component] of components.entries()) {
    const name = Buffer.from(component);
    const node = (await readTree(reader, parts)).find((n) => n.name.equals(name));
    if (!node)
      throw new InputError(
        `${start} is not in backup ${manifest.id}.`,
        `List the backup with \`lifeboat ls ${manifest.id}\` to see its paths.`,
      );
    prefix = childPath(prefix, name);
    if (node.type !== 'dir') {
      if (i !== components.length - 1)
        throw new InputError(`${start}: ${prefix.toString()} is not a directory.`, 'Check the path.');
      yield { path: prefix, node };
      return;
    }
    yield { path: prefix, node };
    parts = node.subtree;
  }
  yield* walkTree(reader, parts, prefix);
}

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface TreeChange {
  kind: ChangeKind;
  path: Bytes;
  /** For changes: what differs (type, size, content, mode, mtime, owner, target). */
  what?: string[];
}

function samePartList(a: Buffer[], b: Buffer[]): boolean {
  return a.length === b.length && a.every((id, i) => id.equals(b[i]!));
}

function contentKey(node: TreeNode): string {
  if (node.type !== 'file') return '';
  const c = node.content;
  return 'refs' in c
    ? c.refs.map((r) => r.id.toString('hex')).join('')
    : c.lists.map((id) => id.toString('hex')).join('');
}

function differences(a: TreeNode, b: TreeNode): string[] {
  if (a.type !== b.type) return ['type'];
  const what: string[] = [];
  if (a.size !== b.size) what.push('size');
  if (contentKey(a) !== contentKey(b)) what.push('content');
  if (a.type === 'symlink' && b.type === 'symlink' && !a.target.equals(b.target)) what.push('target');
  if (a.mode !== b.mode) what.push('mode');
  if (a.mtimeNs !== b.mtimeNs) what.push('mtime');
  if (a.uid !== b.uid || a.gid !== b.gid) what.push('owner');
  return what;
}

/**
 * Paths added, removed and changed from `older` to `newer`. Identical subtrees (same tree parts,
 * which is most of them between two backups of one tree) are skipped without being read.
 */
export async function* diffTrees(
  reader: ChunkReader,
  older: Buffer[],
  newer: Buffer[],
  prefix: Bytes = Buffer.alloc(0),
): AsyncGenerator<TreeChange> {
  if (samePartList(older, newer)) return;
  const a = await readTree(reader, older);
  const b = await readTree(reader, newer);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const left = a[i];
    const right = b[j];
    const order = !left ? 1 : !right ? -1 : Buffer.compare(left.name, right.name);
    if (order < 0) {
      yield* everything('removed', reader, left!, childPath(prefix, left!.name));
      i++;
    } else if (order > 0) {
      yield* everything('added', reader, right!, childPath(prefix, right!.name));
      j++;
    } else {
      const path = childPath(prefix, left!.name);
      if (left!.type === 'dir' && right!.type === 'dir') {
        yield* diffTrees(reader, left!.subtree, right!.subtree, path);
      } else {
        const what = differences(left!, right!);
        if (what.includes('type')) {
          yield* everything('removed', reader, left!, path);
          yield* everything('added', reader, right!, path);
        } else if (what.length > 0) {
          yield { kind: 'changed', path, what };
        }
      }
      i++;
      j++;
    }
  }
}

async function* everything(
  kind: ChangeKind,
  reader: ChunkReader,
  node: TreeNode,
  path: Buffer,
): AsyncGenerator<TreeChange> {
  yield { kind, path };
  if (node.type === 'dir') {
    for await (const entry of walkTree(reader, node.subtree, path)) yield { kind, path: entry.path };
  }
}
