import { createHash } from 'node:crypto';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { IntegrityError } from '../core/errors';
import { zstdOptions } from './codec';
import { RecordCipher } from './record-cipher';
import {
  commitmentMatches,
  counterNonce,
  deriveObjectKey,
  requireObjectKey,
  FORMAT_LABEL,
  open,
  objectSalt,
  writingKey,
  TAG_BYTES,
  type RepositoryKeys,
} from './crypto';

/*
 * Stream object layout (docs/FORMAT.md §Stream objects):
 *   header 112 B | segment 0 | ... | segment n-1
 * Each segment seals segSize bytes of plaintext (the last one fewer) with nonce
 * BE64(i) ‖ BE32(final ? 1 : 0) and the SHA-256 of the header as associated data, so segments
 * cannot be reordered, dropped from the end, or moved to another object.
 */
export const STREAM_MAGIC = Buffer.from('LBST');
export const STREAM_VERSION = 1;
export const STREAM_HEADER_BYTES = 112;
export const DEFAULT_SEGMENT_BYTES = 1024 * 1024;
const FLAG_ZSTD = 1;
/** Metadata objects are kept small by design; anything larger is damage or an attack. */
const MAX_OBJECT_BYTES = 1024 * 1024 * 1024;

export const StreamType = { config: 0, index: 1, snapshot: 2, dump: 3 } as const;
export type StreamType = (typeof StreamType)[keyof typeof StreamType];

function streamInfo(type: StreamType, objectId: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${FORMAT_LABEL}stream`), Buffer.of(type), objectId]);
}

export interface SealOptions {
  compress?: boolean;
  segmentBytes?: number;
  /** Only for test vectors: fixed randomness. */
  salt?: Buffer;
}

export function sealStreamObject(
  keys: RepositoryKeys,
  type: StreamType,
  objectId: Buffer,
  plaintext: Buffer,
  options: SealOptions = {},
): Buffer {
  const compress = options.compress ?? true;
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  const salt = options.salt ?? objectSalt(keys);
  // One frame in one buffer of its own (zstdOptions): zlib's pieces joined would be a second copy
  // of an index object, which counts at the peak of a backup (writer.ts).
  const body = compress
    ? zstdCompressSync(plaintext, zstdOptions(plaintext.length, STREAM_ZSTD_LEVEL))
    : plaintext;
  // Index objects are sealed under K_idx, which write-only writers hold to deduplicate (§3.7).
  const root = writingKey(keys);
  const key = deriveObjectKey(type === StreamType.index ? keys.idx : root, salt, streamInfo(type, objectId));
  const header = Buffer.alloc(STREAM_HEADER_BYTES);
  STREAM_MAGIC.copy(header, 0);
  header.writeUInt8(STREAM_VERSION, 4);
  header.writeUInt8(type, 5);
  header.writeUInt16BE(compress ? FLAG_ZSTD : 0, 6);
  keys.repoId.copy(header, 8);
  objectId.copy(header, 24);
  salt.copy(header, 40);
  key.commitment.copy(header, 72);
  header.writeUInt32BE(segmentBytes, 104);
  const aad = createHash('sha256').update(header).digest();
  // An empty body still gets one (empty, final) segment, so every object ends with a final one.
  const count = Math.max(1, Math.ceil(body.length / segmentBytes));
  // Sealed into the object itself, segment after segment: an index object of the Linux tree's
  // backup is about 1 MB, and each copy of it counts at the peak of the backup (writer.ts).
  const sealed = Buffer.allocUnsafeSlow(STREAM_HEADER_BYTES + body.length + count * TAG_BYTES);
  header.copy(sealed, 0);
  const cipher = new RecordCipher(key.key);
  let at = STREAM_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const segment = body.subarray(i * segmentBytes, (i + 1) * segmentBytes);
    at += cipher.sealInto(counterNonce(i, i === count - 1 ? 1 : 0), aad, NO_BYTES, segment, sealed, at);
  }
  return sealed;
}

const NO_BYTES = Buffer.alloc(0);

/** zstd's own default level, which stream objects have always been compressed at. */
const STREAM_ZSTD_LEVEL = 3;

/** Whether a stored stream object's header commits to a key derived from `root` (no decryption). */
export function streamObjectSealedUnder(
  data: Buffer,
  type: StreamType,
  objectId: Buffer,
  root: Buffer,
): boolean {
  if (data.length < STREAM_HEADER_BYTES) return false;
  const key = deriveObjectKey(root, data.subarray(40, 72), streamInfo(type, objectId));
  return commitmentMatches(key.commitment, data.subarray(72, 104));
}

/** Authenticates and decrypts a whole stream object; any change, cut or extension is an IntegrityError. */
export function openStreamObject(
  keys: RepositoryKeys,
  type: StreamType,
  objectId: Buffer,
  data: Buffer,
  name: string,
): Buffer {
  if (data.length < STREAM_HEADER_BYTES + TAG_BYTES)
    throw new IntegrityError(name, 'object is truncated', data.length);
  const header = data.subarray(0, STREAM_HEADER_BYTES);
  if (!header.subarray(0, 4).equals(STREAM_MAGIC))
    throw new IntegrityError(name, 'not a Lifeboat object (bad magic)', 0);
  if (header[4] !== STREAM_VERSION)
    throw new IntegrityError(name, `unsupported object version ${header[4]}`, 4);
  if (header[5] !== type) throw new IntegrityError(name, `object has type ${header[5]}, expected ${type}`, 5);
  if (!header.subarray(8, 24).equals(keys.repoId))
    throw new IntegrityError(name, 'object belongs to another repository', 8);
  if (!header.subarray(24, 40).equals(objectId))
    throw new IntegrityError(name, 'object id in header does not match its name', 24);
  const key = requireObjectKey(
    keys,
    header.subarray(40, 72),
    streamInfo(type, objectId),
    header.subarray(72, 104),
    name,
  );
  const flags = header.readUInt16BE(6);
  if ((flags & ~FLAG_ZSTD) !== 0) throw new IntegrityError(name, `unknown flags ${flags}`, 6);
  if (header.readUInt32BE(108) !== 0)
    throw new IntegrityError(name, 'reserved header bytes are not zero', 108);
  const segmentBytes = header.readUInt32BE(104);
  if (segmentBytes === 0) throw new IntegrityError(name, 'segment size is zero', 104);
  const aad = createHash('sha256').update(header).digest();
  const sealedSegment = segmentBytes + TAG_BYTES;
  const plainParts: Buffer[] = [];
  let at = STREAM_HEADER_BYTES;
  for (let i = 0; at < data.length; i++) {
    const end = Math.min(at + sealedSegment, data.length);
    const final = end === data.length;
    const plain = open(key.key, counterNonce(i, final ? 1 : 0), aad, data.subarray(at, end));
    if (!plain) {
      throw new IntegrityError(
        name,
        final
          ? 'last segment does not authenticate (damaged, truncated or extended)'
          : `segment ${i} does not authenticate`,
        at,
      );
    }
    // Writers never end with an empty segment after full ones; a reader accepts only what they write.
    if (final && plain.length === 0 && i > 0) throw new IntegrityError(name, 'empty final segment', at);
    plainParts.push(plain);
    at = end;
  }
  const body = Buffer.concat(plainParts);
  if ((flags & FLAG_ZSTD) === 0) return body;
  try {
    return zstdDecompressSync(body, { maxOutputLength: MAX_OBJECT_BYTES });
  } catch {
    throw new IntegrityError(name, 'authenticated content does not decompress', STREAM_HEADER_BYTES);
  }
}
