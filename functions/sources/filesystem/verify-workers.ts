import { availableParallelism } from 'node:os';
import { BatchSlots, Replies, startWorkerLanes, type BatchLane } from '../../core/batch-slots';
import { workerScript } from '../../core/worker-script';
import { enableYoungGc, OldGcPacer } from '../../repository/young-gc';
import { prepareWorkerIsolates } from '../../repository/worker-isolates';
import { NativeFileChecker, nativeFileChecker } from './native-file-checker';
import type { ExpectedFile, VerifyBatch, VerifyBatchReply, VerifyWorkerSetup } from './verify-worker';

/** A batch: many small files in one message, or a few MiB of larger ones. */
const BATCH_FILES = 256;
const BATCH_BYTES = 16 * 1024 * 1024;
const BATCHES_PER_WORKER = 2;

/**
 * Reads restored files back, one thread per core: native threads (file-checker.c) where the addon
 * is built, worker threads (verify-worker.ts) where it is not. Reading, chunking and hashing a tree
 * of small files is mostly system calls and hashing, which one thread would do one file at a time.
 * Files go out in batches; each file's outcome comes back through the callback it was added with.
 */
export class VerifyWorkers {
  /** Whether the files are read back on native threads (else on worker threads). */
  readonly native: boolean;
  private readonly lanes: BatchLane<VerifyBatch, VerifyBatchReply>[];
  private readonly slots: BatchSlots;
  private readonly replies = new Replies<VerifyBatchReply>();
  private files: ExpectedFile[] = [];
  private callbacks: ((problem: string | undefined) => void)[] = [];
  private bytes = 0;
  private seq = 0;
  private readonly oldGc = new OldGcPacer();

  constructor(
    setup: VerifyWorkerSetup,
    count = Math.max(1, Math.min(availableParallelism(), 8)),
    /** Worker threads even where native ones could read back (tests compare the two). */
    { workers = false }: { workers?: boolean } = {},
  ) {
    this.slots = new BatchSlots(count, BATCHES_PER_WORKER);
    const fail = (error: unknown) => this.slots.fail(error);
    this.native = !workers && nativeFileChecker();
    if (this.native) {
      enableYoungGc(); // the main thread's pacer
      this.lanes = Array.from({ length: count }, () => new NativeFileChecker(setup, fail));
    } else {
      prepareWorkerIsolates();
      const script = workerScript(__dirname, 'verify-worker');
      this.lanes = startWorkerLanes(script, setup, count, this.replies, fail);
    }
  }

  /** Queues a file; `done` gets what differs, or undefined when it matches. */
  async add(file: ExpectedFile, done: (problem: string | undefined) => void): Promise<void> {
    this.slots.check();
    this.oldGc.add();
    this.files.push(file);
    this.callbacks.push(done);
    this.bytes += file.size;
    if (this.files.length >= BATCH_FILES || this.bytes >= BATCH_BYTES) await this.dispatch();
  }

  private async dispatch(): Promise<void> {
    if (this.files.length === 0) return;
    const batch: VerifyBatch = { seq: this.seq++, files: this.files };
    const callbacks = this.callbacks;
    this.files = [];
    this.callbacks = [];
    this.bytes = 0;
    const worker = await this.slots.take();
    const reply = this.lanes[worker]!.post(batch);
    this.slots.track(
      worker,
      reply.then((r) => r.problems.forEach((problem, i) => callbacks[i]!(problem ?? undefined))),
    );
  }

  /** Sends what is queued and waits for every outcome. */
  async finish(): Promise<void> {
    await this.dispatch();
    await this.slots.drain();
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }
}
