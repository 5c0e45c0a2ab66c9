import { decodeContentList } from './content-list';
import type { ChunkReader } from './reader';
import type { SnapshotManifest } from './snapshot';
import { fileRefs, readTree } from './tree-io';

/** Every chunk a snapshot needs: its trees, content lists and data. */
export async function markSnapshot(
  reader: ChunkReader,
  manifest: SnapshotManifest,
  live: Set<string>,
): Promise<void> {
  const add = (id: Buffer) => live.add(id.toString('hex'));
  if (manifest.content.kind === 'stream') {
    for (const hex of manifest.content.lists) {
      const listId = Buffer.from(hex, 'hex');
      add(listId);
      for (const ref of decodeContentList(await reader.read(listId), `content list ${hex}`)) add(ref.id);
    }
    return;
  }
  const walk = async (parts: Buffer[]): Promise<void> => {
    parts.forEach(add);
    for (const node of await readTree(reader, parts)) {
      if (node.type === 'dir') await walk(node.subtree);
      else if (node.type === 'file') {
        if ('lists' in node.content) node.content.lists.forEach(add);
        for await (const ref of fileRefs(reader, node.content)) add(ref.id);
      }
    }
  };
  await walk(manifest.content.tree.map((hex) => Buffer.from(hex, 'hex')));
}
