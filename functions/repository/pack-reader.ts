import { IntegrityError, ObjectNotFoundError } from '../core/errors';
import type { ObjectStore } from '../core/ports/object-store';
import type { RepositoryKeys } from './crypto';
import {
  openTrailer,
  readPackHeader,
  trailerLength,
  PACK_FOOTER_BYTES,
  PACK_HEADER_BYTES,
  type PackEntry,
  type PackHeader,
} from './pack';
import { readAll } from './read';

export interface OpenedPack {
  key: string;
  size: number;
  header: PackHeader;
  /** Trailer entries by record offset. */
  entries: Map<number, PackEntry>;
  trailerOffset: number;
}

/**
 * Reads a pack's header and trailer and checks that they authenticate and that the records tile
 * the space between them exactly, so a cut or a flipped bit anywhere in the pack is noticed.
 */
export async function openPack(store: ObjectStore, keys: RepositoryKeys, key: string): Promise<OpenedPack> {
  const info = await store.head(key);
  if (!info) throw new IntegrityError(key, 'pack is missing');
  if (info.size < PACK_HEADER_BYTES + PACK_FOOTER_BYTES)
    throw new IntegrityError(key, 'pack is truncated', info.size);
  try {
    const header = readPackHeader(
      keys,
      await readAll(store, key, { offset: 0, length: PACK_HEADER_BYTES }),
      key,
      key,
    );
    const footer = await readAll(store, key, {
      offset: info.size - PACK_FOOTER_BYTES,
      length: PACK_FOOTER_BYTES,
    });
    const length = trailerLength(footer, key, info.size);
    const trailerOffset = info.size - PACK_FOOTER_BYTES - length;
    const trailer = await readAll(store, key, { offset: trailerOffset, length });
    const list = openTrailer(header, trailer, footer, key, trailerOffset);
    let expected = PACK_HEADER_BYTES;
    const entries = new Map<number, PackEntry>();
    for (const entry of [...list].sort((a, b) => a.offset - b.offset)) {
      if (entry.offset !== expected)
        throw new IntegrityError(key, 'records do not tile the pack (gap or overlap)', expected);
      expected += entry.storedLength;
      entries.set(entry.offset, entry);
    }
    if (expected !== trailerOffset)
      throw new IntegrityError(key, 'records do not reach the trailer', expected);
    return { key, size: info.size, header, entries, trailerOffset };
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new IntegrityError(key, 'pack is missing');
    throw error;
  }
}

/** Does the index's view of a record agree with the pack's own trailer? */
export function sameEntry(a: PackEntry, b: PackEntry): boolean {
  return (
    a.id.equals(b.id) &&
    a.offset === b.offset &&
    a.storedLength === b.storedLength &&
    a.rawLength === b.rawLength &&
    a.codec === b.codec
  );
}
