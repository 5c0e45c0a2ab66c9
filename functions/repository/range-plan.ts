import type { OpenedPack } from './pack-reader';
import type { IndexEntry } from './index-object';

/** A record found in a pack whose header and trailer were checked (ChunkReader.locate). */
export interface LocatedRecord {
  object: string;
  pack: OpenedPack;
  entry: IndexEntry;
}

/** One ranged read of a pack: bytes `start` to `end`, covering one or more records. */
export interface PlannedRead {
  object: string;
  pack: OpenedPack;
  start: number;
  end: number;
}

/** Records this close in a pack are fetched in one read, the gap included. */
const MERGE_GAP = 256 * 1024;

/**
 * Groups located records by pack and merges records that lie within MERGE_GAP bytes of each
 * other into one read (the gap is read too: a request costs more than a few hundred KiB).
 * Returns the reads and, per record, the index of the read that holds it.
 */
export function planReads(located: readonly LocatedRecord[]): { reads: PlannedRead[]; readOf: number[] } {
  const byPack = new Map<string, number[]>();
  located.forEach((l, i) => {
    const members = byPack.get(l.object);
    if (members) members.push(i);
    else byPack.set(l.object, [i]);
  });
  const reads: PlannedRead[] = [];
  const readOf = new Array<number>(located.length);
  for (const members of byPack.values()) {
    members.sort((a, b) => located[a]!.entry.offset - located[b]!.entry.offset);
    let current: PlannedRead | undefined;
    for (const i of members) {
      const { object, pack, entry } = located[i]!;
      const recordEnd = entry.offset + entry.storedLength;
      if (current && entry.offset <= current.end + MERGE_GAP) {
        current.end = Math.max(current.end, recordEnd);
      } else {
        current = { object, pack, start: entry.offset, end: recordEnd };
        reads.push(current);
      }
      readOf[i] = reads.length - 1;
    }
  }
  return { reads, readOf };
}
