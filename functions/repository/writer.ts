import type { ObjectStore } from '../core/ports/object-store';
import { encode, encodeSync, type CompressionSettings } from './codec';
import { chunkId, writingKey } from './crypto';
import { IdSet, type ChunkIndex } from './chunk-index';
import { IndexEntries } from './index-object';
import { PackClass } from './pack';
import { PackWriter, type FinishedPack } from './pack-writer';
import type { Repository } from './repository';
import { INDEX_PREFIX } from './repository';
import { StreamType } from './stream-object';

/** What the writer stored; the caller counts new and reused chunks from put's answers. */
export interface WriterStats {
  compressedBytes: number;
  storedBytes: number;
  packsWritten: number;
}

export interface WriterOptions {
  compression?: CompressionSettings;
  packBytes?: number;
  /** Records after which a pack is closed whatever its size (RECORDS_PER_PACK by default). */
  packRecords?: number;
  /** Chunks being compressed at once; each holds up to max-chunk bytes twice. */
  concurrency?: number;
}

const SYNC_ENCODE_BYTES = 128 * 1024;

/**
 * A pack is closed once it holds this many records, whatever its size. Tiny files make tiny
 * records: a tree of a million files of a few bytes put 668,544 records in one 32 MiB pack,
 * whose entries the main thread held (about 380 bytes of heap each) until the pack was finished,
 * and whose trailer of 30 MB a reader must open to read any one of them. At this count a trailer
 * is 737 KB.
 */
export const RECORDS_PER_PACK = 16_384;

/** Index objects are written every this many packs, so that memory does not grow with the stream. */
const PACKS_PER_INDEX = 64;
/**
 * ...or once they hold this many entries (half a MiB of records): writing an index object holds its
 * records, their compressed copy, a zstd context sized for them and the sealed result at once.
 * At the end of a backup of the Linux source tree (78,700 chunks in one index) that was a spike of
 * about 30 MiB over the rest of the backup, and the peak of the whole run. With 16,384 (and the
 * file readers native) each index object was still the backup's peak, 5-10 MiB over the rest.
 */
const ENTRIES_PER_INDEX_OBJECT = 8_192;

/**
 * Stores chunks into packs: deduplicates by keyed id, compresses on the thread pool, seals and
 * streams packs to the store, and writes index objects for the packs it finished.
 * Nothing it writes is visible to readers until a snapshot names it, so a crash leaves only
 * unreferenced packs behind.
 */
export class RepositoryWriter {
  readonly stats: WriterStats = {
    compressedBytes: 0,
    storedBytes: 0,
    packsWritten: 0,
  };
  /** Ids stored (or known to exist) in this session, as 32-byte records: not a string each. */
  private readonly known = new IdSet();
  private existing: ChunkIndex | undefined;
  private readonly packs = new Map<PackClass, PackWriter>();
  private readonly pending = new Set<Promise<void>>();
  private readonly finishing = new Set<Promise<void>>();
  private indexEntries = new IndexEntries();
  private packsSinceIndex = 0;
  private failure: unknown;
  private aborted: Error | undefined;
  private readonly compression: CompressionSettings;
  private readonly packBytes: number;
  private readonly packRecords: number;
  private readonly concurrency: number;
  private readonly store: ObjectStore;

  constructor(
    private readonly repo: Repository,
    options: WriterOptions = {},
  ) {
    // A key that a rotation left behind reads but never writes (FORMAT.md §3.6): refuse here,
    // before a backup reads its parent or stores anything.
    writingKey(repo.keys);
    this.store = repo.store;
    this.compression = options.compression ?? repo.config.compression;
    this.packBytes = options.packBytes ?? repo.config.pack_bytes;
    this.packRecords = options.packRecords ?? RECORDS_PER_PACK;
    this.concurrency = options.concurrency ?? 4;
  }

  chunkId(data: Buffer): Buffer {
    return chunkId(this.repo.keys.id, data);
  }

  /** Chunks that exist already (for example the parent snapshot's) and need not be stored again. */
  markKnown(id: Buffer): void {
    this.known.add(id);
  }

  /**
   * Every chunk in this index exists already: deduplicate against the whole repository (file
   * backups with a parent) without copying its ids into another set.
   */
  useIndex(index: ChunkIndex): void {
    this.existing = index;
  }

  /** True the first time an id is seen (neither known nor stored before in this session). */
  private claim(id: Buffer): boolean {
    if (this.failure) throw this.failure;
    if (this.existing?.has(id)) return false;
    return this.known.add(id);
  }

  /** Stores a chunk unless it is known, compressing it on the thread pool; returns whether it was new. */
  async put(id: Buffer, data: Buffer, packClass: PackClass): Promise<boolean> {
    if (!this.claim(id)) return false;
    while (this.pending.size >= this.concurrency) await Promise.race(this.pending);
    if (this.failure) throw this.failure;
    const task = this.store_(id, data, packClass).catch((error: unknown) => {
      this.failure ??= error;
    });
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
    return true;
  }

  /**
   * Stores a chunk compressed elsewhere (by ChunkWorkers) unless its id is known already in this
   * session; returns whether it was new. `framed`: `payload` starts with the codec byte (see
   * RecordSealer.seal). A promise only when the chunk had to wait (a pack's body at its room, a
   * new pack, packs closing); wait for it before the next put. Once the writer has failed or was
   * aborted, it throws.
   */
  putEncoded(
    id: Buffer,
    rawLength: number,
    codec: number,
    payload: Buffer,
    packClass: PackClass,
    framed = false,
  ): boolean | Promise<boolean> {
    if (!this.claim(id)) return false;
    const appended = this.append(id, rawLength, codec, payload, packClass, framed);
    if (appended) return appended.then(() => this.stored());
    return this.stored();
  }

  /** True, unless a pack closing in the background has failed meanwhile. */
  private stored(): true {
    if (this.failure) throw this.failure;
    return true;
  }

  private async store_(id: Buffer, data: Buffer, packClass: PackClass): Promise<void> {
    // Small chunks (trees, content lists) compress in microseconds: a trip to the thread pool
    // would cost several times more than the work.
    const { codec, payload } =
      data.length <= SYNC_ENCODE_BYTES
        ? encodeSync(data, this.compression)
        : await encode(data, this.compression);
    if (this.failure) return;
    await this.append(id, data.length, codec, payload, packClass);
  }

  /** A promise only when the record had to wait (see putEncoded). */
  private append(
    id: Buffer,
    rawLength: number,
    codec: number,
    payload: Buffer,
    packClass: PackClass,
    framed = false,
  ): void | Promise<void> {
    this.stats.compressedBytes += framed ? payload.length - 1 : payload.length;
    const pack = this.packs.get(packClass);
    if (!pack) return this.appendToNewPack(id, rawLength, codec, payload, packClass, framed);
    // After abort() nothing more is added: work still in flight (a worker's chunk arriving late).
    if (this.aborted) throw this.aborted;
    const added = pack.add(id, codec, payload, rawLength, framed);
    if (added) return added.then(() => this.closeIfFull(pack, packClass));
    return this.closeIfFull(pack, packClass);
  }

  private async appendToNewPack(
    id: Buffer,
    rawLength: number,
    codec: number,
    payload: Buffer,
    packClass: PackClass,
    framed: boolean,
  ): Promise<void> {
    await this.repo.prepareWrite();
    let pack = this.packs.get(packClass);
    // After abort() nothing starts a new pack: work still in flight (a worker's chunk arriving
    // late) would otherwise open an upload that nobody ends (an open file, a temporary object).
    if (this.aborted) throw this.aborted;
    if (!pack) {
      pack = new PackWriter(this.store, this.repo.keys, packClass);
      this.packs.set(packClass, pack);
    }
    await pack.add(id, codec, payload, rawLength, framed);
    await this.closeIfFull(pack, packClass);
  }

  private closeIfFull(pack: PackWriter, packClass: PackClass): void | Promise<void> {
    const full = pack.size >= this.packBytes || pack.records >= this.packRecords;
    if (full && this.packs.get(packClass) === pack) {
      this.packs.delete(packClass);
      return this.finishPack(pack);
    }
  }

  /**
   * Closes a pack in the background: its upload (and fsync) overlaps with new work instead of
   * stalling the pipeline. At most two close at once, which bounds memory; a failure is reported
   * by the next put or by flush.
   */
  private async finishPack(pack: PackWriter): Promise<void> {
    while (this.finishing.size >= 2) await Promise.race(this.finishing);
    const done = pack
      .finish()
      .then((finished) => this.recordPack(finished))
      .catch((error: unknown) => {
        this.failure ??= error;
      });
    this.finishing.add(done);
    void done.finally(() => this.finishing.delete(done));
  }

  private async recordPack(pack: FinishedPack): Promise<void> {
    this.stats.packsWritten++;
    this.stats.storedBytes += pack.size;
    for (const e of pack.entries) {
      this.indexEntries.add({ ...e, packId: pack.packId, packClass: pack.packClass });
    }
    if (++this.packsSinceIndex >= PACKS_PER_INDEX || this.indexEntries.size >= ENTRIES_PER_INDEX_OBJECT)
      await this.writeIndex();
  }

  private async writeIndex(): Promise<void> {
    if (this.indexEntries.size === 0) return;
    const entries = this.indexEntries;
    this.indexEntries = new IndexEntries();
    this.packsSinceIndex = 0;
    await this.repo.prepareWrite();
    const id = this.repo.newObjectId();
    const sealed = this.repo.sealObject(StreamType.index, id, entries.encode());
    await this.store.put(`${INDEX_PREFIX}${id}`, sealed, { createOnly: true });
    this.stats.storedBytes += sealed.length;
  }

  /** Waits for every chunk, closes the packs and writes the index: after this, a snapshot may name the chunks. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.race(this.pending);
    if (this.failure) throw this.failure;
    const open = [...this.packs.values()];
    this.packs.clear();
    for (const pack of open) await this.finishPack(pack);
    while (this.finishing.size > 0) await Promise.race(this.finishing);
    if (this.failure) throw this.failure;
    await this.writeIndex();
  }

  /** Stops after a failure: open packs are abandoned and never become visible. */
  abort(): void {
    this.aborted ??= new Error('The backup stopped; no more data is written.');
    this.failure ??= this.aborted;
    for (const pack of this.packs.values()) pack.abort();
    this.packs.clear();
  }
}
