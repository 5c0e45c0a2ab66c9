import { IntegrityError, NewerKeyGenerationError, ObjectNotFoundError } from '../core/errors';
import type { ChunkWorkers, VerifiedChunk } from './chunk-workers';
import { ChunkIdHasher } from './crypto';
import { ChunkIndex } from './chunk-index';
import { PackClass, packKey } from './pack';
import { PackBodies } from './pack-bodies';
import { openPack, type OpenedPack } from './pack-reader';
import { readAll } from './read';
import { RangeBuffers } from './range-buffers';
import { planReads, type LocatedRecord, type PlannedRead } from './range-plan';
import { entryInPlace, PACK_CLASS_AT, PACK_ID_AT, type IndexEntry } from './index-object';
import { INDEX_PREFIX, type Repository } from './repository';
import { verifyRecord } from './verify-record';

/**
 * Index objects read ahead of the one being added: enough to overlap a cloud store's latency,
 * and few enough that their copies do not pile up. Reading all of them at once held every
 * object's sealed, compressed and plain copies beside the table they were copied into: an
 * incremental backup of a million files peaked at 401-404 MiB that way, at 360-372 this way.
 */
const INDEX_READ_AHEAD = 8;

/**
 * Every index object of the repository, oldest first: a chunk's first copy is its oldest. With
 * `only`, the entries of that pack class alone: PackClass.meta for a reader of trees and content
 * lists (ls, diff), which then holds a few thousand entries where a million files have a million.
 */
export async function loadChunkIndex(repo: Repository, only?: PackClass): Promise<ChunkIndex> {
  const index = new ChunkIndex();
  const ids = await repo.indexIds();
  // A key that a rotation left behind cannot open the indexes written since; they describe only
  // packs sealed under newer keys, which it could not read either (FORMAT.md §3.6).
  const read = (id: string): Promise<Buffer | undefined> =>
    repo.readIndexPlaintext(id).catch((error: unknown) => {
      if (error instanceof NewerKeyGenerationError) return undefined;
      throw error;
    });
  const ahead: Promise<Buffer | undefined>[] = [];
  let next = 0;
  for (const id of ids) {
    while (next < ids.length && ahead.length < INDEX_READ_AHEAD) {
      const reading = read(ids[next++]!);
      // Awaited in turn below; a failure before its turn must not count as unhandled meanwhile.
      reading.catch(() => undefined);
      ahead.push(reading);
    }
    const plain = await ahead.shift()!;
    if (plain) index.addIndexObject(plain, `${INDEX_PREFIX}${id}`, only);
  }
  return index;
}

/** Whether `b` is in `a` at `at`, compared in JavaScript (a call into C++ costs more for 16 bytes). */
function sameBytes(a: Buffer, at: number, b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (a[at + i] !== b[i]) return false;
  return true;
}

/** A pack being opened, and once it is open the pack itself: for lookups that need not wait (locateAll). */
interface PackSlot {
  opening: Promise<OpenedPack>;
  opened?: OpenedPack;
}

/**
 * Reads chunks back: one ranged read per record, decrypts, decompresses and checks that the
 * content hashes to its id. A damaged copy is skipped in favour of another copy when one exists.
 */
export class ChunkReader {
  private readonly packs = new Map<string, PackSlot>();
  /** The pack of the last chunk locateOpened found (see there). */
  private lastPack: { packClass: PackClass; packId: Buffer; object: string; pack: OpenedPack } | undefined;
  /** Metadata packs (tree objects, content lists) are read whole once a walk keeps asking. */
  private readonly metadata: PackBodies;
  private ids: ChunkIdHasher | undefined;
  /** What batched reads read their ranges into (readBatch). */
  private readonly buffers = new RangeBuffers();

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
    let slot = this.packs.get(key);
    if (!slot) {
      const opening = openPack(this.repo.store, this.repo.keys, key);
      const fresh: PackSlot = { opening };
      opening.then(
        (opened) => void (fresh.opened = opened),
        () => undefined,
      );
      slot = fresh;
      this.packs.set(key, slot);
      // Bounded cache: a huge restore touches many packs; an evicted one is simply opened again.
      if (this.packs.size > 1024) this.packs.delete(this.packs.keys().next().value as string);
    }
    return slot.opening;
  }

  /**
   * locate for many chunks, settled as Promise.allSettled settles: those whose first copy is in a
   * pack already open are answered at once, not through a promise each (a restore locates every
   * chunk it writes, 78,700 for the Linux source tree).
   */
  async locateAll(ids: readonly Buffer[]): Promise<PromiseSettledResult<LocatedRecord>[]> {
    const results = new Array<PromiseSettledResult<LocatedRecord>>(ids.length);
    const waits: Promise<void>[] = [];
    ids.forEach((id, i) => {
      const now = this.locateOpened(id);
      if (now) results[i] = { status: 'fulfilled', value: now };
      else
        waits.push(
          this.locate(id).then(
            (value) => void (results[i] = { status: 'fulfilled', value }),
            (reason: unknown) => void (results[i] = { status: 'rejected', reason }),
          ),
        );
    });
    await Promise.all(waits);
    return results;
  }

  /**
   * What locate finds, when the first copy's pack is open and agrees; otherwise undefined. A
   * backup's consecutive chunks share a pack, so the pack last found is compared first: its name
   * is not made again (hex, then a map lookup) and the entry is read in place, sharing the id and
   * pack id buffers it would otherwise copy. That was most of what locating cost a restore.
   */
  private locateOpened(id: Buffer): LocatedRecord | undefined {
    const record = this.index.firstRecord(id);
    if (!record) return undefined;
    const { slab, at } = record;
    const packClass = slab[at + PACK_CLASS_AT] as PackClass;
    let last = this.lastPack;
    if (!last || last.packClass !== packClass || !sameBytes(slab, at + PACK_ID_AT, last.packId)) {
      const object = packKey(packClass, slab.toString('hex', at + PACK_ID_AT, at + PACK_ID_AT + 16));
      const pack = this.packs.get(object)?.opened;
      if (!pack) return undefined;
      last = this.lastPack = { packClass, packId: pack.header.packId, object, pack };
    }
    const entry = entryInPlace(slab, at, id, last.packId);
    if (!last.pack.entries.agrees(entry)) return undefined;
    return { object: last.object, pack: last.pack, entry };
  }

  /**
   * Where the first copy of a chunk is, after checking that its pack opens and that the index
   * agrees with the pack's trailer: for readers that fetch many records in one ranged read.
   */
  async locate(id: Buffer): Promise<LocatedRecord> {
    const copies = this.index.get(id) ?? [];
    let firstError: unknown;
    for (const entry of copies) {
      const object = packKey(entry.packClass, entry.packId.toString('hex'));
      try {
        const pack = await this.pack(object);
        if (!pack.entries.agrees(entry))
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

  /**
   * Reads several chunks with as few requests as their packs allow: a backup's consecutive chunks
   * are consecutive records of a pack, so a batch of them usually comes in one ranged read (one
   * GET of a cloud store instead of one per chunk). Returns a promise per id, in order. A chunk
   * that the batched read cannot give (its pack does not open, the read fails, the record does not
   * check) is read again on its own, which tries its other copies and reports the first failure.
   */
  readBatch(ids: readonly Buffer[]): Promise<VerifiedChunk>[] {
    const fetched = this.fetchBatch(ids);
    return ids.map((id, i) =>
      fetched.then((chunks) => chunks[i] ?? this.readVerified(id)).catch(() => this.readVerified(id)),
    );
  }

  /** Per id, its chunk from a planned read; none where the record is not in a data pack that opens. */
  private async fetchBatch(ids: readonly Buffer[]): Promise<(Promise<VerifiedChunk> | undefined)[]> {
    const settled = await this.locateAll(ids);
    // Metadata records come through the metadata cache (readCopy); the rest are planned.
    const planned = settled.flatMap((r, i) =>
      r.status === 'fulfilled' && r.value.entry.packClass !== PackClass.meta ? [{ i, located: r.value }] : [],
    );
    const { reads, readOf } = planReads(planned.map((p) => p.located));
    const membersOf = reads.map((): typeof planned => []);
    planned.forEach((p, n) => membersOf[readOf[n]!]!.push(p));
    const chunks = new Array<Promise<VerifiedChunk> | undefined>(ids.length);
    reads.forEach((read, r) => {
      const members = membersOf[r]!;
      const decoded = this.decodeRead(
        read,
        members.map((m) => m.located),
      );
      members.forEach((m, k) => (chunks[m.i] = decoded.then((list) => list[k]!)));
    });
    return chunks;
  }

  /**
   * Reads one planned range into a pooled buffer and decodes its records there; the buffer goes
   * back to the pool once every record is decoded.
   */
  private async decodeRead(read: PlannedRead, records: LocatedRecord[]): Promise<Promise<VerifiedChunk>[]> {
    const length = read.end - read.start;
    const buffer = this.buffers.take(length);
    let decoded: Promise<VerifiedChunk>[] = [];
    try {
      const got = await this.repo.store.readInto(
        read.object,
        { offset: read.start, length },
        new Uint8Array(buffer, 0, length),
      );
      decoded = records.map(({ object, pack, entry }) => {
        const from = entry.offset - read.start;
        if (from + entry.storedLength > got) {
          return Promise.reject(new IntegrityError(object, 'pack is truncated', entry.offset));
        }
        return this.decode(object, pack, entry, Buffer.from(buffer, from, entry.storedLength));
      });
      return decoded;
    } finally {
      void Promise.allSettled(decoded).then(() => this.buffers.give(buffer));
    }
  }

  async read(id: Buffer): Promise<Buffer> {
    return (await this.readVerified(id)).data;
  }

  async readVerified(id: Buffer): Promise<VerifiedChunk> {
    const copies = this.index.get(id);
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
    if (!pack.entries.agrees(entry))
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
    return this.decode(key, pack, { ...entry, id }, record);
  }

  /** Decrypts, decompresses and checks a record, on a worker when there are workers. */
  private async decode(
    object: string,
    pack: OpenedPack,
    entry: IndexEntry,
    record: Buffer,
  ): Promise<VerifiedChunk> {
    if (this.workers) return this.workers.decode(object, pack.header, entry, record);
    const checked = verifyRecord(
      pack.header,
      entry,
      record,
      (this.ids ??= new ChunkIdHasher(this.repo.keys.id)),
    );
    if (checked.problem !== undefined) throw new IntegrityError(object, checked.problem, entry.offset);
    return { data: checked.data, digest: checked.digest };
  }
}
