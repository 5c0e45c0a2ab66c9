import { loadNativeAddon } from '../../core/native-addon';
import { NativeBatchLane, type BatchAddon } from './native-batch-lane';
import { nativeChunking, type NativeChunking } from './native-chunking';
import type { VerifyBatch, VerifyBatchReply, VerifyWorkerSetup } from './verify-worker';

type CheckerSetup = NativeChunking;

/** LIFEBOAT_NO_NATIVE_CHECKER (any value) leaves the addon out: worker threads read back instead. */
const addon = process.env['LIFEBOAT_NO_NATIVE_CHECKER']
  ? undefined
  : loadNativeAddon<BatchAddon<CheckerSetup, VerifyBatch, VerifyBatchReply>>(__dirname, 'file-checker.node');

/** Whether restored files can be read back on native threads here (file-checker.c). */
export function nativeFileChecker(): boolean {
  return addon !== undefined;
}

/**
 * One native thread that reads restored files back as a read-back worker does (verify-worker.ts):
 * the same chunks compared, the same findings in the same words.
 */
export class NativeFileChecker extends NativeBatchLane<CheckerSetup, VerifyBatch, VerifyBatchReply> {
  constructor(setup: VerifyWorkerSetup, onFailure: (error: Error) => void) {
    if (!addon) throw new Error('the native file checker is not built here');
    super(addon, nativeChunking(setup.idKey, setup.chunker, setup.gear), 'file checker', onFailure);
  }
}
