import { Worker } from 'node:worker_threads';
import { LifeboatError, StorageFullError } from '../../core/errors';
import type { ByteSink } from '../../core/ports/byte-sink';
import { workerScript } from '../../core/worker-script';
import { prepareWorkerIsolates } from '../../repository/worker-isolates';
import type { SinkReply, SinkRequest } from './fd-sink-worker';

/** Pieces handed to the worker and not yet written; bounds memory like a stream's high-water mark. */
const MAX_IN_FLIGHT = 4;

function writeError(reply: { error: string; code?: string }, what: string): Error {
  if (reply.code === 'ENOSPC' || reply.code === 'EDQUOT') return new StorageFullError(what);
  if (reply.code === 'EPIPE') {
    return new LifeboatError(
      'OUTPUT_CLOSED',
      `The reader of ${what} went away before the restore finished.`,
      'Check the command the output was piped into.',
    );
  }
  return new LifeboatError(
    'WRITE_FAILED',
    `Writing ${what} failed: ${reply.error}.`,
    'Check where the output goes and run the restore again.',
  );
}

/** Writes to a file descriptor (standard output) from a worker thread. */
export class FdSink implements ByteSink {
  private readonly worker: Worker;
  private readonly waiting: Array<{ resolve: (reply: SinkReply) => void }> = [];
  private inFlight: Promise<SinkReply>[] = [];
  private failure: Error | undefined;

  constructor(
    fd: number,
    private readonly what = 'standard output',
  ) {
    prepareWorkerIsolates();
    this.worker = new Worker(workerScript(__dirname, 'fd-sink-worker'), { workerData: { fd } });
    this.worker.on('message', (reply: SinkReply) => this.waiting.shift()?.resolve(reply));
    this.worker.on('error', (error) => {
      this.failure ??= error;
      for (const w of this.waiting.splice(0)) w.resolve({ error: error.message });
    });
  }

  private request(message: SinkRequest, transfer: ArrayBuffer[]): Promise<SinkReply> {
    const reply = new Promise<SinkReply>((resolve) => this.waiting.push({ resolve }));
    this.worker.postMessage(message, transfer);
    return reply;
  }

  private check(reply: SinkReply): void {
    if ('error' in reply) this.failure ??= writeError(reply, this.what);
    if (this.failure) throw this.failure;
  }

  /** `data` moves to the worker when it owns its memory; do not reuse it. */
  async write(data: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    const ownsMemory = data.byteOffset === 0 && data.buffer.byteLength === data.length;
    const piece = ownsMemory ? data : new Uint8Array(data);
    this.inFlight.push(this.request({ data: piece }, [piece.buffer as ArrayBuffer]));
    if (this.inFlight.length >= MAX_IN_FLIGHT) this.check(await this.inFlight.shift()!);
  }

  async abort(): Promise<void> {
    this.failure ??= new Error('restore aborted');
    await this.worker.terminate();
  }

  async end(): Promise<void> {
    try {
      for (const pending of this.inFlight.splice(0)) this.check(await pending);
      this.check(await this.request({ end: true }, []));
    } finally {
      await this.worker.terminate();
    }
  }
}
