import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerScript } from '../../core/worker-script';
import type { ContentRef } from '../../repository/content-list';
import {
  CompactOnce,
  enableYoungGc,
  OldGcPacer,
  TREE_COMPACT_AFTER_FILES,
  YoungGcPacer,
} from '../../repository/young-gc';
import { prepareWorkerIsolates } from '../../repository/worker-isolates';
import type {
  EncodedFileChunk,
  FileChunksMessage,
  FileJob,
  FileReadDone,
  FileStat,
  FileWorkerSetup,
} from './file-worker';
import { NativeFileReader, nativeFileReader } from './native-file-reader';

/** A chunk read from a file, its payload (when new) a view of the worker's ring. */
export interface FileChunk {
  id: Buffer;
  rawLength: number;
  known: boolean;
  codec: number;
  /**
   * The codec byte, then the payload (RecordSealer's `framed`). Valid until the sink's promise
   * settles: the ring's bytes are given back to the worker then.
   */
  framed?: Buffer;
}

export interface FileReadResult {
  refs: ContentRef[];
  done?: FileReadDone;
  error?: { code: string; message: string };
  /** Not read: an unstated file with more than one name (see FileJob.unstated). */
  hardLink?: FileStat;
}

/**
 * Takes one chunk read from a file (stores it when new); called in file order. A promise when it
 * must be waited for before the next chunk.
 */
export type ChunkSink = (chunk: FileChunk) => void | Promise<void>;

interface Job {
  lane: number;
  size: number;
  refs: ContentRef[];
  onChunk: ChunkSink;
  resolve: (result: FileReadResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Files queued per reader: enough to keep it busy, few enough that directories finish soon. A
 * worker thread gets its files in messages through its event loop and needs more at hand than a
 * native thread, which takes them from a queue in memory: with 64 the Linux tree's backup peaked
 * at 130-133 MB instead of 139 (GNU time, two rounds each), 0.2-0.3 s slower; for workers 64 cut a
 * few MiB too, but at 32 their backup slowed by a fifth (ARCHITECTURE.md).
 */
const QUEUE_FILES = { worker: 256, native: 64 };
const QUEUE_BYTES = 64 * 1024 * 1024;
/** What an unchanged file counts for the main thread's full collections, against a read one (see unread). */
const UNREAD_FILE_WEIGHT = 0.25;
/**
 * The main thread's heap may grow this much over its live size before a full collection (see
 * `oldGc`). With native readers the main thread's heap is the backup's largest part after Node's
 * own code: 2 MiB rather than 6 took the Linux tree's peak from 139 MB to 132-134 (two rounds
 * each), for 0.2-0.4 s more of the main thread's time.
 */
const BACKUP_OLD_GC_GROWTH_BYTES = { worker: 6 * 1024 * 1024, native: 2 * 1024 * 1024 };
/**
 * Files handed to a worker in one message at most; the walk's files go out together once it
 * yields to the event loop. A message per file cost the main thread a postMessage and the worker
 * an event-loop turn each, 78,600 times for the Linux tree.
 */
const JOBS_PER_MESSAGE = 64;
/**
 * Each worker's ring of payloads (what it may have waiting for the main thread before it pauses)
 * is the largest payload, its codec byte, and this. The ring starts again at its beginning once
 * everything is given back, so any payload fits then. Rings of twice the largest chunk (8 MiB)
 * let a worker run further ahead of a main thread that seals faster than the workers encode
 * anyway: the Linux tree's backup peaked at 198-201 MiB with them, 185-189 with these, in the
 * same time (tmpfs, four rounds each, in turns).
 */
const RING_SLACK_BYTES = 4096;

/** One of the pool's readers: a worker thread, or a native thread (file-reader.c). */
interface FileLane {
  post(jobs: FileJob[]): void;
  /** The main thread is done with this many bytes of the lane's ring. */
  release(bytes: number): void;
  close(): Promise<void> | void;
}

type LaneEvents = {
  onMessages: (messages: FileChunksMessage[]) => void;
  onFailure: (error: unknown) => void;
};

/** A worker thread (file-worker.ts), paused by a shared counter of its ring's bytes in use. */
class WorkerLane implements FileLane {
  private readonly worker: Worker;

  private readonly outstanding: Int32Array;
  private readonly index: number;

  constructor(data: FileWorkerSetup, { onMessages, onFailure }: LaneEvents) {
    this.outstanding = new Int32Array(data.outstanding);
    this.index = data.index;
    this.worker = new Worker(workerScript(__dirname, 'file-worker'), { workerData: data });
    this.worker.on('message', onMessages);
    this.worker.on('error', onFailure);
    this.worker.on('exit', (code) => {
      if (code !== 0) onFailure(new Error(`file worker exited with code ${code}`));
    });
  }

  post(jobs: FileJob[]): void {
    this.worker.postMessage(jobs);
  }

  release(bytes: number): void {
    Atomics.sub(this.outstanding, this.index, bytes);
    Atomics.notify(this.outstanding, this.index);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * A pool of threads that read and encode whole files: native ones (file-reader.c) where the addon
 * is built, worker threads (file-worker.ts) where it is not. The main thread walks the tree,
 * hands out files to the least loaded reader, and stores what comes back.
 */
export class FileWorkers {
  private readonly kind: 'native' | 'worker';
  private readonly lanes: FileLane[];
  private readonly rings: SharedArrayBuffer[];
  private readonly queuedFiles: number[];
  private readonly queuedBytes: number[];
  private readonly chains: Promise<void>[];
  private readonly jobs = new Map<number, Job>();
  /** Per lane: files to send it, once the walk yields. */
  private readonly outbox: FileJob[][];
  private sending = false;
  private waiters: (() => void)[] = [];
  private seq = 0;
  /**
   * A young collection per 16 MiB of payloads. It was for the ciphertext sealing allocated per
   * record; records are now sealed into reused staging buffers and the young generation is small,
   * and without it the Linux tree's backup peaked at 193-202 MiB, with it 197-201 (three rounds
   * each, in turns, into a local directory). It stays for the stores not measured that way.
   */
  private readonly gc = new YoungGcPacer(16 * 1024 * 1024);
  /**
   * The heap of a backup's main thread, kept near its live size (see OldGcPacer). Its live size
   * stays about 18-22 MiB over the Linux tree. A collection once it has grown 16 MiB over that,
   * rather than 32, took the backup's peak from a median 315 MiB to 300. With the young
   * generation capped (young-generation.ts), more of each file's objects reach the old one: there
   * 6 MiB rather than 16 took the peak from 209-213 MiB to 191-196, in the same time (tmpfs, two
   * rounds each). A restore keeps 16 (restore-workers.ts).
   */
  private readonly oldGc: OldGcPacer;
  private readonly compact = new CompactOnce(TREE_COMPACT_AFTER_FILES);
  private failure: unknown;

  constructor(
    setup: Omit<FileWorkerSetup, 'index' | 'outstanding' | 'ring'>,
    count = Math.max(1, Math.min(availableParallelism(), 8)),
    /** Worker threads even where native ones could read (tests compare the two). */
    { workers = false }: { workers?: boolean } = {},
  ) {
    const native = !workers && nativeFileReader(setup);
    this.kind = native ? 'native' : 'worker';
    this.oldGc = new OldGcPacer(1024, BACKUP_OLD_GC_GROWTH_BYTES[this.kind]);
    // The main thread's collections (the pacers below) need `gc` either way.
    if (native) enableYoungGc();
    else prepareWorkerIsolates();
    const outstanding = new SharedArrayBuffer(4 * count);
    const ringBytes = setup.chunker.max + RING_SLACK_BYTES;
    this.rings = Array.from({ length: count }, () => new SharedArrayBuffer(ringBytes));
    this.lanes = this.rings.map((ring, index) => {
      const events: LaneEvents = {
        onMessages: (messages) => {
          this.chains[index] = this.chains[index]!.then(() => this.handleAll(index, messages, 0)).catch(
            (error: unknown) => this.fail(error),
          );
        },
        onFailure: (error) => this.fail(error),
      };
      if (native) return new NativeFileReader(setup, ring, events.onMessages, events.onFailure);
      return new WorkerLane({ ...setup, index, outstanding, ring }, events);
    });
    this.outbox = this.lanes.map(() => []);
    this.queuedFiles = this.lanes.map(() => 0);
    this.queuedBytes = this.lanes.map(() => 0);
    this.chains = this.lanes.map(() => Promise.resolve());
  }

  /** Whether the files are read on native threads (else on worker threads). */
  get native(): boolean {
    return this.kind === 'native';
  }

  private hasRoom(i: number): boolean {
    return this.queuedFiles[i]! < QUEUE_FILES[this.kind] && this.queuedBytes[i]! < QUEUE_BYTES;
  }

  /** Whether a reader can take another file now (so the walk need not wait on whenReady). */
  get ready(): boolean {
    return this.failure === undefined && this.lanes.some((_, i) => this.hasRoom(i));
  }

  /** Resolves when a reader can take another file (backpressure for the tree walker). */
  async whenReady(): Promise<void> {
    while (!this.ready) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * A file the walk settled without a reader (unchanged since the parent): its node and the parent's
   * are garbage on the main thread's heap all the same, once its directory is stored. Counted at a
   * quarter of a read file: the second backup of the Linux tree (320 files changed, 78,000 not)
   * collected nothing while it walked and peaked at 163-165 MB; counted so, at 125 MB, 0.2-0.3 s
   * slower (at an eighth, 131-132 MB; counted whole, 122 MB and 0.6 s slower).
   */
  unread(): void {
    this.oldGc.add(UNREAD_FILE_WEIGHT);
  }

  /**
   * Reads and encodes one file on a reader (a native or a worker thread); every chunk goes through
   * `onChunk`, in order. `size` is what the walk's stat said, or undefined for a file it did not stat (`unstated`).
   */
  read(path: Buffer, size: number | undefined, onChunk: ChunkSink): Promise<FileReadResult> {
    return new Promise<FileReadResult>((resolve, reject) =>
      this.readThen(path, size, onChunk, resolve, reject),
    );
  }

  /**
   * As read, without a promise: the result goes to `onResult`, or the pool's failure to
   * `onError` (at once, when it has failed already). A walk of many small files keeps thousands
   * in flight, and a promise (with its handlers) per file outlived young collections.
   */
  readThen(
    path: Buffer,
    size: number | undefined,
    onChunk: ChunkSink,
    onResult: (result: FileReadResult) => void,
    onError: (error: unknown) => void,
  ): void {
    if (this.failure) {
      onError(this.failure);
      return;
    }
    this.oldGc.add();
    this.compact.add(1);
    let lane = 0;
    for (let i = 1; i < this.lanes.length; i++) {
      if (
        this.queuedBytes[i]! + this.queuedFiles[i]! * 65536 <
        this.queuedBytes[lane]! + this.queuedFiles[lane]! * 65536
      )
        lane = i;
    }
    const seq = this.seq++;
    const queued = size ?? 0;
    this.queuedFiles[lane]!++;
    this.queuedBytes[lane]! += queued;
    this.jobs.set(seq, { lane, size: queued, refs: [], onChunk, resolve: onResult, reject: onError });
    const job: FileJob = { op: 'file', seq, path: path.toString('latin1'), unstated: size === undefined };
    this.outbox[lane]!.push(job);
    if (!this.sending) {
      this.sending = true;
      setImmediate(() => this.send());
    }
  }

  private send(): void {
    this.sending = false;
    this.outbox.forEach((jobs, lane) => {
      for (let at = 0; at < jobs.length; at += JOBS_PER_MESSAGE)
        this.lanes[lane]!.post(jobs.slice(at, at + JOBS_PER_MESSAGE));
      jobs.length = 0;
    });
  }

  /**
   * Stores the chunks of `messages` from `from` on, in order. Synchronous until a chunk must wait:
   * an async call per file was a promise and a suspended frame per file, 78,600 for the Linux tree.
   */
  private handleAll(index: number, messages: FileChunksMessage[], from: number): void | Promise<void> {
    for (let i = from; i < messages.length; i++) {
      const waiting = this.handle(index, messages[i]!);
      if (waiting) return waiting.then(() => this.handleAll(index, messages, i + 1));
    }
  }

  private handle(index: number, message: FileChunksMessage): void | Promise<void> {
    const job = this.jobs.get(message.seq);
    const chunks = message.chunks;
    for (let i = 0; job && i < chunks.length; i++) {
      let stored: void | Promise<void>;
      try {
        stored = this.take(index, job, chunks[i]!);
      } catch (error) {
        this.release(index, message);
        throw error;
      }
      if (stored) return this.handleRest(index, job, message, i + 1, stored);
    }
    this.release(index, message);
    if (job) this.complete(index, job, message);
  }

  /** handle, from the chunk after one that had to wait. */
  private async handleRest(
    index: number,
    job: Job,
    message: FileChunksMessage,
    next: number,
    stored: Promise<void>,
  ): Promise<void> {
    try {
      await stored;
      for (let i = next; i < message.chunks.length; i++) {
        const more = this.take(index, job, message.chunks[i]!);
        if (more) await more;
      }
    } finally {
      this.release(index, message);
    }
    this.complete(index, job, message);
  }

  /** One chunk to the job's sink; its ref is listed at once (the job resolves after the last). */
  private take(index: number, job: Job, chunk: EncodedFileChunk): void | Promise<void> {
    const { at, length, rawLength, known, codec } = chunk;
    const id = Buffer.from(chunk.id, 'latin1');
    const framed = at === undefined ? undefined : Buffer.from(this.rings[index]!, at, length);
    job.refs.push({ id, rawLength });
    return job.onChunk({ id, rawLength, known, codec, framed });
  }

  /** The message's chunks are stored (sealed into their packs): their bytes of the ring are free again. */
  private release(index: number, message: FileChunksMessage): void {
    this.gc.add(message.bytes);
    if (message.bytes > 0) this.lanes[index]!.release(message.bytes);
  }

  private complete(index: number, job: Job, message: FileChunksMessage): void {
    if (!message.done && !message.error && !message.hardLink) return;
    this.jobs.delete(message.seq);
    this.queuedFiles[index]!--;
    this.queuedBytes[index]! -= job.size;
    job.resolve({ refs: job.refs, done: message.done, error: message.error, hardLink: message.hardLink });
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const job of this.jobs.values()) job.reject(this.failure);
    this.jobs.clear();
    this.wake();
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }
}
