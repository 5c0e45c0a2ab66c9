import { selectMasks, type ChunkerParams } from '../../repository/chunker';
import { padsOf } from '../../repository/crypto';

/** How the native threads cut and name chunks (native-lane.h): the repository's chunker and id key. */
export interface NativeChunking {
  /** The id key's HMAC pads, 64 bytes each. */
  inner: Buffer;
  outer: Buffer;
  /** The gear table as the wasm chunker holds it: 256 u64 in memory order. */
  gear: Buffer;
  min: number;
  avg: number;
  max: number;
  maskS: bigint;
  maskL: bigint;
}

export function nativeChunking(
  idKey: Uint8Array,
  chunker: ChunkerParams,
  gear: BigUint64Array,
): NativeChunking {
  const { inner, outer } = padsOf(Buffer.from(idKey));
  const { min, avg, max, level } = chunker;
  return {
    inner,
    outer,
    gear: Buffer.from(gear.buffer, gear.byteOffset, gear.byteLength),
    min,
    avg,
    max,
    ...selectMasks(avg, level),
  };
}
