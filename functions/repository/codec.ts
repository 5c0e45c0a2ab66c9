import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { zstdCompressReused, zstdDecompressReused } from './zstd-context';

/** How a chunk's payload is encoded before encryption. The byte is stored in every record. */
export const Codec = { none: 0, zstd: 1, gzip: 2 } as const;
export type Codec = (typeof Codec)[keyof typeof Codec];
export type CompressionName = keyof typeof Codec;

export interface CompressionSettings {
  alg: CompressionName;
  level: number;
}

export const DEFAULT_COMPRESSION: CompressionSettings = { alg: 'zstd', level: 3 };

export interface Encoded {
  codec: Codec;
  payload: Buffer;
}

const zstdCompress = promisify(zlib.zstdCompress);
const gzip = promisify(zlib.gzip);

/**
 * zstd options for one frame of `length` bytes. Knowing the size lets zstd size its tables for
 * it: about a third faster for a chunk. An output buffer that fits the result: the default (16 KiB
 * pieces, or 128 KiB) would be joined in a second copy, or kept alive as the backing store of a
 * small result until the next collection.
 */
export function zstdOptions(length: number, level: number): zlib.ZstdOptions {
  return {
    pledgedSrcSize: length,
    chunkSize: Math.max(64, length + (length >> 7) + 512),
    params: { [zlib.constants.ZSTD_c_compressionLevel]: level },
  };
}

/** Keeps the raw bytes when compression does not pay (random data): reading them back is then free. */
function choose(data: Buffer, settings: CompressionSettings, payload: Buffer): Encoded {
  return payload.length < data.length
    ? { codec: Codec[settings.alg], payload }
    : { codec: Codec.none, payload: data };
}

function worthTrying(data: Buffer, settings: CompressionSettings): boolean {
  return settings.alg !== 'none' && data.length >= 64;
}

/** On the libuv thread pool, for callers on the main thread (metadata). */
export async function encode(data: Buffer, settings: CompressionSettings): Promise<Encoded> {
  if (!worthTrying(data, settings)) return { codec: Codec.none, payload: data };
  const payload =
    settings.alg === 'zstd'
      ? await zstdCompress(data, zstdOptions(data.length, settings.level))
      : await gzip(data, { level: settings.level });
  return choose(data, settings, payload);
}

/**
 * Synchronous, for worker threads: zstd through the thread's one reused context. With `scratch`,
 * nothing is allocated for zstd: the payload is `data` itself or the compressed bytes in the
 * thread's scratch buffer, valid only until the thread's next call.
 */
export function encodeSync(data: Buffer, settings: CompressionSettings, scratch = false): Encoded {
  if (!worthTrying(data, settings)) return { codec: Codec.none, payload: data };
  const payload =
    settings.alg === 'zstd'
      ? zstdCompressReused(data, settings.level, scratch)
      : zlib.gzipSync(data, { level: settings.level });
  return choose(data, settings, payload);
}

/**
 * As encodeSync, but a smaller result is written over the start of `data` and the payload is a
 * view of it: nothing is allocated per chunk (see chunk-ring.ts). `data` is overwritten.
 */
export function encodeInPlace(data: Buffer, settings: CompressionSettings): Encoded {
  const { codec, payload } = encodeSync(data, settings, true);
  if (payload === data) return { codec, payload };
  payload.copy(data, 0);
  return { codec, payload: data.subarray(0, payload.length) };
}

/**
 * Throws when the payload does not decode to exactly rawLength bytes; callers report an
 * IntegrityError. With `scratch`, zstd output is a view of the thread's scratch buffer, valid only
 * until the thread's next call.
 */
export function decodeSync(codec: number, payload: Buffer, rawLength: number, scratch = false): Buffer {
  // One output buffer of exactly the expected size: no concatenation, and it can move between threads.
  const limit = { maxOutputLength: Math.max(rawLength, 1), chunkSize: Math.max(rawLength, 64) };
  let raw: Buffer;
  switch (codec) {
    case Codec.none:
      raw = payload;
      break;
    case Codec.zstd:
      raw = zstdDecompressReused(payload, rawLength, scratch);
      break;
    case Codec.gzip:
      raw = zlib.gunzipSync(payload, limit);
      break;
    default:
      throw new Error(`unknown codec ${codec}`);
  }
  if (raw.length !== rawLength) throw new Error(`decoded ${raw.length} bytes, expected ${rawLength}`);
  return raw;
}
