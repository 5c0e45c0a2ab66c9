import { selectMasks } from '../../repository/chunker';
import { padsOf } from '../../repository/crypto';
import { loadNativeAddon } from '../../core/native-addon';
import { NativeBatchLane, type BatchAddon } from './native-batch-lane';
import type { VerifyBatch, VerifyBatchReply, VerifyWorkerSetup } from './verify-worker';

interface CheckerSetup {
  inner: Buffer;
  outer: Buffer;
  gear: Buffer;
  min: number;
  avg: number;
  max: number;
  maskS: bigint;
  maskL: bigint;
}

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
    const { inner, outer } = padsOf(Buffer.from(setup.idKey));
    const { min, avg, max, level } = setup.chunker;
    const gear = Buffer.from(setup.gear.buffer, setup.gear.byteOffset, setup.gear.byteLength);
    super(
      addon,
      { inner, outer, gear, min, avg, max, ...selectMasks(avg, level) },
      'file checker',
      onFailure,
    );
  }
}
