import { padsOf } from '../../repository/crypto';
import { loadNativeAddon } from '../../core/native-addon';
import { NativeBatchLane, type BatchAddon } from './native-batch-lane';
import { nanosecondTimes } from './nano-times';
import type { RestoreBatch, RestoreBatchReply } from './restore-batch';

type WriterSetup = { inner: Buffer; outer: Buffer; umask: number };

/** LIFEBOAT_NO_NATIVE_WRITER (any value) leaves the addon out: the worker threads restore instead. */
const addon = process.env['LIFEBOAT_NO_NATIVE_WRITER']
  ? undefined
  : loadNativeAddon<BatchAddon<WriterSetup, RestoreBatch, RestoreBatchReply>>(__dirname, 'file-writer.node');

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
 * the caller keeps them as they are until the batch's reply. `close` removes the files the thread
 * left open (a restore stopped part-way).
 */
export class NativeFileWriter extends NativeBatchLane<WriterSetup, RestoreBatch, RestoreBatchReply> {
  constructor(idKey: Uint8Array, umask: number, onFailure: (error: Error) => void) {
    if (!addon) throw new Error('the native file writer is not built here');
    const { inner, outer } = padsOf(Buffer.from(idKey));
    super(addon, { inner, outer, umask }, 'file writer', onFailure);
  }
}
