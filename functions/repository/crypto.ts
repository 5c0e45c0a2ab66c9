import { createHash, createHmac, hash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { IntegrityError, KeyRotatedError, NewerKeyGenerationError, WriteOnlyKeyError } from '../core/errors';
import { RecordCipher, TAG_BYTES } from './record-cipher';

/** Every key, nonce and info string of format v1 is derived under this label. */
export const FORMAT_LABEL = 'lifeboat/v1/';
export const KEY_BYTES = 32;
export { TAG_BYTES };
export const NONCE_BYTES = 12;
const NO_BYTES = Buffer.alloc(0);

export function hkdf(ikm: Buffer, salt: Buffer, info: string | Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}

export function hmacSha256(key: Buffer, ...parts: Buffer[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * A chunk's SHA-256. It is computed once per chunk and serves twice: the chunk id is a MAC of it,
 * and the stream checksum hashes the digests in order. One pass of SHA-256 over the data instead
 * of two (an id over the bytes and a checksum over the whole stream): a fifth of a backup's CPU.
 */
export function chunkDigest(data: Buffer): Buffer {
  // One-shot: a Hash object holds native memory that V8 does not see, and with one object per
  // chunk (a tree of small files) hundreds of MiB of it waited for a collection.
  return hash('sha256', data, 'buffer');
}

const hmacPads = new WeakMap<Buffer, { inner: Buffer; outer: Buffer }>();

/** RFC 2104's inner and outer pads of a key, 64 bytes each (shared: not to be written). */
export function padsOf(idKey: Buffer): { inner: Buffer; outer: Buffer } {
  let pads = hmacPads.get(idKey);
  if (!pads) {
    const key = idKey.length > 64 ? hash('sha256', idKey, 'buffer') : idKey;
    const inner = Buffer.alloc(64, 0x36);
    const outer = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < key.length; i++) {
      inner[i]! ^= key[i]!;
      outer[i]! ^= key[i]!;
    }
    pads = { inner, outer };
    hmacPads.set(idKey, pads);
  }
  return pads;
}

/**
 * The chunk id: HMAC-SHA-256 under K_id of the chunk's SHA-256 (hash, then MAC). RFC 2104 over
 * one-shot hashes, for the same reason as chunkDigest; it equals createHmac's result (tested).
 */
export function chunkIdOfDigest(idKey: Buffer, digest: Buffer): Buffer {
  const pads = padsOf(idKey);
  const innerHash = hash('sha256', Buffer.concat([pads.inner, digest]), 'buffer');
  return hash('sha256', Buffer.concat([pads.outer, innerHash]), 'buffer');
}

/**
 * chunkIdOfDigest(idKey, chunkDigest(data)) for many chunks under one key, with no buffer per
 * hash: each digest comes back as a string of 32 latin1 ('binary') characters, one per byte, and
 * is written into the MAC's next input, kept for the purpose. A buffer from a hash is native memory with a
 * V8 object to track it; three per chunk were a measurable part of a backup of small files.
 */
export class ChunkIdHasher {
  /** The inner pad and room for the chunk's digest; the outer pad and room for the inner hash. */
  private readonly inner = Buffer.alloc(96);
  private readonly outer = Buffer.alloc(96);
  /** Where matches() puts the id it computed, to compare it with the expected one. */
  private readonly id = Buffer.alloc(32);

  constructor(idKey: Buffer) {
    const pads = padsOf(idKey);
    pads.inner.copy(this.inner);
    pads.outer.copy(this.outer);
  }

  /** The chunk's id, as 32 latin1 characters (`Buffer.from(id, 'latin1')` gives its bytes). */
  idOf(data: Buffer): string {
    this.inner.write(hash('sha256', data, 'binary'), 64, 'latin1');
    this.outer.write(hash('sha256', this.inner, 'binary'), 64, 'latin1');
    return hash('sha256', this.outer, 'binary');
  }

  /** Whether `data` hashes to the chunk id `id`. */
  matches(data: Buffer, id: Buffer): boolean {
    this.id.write(this.idOf(data), 0, 'latin1');
    return this.id.equals(id);
  }

  /**
   * A copy of the SHA-256 of the data last given to idOf or matches: a slice of Node's buffer pool,
   * as Buffer.from makes (`owned()` it before posting it to another thread).
   */
  lastDigest(): Buffer {
    return Buffer.from(this.inner.subarray(64));
  }
}

/** The length of a chunk id (HMAC-SHA-256). */
export const CHUNK_ID_BYTES = 32;

/**
 * Whether the chunk ids at `a[at]` and `b[bt]` are equal, compared in JavaScript: Buffer.compare
 * with offsets is a call into C++ that checks its arguments, about four times slower (a restore
 * looks up and checks every chunk it writes).
 */
export function sameChunkId(a: Buffer, at: number, b: Buffer, bt: number): boolean {
  for (let i = 0; i < CHUNK_ID_BYTES; i += 4)
    if (a.readUInt32LE(at + i) !== b.readUInt32LE(bt + i)) return false;
  return true;
}

export function chunkId(idKey: Buffer, data: Buffer): Buffer {
  return chunkIdOfDigest(idKey, chunkDigest(data));
}

/**
 * The checksum of a stream: SHA-256 over the SHA-256 digests of its chunks, in order. It binds
 * every byte and the order, like a SHA-256 of the stream, but costs almost nothing more than the
 * ids. Chunk boundaries depend on the repository key, so it does not let anyone without the key
 * confirm that a known file was backed up; it may be shown and catalogued.
 */
export const STREAM_CHECKSUM_ALGORITHM = 'sha256-chunks';

export class StreamChecksum {
  private readonly hash = createHash('sha256');

  add(chunkSha256: Buffer): void {
    this.hash.update(chunkSha256);
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Sub-keys of the repository's keys; one job each, so a leak of one exposes nothing else. The
 * identity keys (id, gear, cfg) come from the first master key forever: chunk ids and boundaries
 * must not change, or a rotation would end deduplication. Encryption roots come from every key
 * generation (FORMAT.md §3.6): new objects are sealed under the newest, readers try each.
 */
export interface RepositoryKeys {
  readonly repoId: Buffer;
  /** HMAC key for chunk ids: ids do not confirm that a known file is stored. */
  readonly id: Buffer;
  /** Derives the chunker's gear table: boundaries do not confirm a known file either. */
  readonly gear: Buffer;
  /**
   * The root of every new object's key: the newest generation's. Undefined when the key that
   * opened the repository belongs to an older generation: such a key reads, it never writes.
   */
  readonly enc: Buffer | undefined;
  /** The encryption root of every generation this key reaches, newest first. */
  readonly readEnc: readonly Buffer[];
  /** The generation of the key that opened the repository, and the repository's newest. */
  readonly generation: number;
  readonly latestGeneration: number;
  /** Authenticates the plaintext config object. */
  readonly cfg: Buffer;
  /** Seals index objects, which every writer reads to deduplicate (from MK_0; FORMAT.md §3.7). */
  readonly idx: Buffer;
  /**
   * A write-only key (FORMAT.md §3.7): it seals new objects under a data key of its own and reads
   * only index objects; no backup's content or manifest opens with it.
   */
  readonly writeOnly: boolean;
  /** The 16-byte id of a write-only session's data key, which starts the salt of what it seals. */
  readonly dataKeyId?: Buffer;
  /** The data keys of write-only backups this key reads, by id (hex). */
  readonly dataKeys: ReadonlyMap<string, Buffer>;
}

function subKey(masterKey: Buffer, repoId: Buffer, name: string): Buffer {
  return hkdf(masterKey, repoId, FORMAT_LABEL + name, KEY_BYTES);
}

/**
 * The keys of a repository from its master keys, newest generation first (masterKeys[last] is
 * generation 0, the one the repository was created with).
 */
export function deriveRepositoryKeys(
  masterKey: Buffer | readonly Buffer[],
  repoId: Buffer,
  latestGeneration?: number,
): RepositoryKeys {
  const chain = Array.isArray(masterKey) ? (masterKey as readonly Buffer[]) : [masterKey as Buffer];
  const root = chain[chain.length - 1]!;
  const generation = chain.length - 1;
  const readEnc = chain.map((mk) => subKey(mk, repoId, 'enc'));
  const current = (latestGeneration ?? generation) === generation;
  return {
    repoId,
    id: subKey(root, repoId, 'id'),
    gear: subKey(root, repoId, 'gear'),
    enc: current ? readEnc[0] : undefined,
    readEnc,
    generation,
    latestGeneration: latestGeneration ?? generation,
    cfg: subKey(root, repoId, 'cfg'),
    idx: subKey(root, repoId, 'index'),
    writeOnly: false,
    dataKeys: new Map(),
  };
}

/** The keys a writer slot gives (FORMAT.md §3.7): K_id ‖ K_gear ‖ K_cfg ‖ K_idx, 128 bytes. */
export function writerKeyring(keys: RepositoryKeys): Buffer {
  return Buffer.concat([keys.id, keys.gear, keys.cfg, keys.idx]);
}

/**
 * The keys of a write-only writer: the identity keys and K_idx from its slot, and a data key of
 * its own for everything it seals (undefined data key: a slot a rotation left behind).
 */
export function writeOnlyKeys(
  keyring: Buffer,
  repoId: Buffer,
  dataKey: { id: Buffer; key: Buffer } | undefined,
  generation: number,
  latestGeneration: number,
): RepositoryKeys {
  const part = (i: number) => Buffer.from(keyring.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES));
  return {
    repoId,
    id: part(0),
    gear: part(1),
    cfg: part(2),
    idx: part(3),
    enc: dataKey?.key,
    readEnc: [],
    generation,
    latestGeneration,
    writeOnly: true,
    dataKeyId: dataKey?.id,
    dataKeys: new Map(),
  };
}

/** A keys object that also reads the given data keys of write-only backups. */
export function withDataKeys(keys: RepositoryKeys, dataKeys: ReadonlyMap<string, Buffer>): RepositoryKeys {
  return { ...keys, dataKeys };
}

/** A fresh object salt; a write-only session starts it with its data key's id (FORMAT.md §3.7). */
export function objectSalt(keys: RepositoryKeys): Buffer {
  return keys.dataKeyId ? Buffer.concat([keys.dataKeyId, randomBytes(16)]) : randomBytes(32);
}

/** The key new objects are sealed under; refused to a key that a rotation left behind. */
export function writingKey(keys: RepositoryKeys): Buffer {
  if (keys.enc) return keys.enc;
  throw new KeyRotatedError(keys.generation, keys.latestGeneration, keys.writeOnly);
}

/**
 * A per-object key and its commitment. GCM is not key-committing: without the commitment a
 * crafted object could decrypt "successfully" under two keys. Readers compare it before decrypting.
 */
export interface ObjectKey {
  key: Buffer;
  commitment: Buffer;
}

export function deriveObjectKey(encKey: Buffer, salt: Buffer, info: Buffer): ObjectKey {
  const okm = hkdf(encKey, salt, info, 2 * KEY_BYTES);
  return { key: okm.subarray(0, KEY_BYTES), commitment: okm.subarray(KEY_BYTES) };
}

/**
 * The key of a stored object: the generation whose key reproduces the commitment in its header.
 * Undefined when none does (a damaged header, or a key that does not reach that generation).
 */
export function findObjectKey(
  keys: RepositoryKeys,
  salt: Buffer,
  info: Buffer,
  commitment: Buffer,
): ObjectKey | undefined {
  // A write-only backup's objects name their data key in the salt: one try instead of one per key.
  const dataKey = keys.dataKeys.get(salt.subarray(0, 16).toString('hex'));
  for (const enc of dataKey ? [dataKey, ...keys.readEnc, keys.idx] : [...keys.readEnc, keys.idx]) {
    const key = deriveObjectKey(enc, salt, info);
    if (commitmentMatches(key.commitment, commitment)) return key;
  }
  return undefined;
}

/**
 * findObjectKey, or why not: damage, or (for a key a rotation left behind) an object sealed
 * under a newer generation, which is said as such rather than called damage.
 */
export function requireObjectKey(
  keys: RepositoryKeys,
  salt: Buffer,
  info: Buffer,
  commitment: Buffer,
  name: string,
): ObjectKey {
  const key = findObjectKey(keys, salt, info, commitment);
  if (key) return key;
  if (keys.writeOnly) throw new WriteOnlyKeyError(name);
  if (keys.generation < keys.latestGeneration)
    throw new NewerKeyGenerationError(name, keys.generation, keys.latestGeneration);
  throw new IntegrityError(name, 'key commitment does not match (damaged header or wrong key)', 72);
}

export function commitmentMatches(expected: Buffer, actual: Buffer): boolean {
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Implicit nonce: a 64-bit counter (a record offset or a segment index) and 32 bits of flags. */
export function counterNonce(counter: number | bigint, flags: number): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES);
  nonce.writeBigUInt64BE(BigInt(counter), 0);
  nonce.writeUInt32BE(flags, 8);
  return nonce;
}

/** counterNonce written into `nonce` (NONCE_BYTES long), for a counter below 2^53. */
export function writeCounterNonce(nonce: Buffer, counter: number, flags: number): Buffer {
  nonce.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 0);
  nonce.writeUInt32BE(counter % 0x1_0000_0000, 4);
  nonce.writeUInt32BE(flags, 8);
  return nonce;
}

/** AES-256-GCM (record-cipher.ts); returns ciphertext followed by the 16-byte tag. */
export function seal(key: Buffer, nonce: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  const sealed = Buffer.allocUnsafe(RecordCipher.sealedLength(plaintext.length));
  new RecordCipher(key).sealInto(nonce, aad, NO_BYTES, plaintext, sealed, 0);
  return sealed;
}

/** Returns the plaintext, or undefined when the tag does not verify. */
export function open(key: Buffer, nonce: Buffer, aad: Buffer, sealed: Buffer): Buffer | undefined {
  if (sealed.length < TAG_BYTES) return undefined;
  const plaintext = Buffer.allocUnsafe(sealed.length - TAG_BYTES);
  return new RecordCipher(key).openInto(nonce, aad, sealed, plaintext, 0) === undefined
    ? undefined
    : plaintext;
}
