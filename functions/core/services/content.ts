import { decodeContentList, type ContentRef } from '../../repository/content-list';
import type { ChunkReader } from '../../repository/reader';
import type { StreamContent } from '../../repository/snapshot';

/** The chunk references of a stream snapshot, in order, reading one content list at a time. */
export async function* readContentLists(
  reader: ChunkReader,
  content: StreamContent,
  onList?: (listId: Buffer) => void,
): AsyncGenerator<ContentRef> {
  for (const hex of content.lists) {
    const listId = Buffer.from(hex, 'hex');
    onList?.(listId);
    yield* decodeContentList(await reader.read(listId), `content list ${hex}`);
  }
}
