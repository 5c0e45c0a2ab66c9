import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

/** How a chunk's payload is encoded before encryption. The byte is stored in every record. */
export const Codec = { none: 0, zstd: 1, gzip: 2 } as const;
export type Codec = (typeof Codec)[keyof typeof Codec];
export type CompressionName = keyof typeof Codec;

export interface CompressionSettings {
  alg: CompressionName;
  level: number;
}

export const DEFAULT_COMPRESSION: CompressionSettings = { alg: 'zstd', level: 3 };

const zstdCompress = promisify(zlib.zstdCompress);
const zstdDecompress = promisify(zlib.zstdDecompress);
const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

export function codecName(codec: number): CompressionName | undefined {
  return (Object.keys(Codec) as CompressionName[]).find((name) => Codec[name] === codec);
}

/**
 * Compresses on the libuv thread pool, so several chunks compress in parallel with chunking and
 * encryption on the main thread. Keeps the raw bytes when compression does not pay (random data):
 * reading them back then costs nothing.
 */
export async function encode(
  data: Buffer,
  settings: CompressionSettings,
): Promise<{ codec: Codec; payload: Buffer }> {
  if (settings.alg === 'none' || data.length < 64) return { codec: Codec.none, payload: data };
  // One output buffer big enough for the whole result: with the default 16 KiB, every piece of
  // output costs a round trip to the main thread.
  const chunkSize = outputBufferSize(data.length);
  const payload =
    settings.alg === 'zstd'
      ? await zstdCompress(data, {
          chunkSize,
          // Knowing the size lets zstd pick tables sized for one chunk: about a third faster here.
          pledgedSrcSize: data.length,
          params: { [zlib.constants.ZSTD_c_compressionLevel]: settings.level },
        })
      : await gzip(data, { chunkSize, level: settings.level });
  if (payload.length >= data.length) return { codec: Codec.none, payload: data };
  return { codec: Codec[settings.alg], payload };
}

function outputBufferSize(length: number): number {
  return Math.max(64 * 1024, length + (length >> 7) + 1024);
}

/** Throws when the payload does not decode; callers turn that into an IntegrityError. */
export async function decode(codec: number, payload: Buffer, rawLength: number): Promise<Buffer> {
  let raw: Buffer;
  switch (codec) {
    case Codec.none:
      raw = payload;
      break;
    case Codec.zstd:
      raw = await zstdDecompress(payload, {
        chunkSize: outputBufferSize(rawLength),
        maxOutputLength: Math.max(rawLength, 1),
      });
      break;
    case Codec.gzip:
      raw = await gunzip(payload, {
        chunkSize: outputBufferSize(rawLength),
        maxOutputLength: Math.max(rawLength, 1),
      });
      break;
    default:
      throw new Error(`unknown codec ${codec}`);
  }
  if (raw.length !== rawLength) throw new Error(`decoded ${raw.length} bytes, expected ${rawLength}`);
  return raw;
}
