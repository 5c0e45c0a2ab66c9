import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { BatchSlots, Replies, startWorkers } from '../../core/batch-slots';
import { workerScript } from '../../core/worker-script';
import type { ChunkReader } from '../../repository/reader';
import { planReads, type LocatedRecord } from '../../repository/range-plan';
import type { Repository } from '../../repository/repository';
import type { ContentRef } from '../../repository/content-list';
import { CompactOnce, OldGcPacer, TREE_COMPACT_AFTER_FILES } from '../../repository/young-gc';
import { prepareWorkerIsolates } from '../../repository/worker-isolates';
import { RangeBuffers } from '../../repository/range-buffers';
import {
  RestoreBatchWriter,
  type FileFinish,
  type FilePiece,
  type RangeData,
  type RestoreBatchReply,
} from './restore-batch';
import type { RestoreWorkerSetup } from './restore-worker';

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
 * Raw bytes of chunks per batch: small files, read from their packs in a few requests. Two batches
 * per worker are in flight, each in buffers of its own size: 4 MiB rather than 8 took a restore of
 * the Linux tree from 217-221 MiB to 199-206, in the same time; 2 MiB saved 3 MiB more, for twice
 * the requests to a cloud store (tmpfs, three rounds each, in turns).
 */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 1024;
const BATCHES_PER_WORKER = 2;

/** A ranged read of a pack with the record data it gets, as the worker receives it. */
type PlannedRange = RangeData & { end: number };

interface PendingChunk {
  piece: FilePiece;
  ref: ContentRef;
}

/**
 * Restores file contents on worker threads (restore-worker.ts). Files are gathered into batches
 * in tree order; a batch's records are located, fetched with as few ranged reads as their packs
 * allow (consecutive files of a backup are consecutive records), and handed to a worker that
 * verifies every record and writes the files. A large file streams in pieces to one worker.
 */
export class RestoreWorkers {
  private readonly workers: Worker[];
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
  /**
   * With the young generation capped (young-generation.ts), a collection once the main thread's
   * heap has grown 16 MiB, rather than 32, took a restore of the Linux tree from 233-238 MiB to
   * 215-221, in the same time; 8 MiB saved 5 MiB more for 5-10% more CPU (tmpfs, three rounds each,
   * in turns).
   */
  private readonly oldGc = new OldGcPacer(1024, 16 * 1024 * 1024);
  private readonly compact = new CompactOnce(TREE_COMPACT_AFTER_FILES);

  constructor(
    private readonly repo: Repository,
    private readonly reader: ChunkReader,
    private readonly onOutcome: (outcome: FileOutcome) => void,
    count = Math.max(1, Math.min(availableParallelism(), 8)),
  ) {
    prepareWorkerIsolates();
    const setup: RestoreWorkerSetup = { idKey: repo.keys.id, umask: process.umask() };
    this.slots = new BatchSlots(count, BATCHES_PER_WORKER);
    const script = workerScript(__dirname, 'restore-worker');
    this.workers = startWorkers(script, setup, count, this.replies, (error) => this.slots.fail(error));
    this.lastPost = this.workers.map(() => Promise.resolve());
  }

  /**
   * Queues a file; returns its id (for the outcome). Its content goes out with the next batches.
   * A small file whose chunks are listed in its node (nearly every file) is queued at once: a
   * promise only when its batch goes out (or the file needs more than that).
   */
  addFile(
    path: Buffer,
    refs: readonly ContentRef[] | AsyncIterable<ContentRef>,
    rawSize: number,
    replace: boolean,
    finish: FileFinish,
  ): number | Promise<number> {
    this.slots.check();
    const fid = this.nextFid++;
    this.oldGc.add();
    this.compact.add(1);
    if (rawSize > BATCH_BYTES || !isRefArray(refs))
      return this.addFileAsync(fid, path, refs, rawSize, replace, finish);
    const piece = this.smallFile(fid, path, replace, finish);
    for (const ref of refs) this.chunks.push({ piece, ref });
    return this.added(fid, rawSize);
  }

  /** addFile for a file whose chunks are read from content lists, or that fills batches itself. */
  private async addFileAsync(
    fid: number,
    path: Buffer,
    refs: readonly ContentRef[] | AsyncIterable<ContentRef>,
    rawSize: number,
    replace: boolean,
    finish: FileFinish,
  ): Promise<number> {
    if (rawSize <= BATCH_BYTES) {
      const piece = this.smallFile(fid, path, replace, finish);
      for await (const ref of refs) this.chunks.push({ piece, ref });
      return this.added(fid, rawSize);
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
    return fid;
  }

  /** A file that goes to a worker in one piece, in the batch being gathered. */
  private smallFile(fid: number, path: Buffer, replace: boolean, finish: FileFinish): FilePiece {
    const piece: FilePiece = { fid, path: path.toString('latin1'), mode: finish.mode, replace, finish };
    this.pieces.push(piece);
    return piece;
  }

  /** Counts a small file's bytes into the batch, which goes out when full. */
  private added(fid: number, rawSize: number): number | Promise<number> {
    this.batchBytes += rawSize;
    if (this.batchBytes >= BATCH_BYTES || this.pieces.length >= BATCH_FILES)
      return this.dispatch().then(() => fid);
    return fid;
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
      reply = await this.replies.post(this.workers[worker]!, batch, [writer.buffer]);
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
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
