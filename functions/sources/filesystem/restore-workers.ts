import { availableParallelism } from 'node:os';
import { BatchSlots, Replies, startWorkerLanes, type BatchLane } from '../../core/batch-slots';
import { workerScript } from '../../core/worker-script';
import type { ChunkReader } from '../../repository/reader';
import { planReads, type LocatedRecord } from '../../repository/range-plan';
import type { Repository } from '../../repository/repository';
import type { ContentRef } from '../../repository/content-list';
import { CompactOnce, enableYoungGc, OldGcPacer, TREE_COMPACT_AFTER_FILES } from '../../repository/young-gc';
import { prepareWorkerIsolates } from '../../repository/worker-isolates';
import { RangeBuffers } from '../../repository/range-buffers';
import {
  RestoreBatchWriter,
  type FileFinish,
  type FilePiece,
  type RangeData,
  type RestoreBatch,
  type RestoreBatchReply,
} from './restore-batch';
import type { RestoreWorkerSetup } from './restore-worker';
import { NativeFileWriter, nativeFileWriter } from './native-file-writer';

export interface FileOutcome {
  fid: number;
  bytes?: number;
  problem?: string;
  integrity?: boolean;
}

function isRefArray(refs: readonly ContentRef[] | AsyncIterable<ContentRef>): refs is readonly ContentRef[] {
  return Array.isArray(refs);
}

function locatedValue(r: PromiseSettledResult<LocatedRecord>): LocatedRecord {
  if (r.status !== 'fulfilled') throw new Error('a located chunk was not found');
  return r.value;
}

/**
 * Raw bytes of chunks per batch: small files, read from their packs in a few requests. Batches in
 * flight each have buffers of their own size: 4 MiB rather than 8 took a restore of the Linux tree
 * from 217-221 MiB to 199-206, in the same time; 2 MiB saved 3 MiB more, for twice the requests to
 * a cloud store (tmpfs, three rounds each, in turns).
 */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 1024;
/**
 * Batches in flight per writer. A worker thread gets its next batch through its event loop, and
 * with one at a time it waits for each; a native thread takes the next from memory as it finishes
 * one, and a second batch each only holds more range buffers: with one, the Linux tree's restore
 * peaked at 153-158 MB instead of 161-164 (GNU time, two rounds each), 0.2-0.4 s slower.
 */
const BATCHES_PER_WRITER = { worker: 2, native: 1 };
/**
 * How far the main thread's heap may grow over its live size before a full collection (OldGcPacer).
 * With workers, 16 MiB rather than 32 took a restore of the Linux tree from 233-238 MiB to 215-221
 * in the same time, and 8 MiB saved 5 MiB more for 5-10% more CPU (tmpfs, three rounds each, in
 * turns). With native writers (one batch each in flight): 16 MiB peaked at 165-168 MB, 8 MiB at
 * 157, 4 MiB at 154-157 and 0.3-0.4 s slower (GNU time, two rounds each, in turns).
 */
const OLD_GC_GROWTH_BYTES = { worker: 16 * 1024 * 1024, native: 8 * 1024 * 1024 };

/** A ranged read of a pack with the record data it gets, as the worker receives it. */
type PlannedRange = RangeData & { end: number };

interface PendingChunk {
  piece: FilePiece;
  ref: ContentRef;
}

/**
 * Restores file contents on native threads (file-writer.c) where the addon is built, on worker
 * threads (restore-worker.ts) where it is not. Files are gathered into batches in tree order; a
 * batch's records are located, fetched with as few ranged reads as their packs allow (consecutive
 * files of a backup are consecutive records), and handed to a writer that verifies every record
 * and writes the files. A large file streams in pieces to one writer.
 */
export class RestoreWorkers {
  /** Whether the files are written on native threads (else on worker threads). */
  readonly native: boolean;
  /** The writers: worker threads, or native threads (file-writer.c). */
  private readonly lanes: BatchLane<RestoreBatch, RestoreBatchReply>[];
  private readonly slots: BatchSlots;
  private readonly lastPost: Promise<void>[];
  private readonly replies = new Replies<RestoreBatchReply>();
  private seq = 0;
  private nextFid = 0;
  private pieces: FilePiece[] = [];
  private chunks: PendingChunk[] = [];
  private batchBytes = 0;
  /** Files with a chunk that no pack could give; later pieces of them are dropped. */
  private readonly damagedFiles = new Map<number, string>();
  private readonly reported = new Set<number>();
  private readonly buffers = new RangeBuffers();
  private readonly oldGc: OldGcPacer;
  private readonly compact = new CompactOnce(TREE_COMPACT_AFTER_FILES);

  constructor(
    private readonly repo: Repository,
    private readonly reader: ChunkReader,
    private readonly onOutcome: (outcome: FileOutcome) => void,
    count = Math.max(1, Math.min(availableParallelism(), 8)),
    /** Worker threads even where native ones could write (tests compare the two). */
    { workers = false }: { workers?: boolean } = {},
  ) {
    this.native = !workers && nativeFileWriter();
    const kind = this.native ? 'native' : 'worker';
    this.oldGc = new OldGcPacer(1024, OLD_GC_GROWTH_BYTES[kind]);
    const setup: RestoreWorkerSetup = { idKey: repo.keys.id, umask: process.umask() };
    this.slots = new BatchSlots(count, BATCHES_PER_WRITER[kind]);
    const fail = (error: unknown) => this.slots.fail(error);
    if (this.native) {
      enableYoungGc(); // the main thread's pacers
      this.lanes = Array.from({ length: count }, () => new NativeFileWriter(setup.idKey, setup.umask, fail));
    } else {
      prepareWorkerIsolates();
      const script = workerScript(__dirname, 'restore-worker');
      this.lanes = startWorkerLanes(script, setup, count, this.replies, fail);
    }
    this.lastPost = this.lanes.map(() => Promise.resolve());
  }

  /**
   * The id the next file added gets, for its outcome. Know it before adding the file: a large
   * file's first batches can be written, or fail, before addFile's promise settles.
   */
  get nextFileId(): number {
    return this.nextFid;
  }

  /**
   * Queues a file (its id is `nextFileId`). Its content goes out with the next batches. A small
   * file whose chunks are listed in its node (nearly every file) is queued at once: a promise only
   * when its batch goes out (or the file needs more than that).
   */
  addFile(
    path: Buffer,
    refs: readonly ContentRef[] | AsyncIterable<ContentRef>,
    rawSize: number,
    replace: boolean,
    finish: FileFinish,
  ): Promise<void> | undefined {
    this.slots.check();
    const fid = this.nextFid++;
    this.oldGc.add();
    this.compact.add(1);
    if (rawSize > BATCH_BYTES || !isRefArray(refs))
      return this.addFileAsync(fid, path, refs, rawSize, replace, finish);
    const piece = this.smallFile(fid, path, replace, finish);
    for (const ref of refs) this.chunks.push({ piece, ref });
    return this.added(rawSize);
  }

  /** addFile for a file whose chunks are read from content lists, or that fills batches itself. */
  private async addFileAsync(
    fid: number,
    path: Buffer,
    refs: readonly ContentRef[] | AsyncIterable<ContentRef>,
    rawSize: number,
    replace: boolean,
    finish: FileFinish,
  ): Promise<void> {
    if (rawSize <= BATCH_BYTES) {
      const piece = this.smallFile(fid, path, replace, finish);
      for await (const ref of refs) this.chunks.push({ piece, ref });
      return this.added(rawSize);
    }
    // A large file: its own batches, all to one worker so that its pieces stay in order.
    await this.dispatch();
    const worker = this.slots.leastBusy();
    let piece: FilePiece = { fid, path: path.toString('latin1'), mode: finish.mode, replace };
    this.pieces.push(piece);
    for await (const ref of refs) {
      this.chunks.push({ piece, ref });
      this.batchBytes += ref.rawLength;
      if (this.batchBytes >= BATCH_BYTES) {
        await this.dispatch(worker);
        piece = { fid };
        this.pieces.push(piece);
      }
    }
    piece.finish = finish;
    await this.dispatch(worker);
  }

  /** A file that goes to a worker in one piece, in the batch being gathered. */
  private smallFile(fid: number, path: Buffer, replace: boolean, finish: FileFinish): FilePiece {
    const piece: FilePiece = { fid, path: path.toString('latin1'), mode: finish.mode, replace, finish };
    this.pieces.push(piece);
    return piece;
  }

  /** Counts a small file's bytes into the batch, which goes out when full. */
  private added(rawSize: number): Promise<void> | undefined {
    this.batchBytes += rawSize;
    if (this.batchBytes >= BATCH_BYTES || this.pieces.length >= BATCH_FILES) return this.dispatch();
    return undefined;
  }

  /** Sends the gathered pieces as one batch (to `worker`, or the least busy one). */
  private async dispatch(worker?: number): Promise<void> {
    if (this.pieces.length === 0) return;
    const pieces = this.pieces;
    const chunks = this.chunks;
    this.pieces = [];
    this.chunks = [];
    this.batchBytes = 0;
    const target = await this.slots.take(worker);
    this.slots.track(target, this.send(target, pieces, chunks));
  }

  private async send(worker: number, pieces: FilePiece[], chunks: PendingChunk[]): Promise<void> {
    // Batches are prepared concurrently but posted to a worker in the order they were made: the
    // pieces of a large file must arrive in order.
    const previous = this.lastPost[worker]!;
    let posted!: () => void;
    this.lastPost[worker] = new Promise<void>((resolve) => (posted = resolve));
    try {
      await this.post(worker, previous, pieces, chunks);
    } finally {
      posted();
    }
  }

  private async post(
    worker: number,
    previous: Promise<void>,
    batchPieces: FilePiece[],
    batchChunks: PendingChunk[],
  ): Promise<void> {
    let pieces = batchPieces;
    let chunks = batchChunks;
    // Locate every record, then read each pack's records in as few ranges as possible. A file
    // with a chunk in no readable pack is taken out here and reported for the slow path.
    const settled = await this.reader.locateAll(chunks.map((c) => c.ref.id));
    settled.forEach((r, i) => {
      if (r.status === 'rejected') this.damagedFiles.set(chunks[i]!.piece.fid, (r.reason as Error).message);
    });
    const reportDamaged = new Set<number>();
    let located: LocatedRecord[];
    if (this.damagedFiles.size > 0 && pieces.some((p) => this.damagedFiles.has(p.fid))) {
      for (const piece of pieces) {
        if (this.damagedFiles.has(piece.fid) && !this.reported.has(piece.fid)) reportDamaged.add(piece.fid);
      }
      pieces = pieces.map((p) => (this.damagedFiles.has(p.fid) ? { fid: p.fid, abandon: true } : p));
      const keptIndexes = chunks.flatMap((c, i) => (this.damagedFiles.has(c.piece.fid) ? [] : [i]));
      located = keptIndexes.map((i) => locatedValue(settled[i]!));
      chunks = keptIndexes.map((i) => chunks[i]!);
    } else {
      // The usual batch: every chunk found, nothing to take out.
      located = settled.map(locatedValue);
    }
    const { reads, readOf: rangeOf } = planReads(located);
    const ranges: PlannedRange[] = reads.map((r) => ({
      data: new Uint8Array(0),
      start: r.start,
      end: r.end,
      packId: r.pack.header.packId,
      key: r.pack.header.key.key,
      object: r.object,
    }));
    // The ranges are read side by side into one shared buffer that the worker reads in place;
    // it is free again once the worker replies. (A fresh buffer per read made the main thread
    // collect garbage thousands of times in a restore, under "external memory pressure".)
    const buffer = this.buffers.take(ranges.reduce((sum, r) => sum + (r.end - r.start), 0));
    let reply: RestoreBatchReply;
    try {
      await this.readRanges(buffer, ranges);
      // A piece's chunks follow one another in `chunks`, in the order of the pieces.
      const writer = new RestoreBatchWriter(pieces.length, chunks.length);
      let next = 0;
      for (const piece of pieces) {
        const first = next;
        while (next < chunks.length && chunks[next]!.piece.fid === piece.fid) next++;
        writer.addPiece(piece, next - first);
        for (let i = first; i < next; i++) writer.addChunk(rangeOf[i]!, located[i]!.entry);
      }
      const batch = writer.batch(this.seq++, ranges);
      await previous;
      reply = await this.lanes[worker]!.post(batch, [writer.buffer]);
    } finally {
      this.buffers.give(buffer);
    }
    for (const fid of reportDamaged) {
      this.reported.add(fid);
      this.onOutcome({ fid, problem: this.damagedFiles.get(fid), integrity: true });
    }
    for (const f of reply.finished) this.onOutcome({ fid: f.fid, bytes: f.bytes });
    for (const f of reply.failed) this.onOutcome({ fid: f.fid, problem: f.problem, integrity: f.integrity });
  }

  private async readRanges(buffer: SharedArrayBuffer, ranges: PlannedRange[]): Promise<void> {
    let at = 0;
    const reads = ranges.map(async (range) => {
      const length = range.end - range.start;
      const target = new Uint8Array(buffer, at, length);
      at += length;
      const read = await this.repo.store.readInto(range.object, { offset: range.start, length }, target);
      // A short read (a truncated pack) shows as records cut short: the worker reports them.
      range.data = target.subarray(0, read);
    });
    // Every read is over before the buffer can be given back, also when one of them failed.
    const failed = (await Promise.allSettled(reads)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Sends what is gathered and waits for every batch. */
  async flush(): Promise<void> {
    await this.dispatch();
    await this.slots.drain();
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }
}
