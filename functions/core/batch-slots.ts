import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Back-pressure for a pool of worker threads that take batches: at most `perWorker` batches in
 * flight on each, a wait for room, every batch's task tracked until it settles, and the pool's
 * first failure, which ends every wait and is thrown to whoever asks next.
 */
export class BatchSlots {
  private readonly inFlight: number[];
  private readonly tasks = new Set<Promise<void>>();
  private waiters: (() => void)[] = [];
  private failure: unknown;

  constructor(
    workers: number,
    private readonly perWorker: number,
  ) {
    this.inFlight = new Array<number>(workers).fill(0);
  }

  /** Throws the pool's failure, if there was one. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  fail(error: unknown): void {
    this.failure ??= error;
    this.wake();
  }

  leastBusy(): number {
    return this.inFlight.indexOf(Math.min(...this.inFlight));
  }

  /** Waits for room on `worker` (or on the least busy one) and takes it; returns the worker. */
  async take(worker?: number): Promise<number> {
    for (;;) {
      this.check();
      const i = worker ?? this.leastBusy();
      if (this.inFlight[i]! < this.perWorker) {
        this.inFlight[i]!++;
        return i;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Tracks a batch's task on `worker`: its room is given back when it settles; an error fails the pool. */
  track(worker: number, task: Promise<void>): void {
    const tracked = task
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.inFlight[worker]!--;
        this.wake();
        this.tasks.delete(tracked);
      });
    this.tasks.add(tracked);
  }

  /** Waits for every tracked task; throws the pool's failure. */
  async drain(): Promise<void> {
    while (this.tasks.size > 0) await Promise.race(this.tasks);
    this.check();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The replies a pool's workers send back, matched to their batches by sequence number. */
export class Replies<R extends { seq: number }> {
  private readonly sent = new Map<
    number,
    { resolve: (reply: R) => void; reject: (error: unknown) => void }
  >();

  /** Posts `message` (numbered `seq`) to `worker`, moving `transfer`; resolves with its reply. */
  post(worker: Worker, message: { seq: number }, transfer: ArrayBuffer[] = []): Promise<R> {
    const reply = this.expect(message.seq);
    worker.postMessage(message, transfer);
    return reply;
  }

  /** The reply to the message numbered `seq`, which the caller sends (a native thread's batch). */
  expect(seq: number): Promise<R> {
    return new Promise<R>((resolve, reject) => this.sent.set(seq, { resolve, reject }));
  }

  deliver(reply: R): void {
    const sent = this.sent.get(reply.seq);
    this.sent.delete(reply.seq);
    sent?.resolve(reply);
  }

  /** A worker died: no reply will come for anything sent. */
  failAll(error: unknown): void {
    for (const sent of this.sent.values()) sent.reject(error);
    this.sent.clear();
  }
}

/**
 * Starts `count` workers of `script` for a pool: their replies go to `replies`; a crash or a
 * non-zero exit fails every message still out (no reply will come for them) and is passed to
 * `onFailure`, for the pool to fail whoever asks next.
 */
export function startWorkers<R extends { seq: number }>(
  script: string,
  workerData: unknown,
  count: number,
  replies: Replies<R>,
  onFailure: (error: unknown) => void,
): Worker[] {
  const fail = (error: unknown) => {
    onFailure(error);
    replies.failAll(error);
  };
  return Array.from({ length: count }, () => {
    const worker = new Worker(script, { workerData });
    worker.on('message', (reply: R) => replies.deliver(reply));
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`${basename(script)} exited with code ${code}`));
    });
    return worker;
  });
}

/** One thread of a pool that takes batches: a worker thread, or a native one (native-batch-lane.ts). */
export interface BatchLane<B, R> {
  post(batch: B, transfer?: ArrayBuffer[]): Promise<R>;
  close(): unknown;
}

/** startWorkers, each worker as a BatchLane that posts through `replies`. */
export function startWorkerLanes<B extends { seq: number }, R extends { seq: number }>(
  script: string,
  workerData: unknown,
  count: number,
  replies: Replies<R>,
  onFailure: (error: unknown) => void,
): BatchLane<B, R>[] {
  return startWorkers(script, workerData, count, replies, onFailure).map((worker) => ({
    post: (batch: B, transfer?: ArrayBuffer[]) => replies.post(worker, batch, transfer),
    close: () => worker.terminate(),
  }));
}
