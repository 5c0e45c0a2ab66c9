import { padsOf } from '../../repository/crypto';
import { loadNativeAddon } from '../../core/native-addon';
import { nanosecondTimes } from './nano-times';
import type { RestoreBatch, RestoreBatchReply } from './restore-batch';

type Report = (reply: RestoreBatchReply, fatal: string | undefined) => void;

interface FileWriterAddon {
  open(setup: { inner: Buffer; outer: Buffer; umask: number }, report: Report): object;
  submit(lane: object, batch: RestoreBatch): void;
  close(lane: object): void;
}

/** LIFEBOAT_NO_NATIVE_WRITER (any value) leaves the addon out: the worker threads restore instead. */
const addon = process.env['LIFEBOAT_NO_NATIVE_WRITER']
  ? undefined
  : loadNativeAddon<FileWriterAddon>(__dirname, 'file-writer.node');

/**
 * Whether restored files can be written on native threads here (file-writer.c). It sets times to
 * the nanosecond, so only where nano-times.ts does too: a restore says which precision it had.
 */
export function nativeFileWriter(): boolean {
  return addon !== undefined && nanosecondTimes;
}

/**
 * One native thread that verifies and writes restore batches as a restore worker does
 * (restore-worker.ts), with replies of the same shape. A batch's range buffers are read in place:
 * the caller keeps them as they are until the batch's reply.
 */
export class NativeFileWriter {
  private readonly lane: object;
  private readonly native: FileWriterAddon;
  private readonly sent = new Map<
    number,
    { resolve: (reply: RestoreBatchReply) => void; reject: (e: unknown) => void }
  >();

  constructor(idKey: Uint8Array, umask: number, onFailure: (error: Error) => void) {
    if (!addon) throw new Error('the native file writer is not built here');
    this.native = addon;
    const pads = padsOf(Buffer.from(idKey));
    this.lane = addon.open({ inner: pads.inner, outer: pads.outer, umask }, (reply, fatal) => {
      try {
        if (fatal !== undefined) {
          const error = new Error(`the file writer failed: ${fatal}`);
          onFailure(error);
          this.failAll(error);
          return;
        }
        const sent = this.sent.get(reply.seq);
        this.sent.delete(reply.seq);
        sent?.resolve(reply);
      } catch (error) {
        onFailure(error as Error);
      }
    });
  }

  post(batch: RestoreBatch): Promise<RestoreBatchReply> {
    const reply = new Promise<RestoreBatchReply>((resolve, reject) =>
      this.sent.set(batch.seq, { resolve, reject }),
    );
    this.native.submit(this.lane, batch);
    return reply;
  }

  private failAll(error: unknown): void {
    for (const sent of this.sent.values()) sent.reject(error);
    this.sent.clear();
  }

  /** Stops the thread after the batch at hand; files it left open are removed. */
  close(): void {
    this.native.close(this.lane);
    this.failAll(new Error('the file writer was closed'));
  }
}
