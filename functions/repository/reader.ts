import { IntegrityError, NewerKeyGenerationError, ObjectNotFoundError } from '../core/errors';
import type { ChunkWorkers, VerifiedChunk } from './chunk-workers';
import { ChunkIdHasher } from './crypto';
import type { IndexEntry } from './index-object';
import { PackClass, packKey } from './pack';
import { PackBodies } from './pack-bodies';
import { openPack, sameEntry, type OpenedPack } from './pack-reader';
import { readAll } from './read';
import type { Repository } from './repository';
import { verifyRecord } from './verify-record';

/** Where copies of a chunk are; more than one after an independent full backup wrote it again. */
export type ChunkIndex = Map<string, IndexEntry[]>;

export async function loadChunkIndex(repo: Repository): Promise<ChunkIndex> {
  const index: ChunkIndex = new Map();
  const ids = await repo.indexIds();
  // A key that a rotation left behind cannot open the indexes written since; they describe only
  // packs sealed under newer keys, which it could not read either (FORMAT.md §3.6).
  const lists = await Promise.all(
    ids.map((id) =>
      repo.readIndex(id).catch((error: unknown) => {
        if (error instanceof NewerKeyGenerationError) return [];
        throw error;
      }),
    ),
  );
  for (const entries of lists) {
    for (const entry of entries) {
      const hex = entry.id.toString('hex');
      const copies = index.get(hex);
      if (copies) copies.push(entry);
      else index.set(hex, [entry]);
    }
  }
  return index;
}

/**
 * Reads chunks back: one ranged read per record, decrypts, decompresses and checks that the
 * content hashes to its id. A damaged copy is skipped in favour of another copy when one exists.
 */
export class ChunkReader {
  private readonly packs = new Map<string, Promise<OpenedPack>>();
  /** Metadata packs (tree objects, content lists) are read whole once a walk keeps asking. */
  private readonly metadata: PackBodies;
  private ids: ChunkIdHasher | undefined;

  constructor(
    private readonly repo: Repository,
    private readonly index: ChunkIndex,
    /** When given, records are decoded on worker threads. */
    private readonly workers?: ChunkWorkers,
  ) {
    this.metadata = new PackBodies(repo.store);
  }

  /** Each pack's header and trailer are checked once, before its first record is used. */
  private pack(key: string): Promise<OpenedPack> {
    let pack = this.packs.get(key);
    if (!pack) {
      pack = openPack(this.repo.store, this.repo.keys, key);
      pack.catch(() => undefined);
      this.packs.set(key, pack);
      // Bounded cache: a huge restore touches many packs; an evicted one is simply opened again.
      if (this.packs.size > 1024) this.packs.delete(this.packs.keys().next().value as string);
    }
    return pack;
  }

  /**
   * Where the first copy of a chunk is, after checking that its pack opens and that the index
   * agrees with the pack's trailer: for readers that fetch many records in one ranged read.
   */
  async locate(id: Buffer): Promise<{ object: string; pack: OpenedPack; entry: IndexEntry }> {
    const copies = this.index.get(id.toString('hex')) ?? [];
    let firstError: unknown;
    for (const entry of copies) {
      const object = packKey(entry.packClass, entry.packId.toString('hex'));
      try {
        const pack = await this.pack(object);
        const listed = pack.entries.get(entry.offset);
        if (!listed || !sameEntry(listed, entry))
          throw new IntegrityError(object, 'index entry disagrees with the pack trailer', entry.offset);
        return { object, pack, entry };
      } catch (error) {
        firstError ??= error;
      }
    }
    throw (
      firstError ??
      new IntegrityError(
        `chunk ${id.toString('hex')}`,
        'no pack holds this chunk (index is missing an entry)',
      )
    );
  }

  async read(id: Buffer): Promise<Buffer> {
    return (await this.readVerified(id)).data;
  }

  async readVerified(id: Buffer): Promise<VerifiedChunk> {
    const copies = this.index.get(id.toString('hex'));
    if (!copies || copies.length === 0) {
      throw new IntegrityError(
        `chunk ${id.toString('hex')}`,
        'no pack holds this chunk (index is missing an entry)',
      );
    }
    let firstError: unknown;
    for (const entry of copies) {
      try {
        return await this.readCopy(id, entry);
      } catch (error) {
        firstError ??= error;
      }
    }
    throw firstError;
  }

  private async readCopy(id: Buffer, entry: IndexEntry): Promise<VerifiedChunk> {
    const key = packKey(entry.packClass, entry.packId.toString('hex'));
    const pack = await this.pack(key);
    const listed = pack.entries.get(entry.offset);
    if (!listed || !sameEntry(listed, entry))
      throw new IntegrityError(key, 'index entry disagrees with the pack trailer', entry.offset);
    let record: Buffer;
    try {
      const range = { offset: entry.offset, length: entry.storedLength };
      record =
        entry.packClass === PackClass.meta
          ? await this.metadata.read(pack, range)
          : await readAll(this.repo.store, key, range);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new IntegrityError(key, 'pack is missing');
      throw error;
    }
    if (record.length !== entry.storedLength)
      throw new IntegrityError(key, 'pack is truncated', entry.offset);
    if (this.workers) return this.workers.decode(key, pack.header, entry, record);
    const checked = verifyRecord(
      pack.header,
      { ...entry, id },
      record,
      (this.ids ??= new ChunkIdHasher(this.repo.keys.id)),
    );
    if (checked.problem !== undefined) throw new IntegrityError(key, checked.problem, entry.offset);
    return { data: checked.data, digest: checked.digest };
  }
}
