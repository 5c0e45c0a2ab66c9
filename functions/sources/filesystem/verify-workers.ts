import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerScript } from '../../core/worker-script';
import { enableYoungGc, OldGcPacer } from '../../repository/young-gc';
import type { ExpectedFile, VerifyBatch, VerifyBatchReply, VerifyWorkerSetup } from './verify-worker';

/** A batch: many small files in one message, or a few MiB of larger ones. */
const BATCH_FILES = 256;
const BATCH_BYTES = 16 * 1024 * 1024;
const BATCHES_PER_WORKER = 2;

interface Sent {
  resolve: (reply: VerifyBatchReply) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads restored files back on worker threads (verify-worker.ts), one per core: reading,
 * chunking and hashing a tree of small files is mostly system calls and hashing, which one
 * thread would do one file at a time. Files go out in batches; each file's outcome comes back
 * through the callback it was added with.
 */
export class VerifyWorkers {
  private readonly workers: Worker[];
  private readonly inFlight: number[];
  private readonly sent = new Map<number, Sent>();
  private readonly tasks = new Set<Promise<void>>();
  private waiters: (() => void)[] = [];
  private files: ExpectedFile[] = [];
  private callbacks: ((problem: string | undefined) => void)[] = [];
  private bytes = 0;
  private seq = 0;
  private failure: unknown;
  private readonly oldGc = new OldGcPacer();

  constructor(setup: VerifyWorkerSetup, count = Math.max(1, Math.min(availableParallelism(), 8))) {
    enableYoungGc();
    this.workers = Array.from(
      { length: count },
      () => new Worker(workerScript(__dirname, 'verify-worker'), { workerData: setup }),
    );
    this.inFlight = this.workers.map(() => 0);
    for (const worker of this.workers) {
      worker.on('message', (reply: VerifyBatchReply) => {
        const sent = this.sent.get(reply.seq);
        this.sent.delete(reply.seq);
        sent?.resolve(reply);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`verify worker exited with code ${code}`));
      });
    }
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const sent of this.sent.values()) sent.reject(error);
    this.sent.clear();
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Queues a file; `done` gets what differs, or undefined when it matches. */
  async add(file: ExpectedFile, done: (problem: string | undefined) => void): Promise<void> {
    if (this.failure) throw this.failure;
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
    const worker = await this.takeSlot();
    const task = new Promise<VerifyBatchReply>((resolve, reject) => {
      this.sent.set(batch.seq, { resolve, reject });
      this.workers[worker]!.postMessage(batch);
    })
      .then((reply) => reply.problems.forEach((problem, i) => callbacks[i]!(problem ?? undefined)))
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.inFlight[worker]!--;
        this.wake();
      });
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private async takeSlot(): Promise<number> {
    for (;;) {
      if (this.failure) throw this.failure;
      const i = this.inFlight.indexOf(Math.min(...this.inFlight));
      if (this.inFlight[i]! < BATCHES_PER_WORKER) {
        this.inFlight[i]!++;
        return i;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Sends what is queued and waits for every outcome. */
  async finish(): Promise<void> {
    await this.dispatch();
    while (this.tasks.size > 0) await Promise.race(this.tasks);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
