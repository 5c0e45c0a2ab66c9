import { IntegrityError, ObjectNotFoundError } from '../core/errors';
import type { ObjectStore } from '../core/ports/object-store';
import type { RepositoryKeys } from './crypto';
import {
  openTrailer,
  readPackHeader,
  trailerLength,
  PACK_FOOTER_BYTES,
  PACK_HEADER_BYTES,
  type PackHeader,
} from './pack';
import { PackEntryTable } from './pack-entries';
import { readAll } from './read';

export interface OpenedPack {
  key: string;
  size: number;
  header: PackHeader;
  /** Trailer entries by record offset. */
  entries: PackEntryTable;
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
    const entries = new PackEntryTable(
      openTrailer(header, trailer, footer, key, trailerOffset),
      key,
      trailerOffset,
    );
    return { key, size: info.size, header, entries, trailerOffset };
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new IntegrityError(key, 'pack is missing');
    throw error;
  }
}
