import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  NONCE_BYTES,
  TAG_BYTES,
  counterNonce,
  deriveObjectKey,
  requireObjectKey,
  FORMAT_LABEL,
  open,
  seal,
  objectSalt,
  writeCounterNonce,
  writingKey,
  type ObjectKey,
  type RepositoryKeys,
} from './crypto';
import { IntegrityError } from '../core/errors';
import { RecordCipher } from './record-cipher';
import { grownScratch } from './scratch';
import type { ObjectStore } from '../core/ports/object-store';

/*
 * Pack layout (docs/FORMAT.md §Packs):
 *   header 104 B | record ... record | trailer (encrypted index) | footer 12 B
 * Records are sealed separately so that one chunk can be read with one ranged GET.
 */
export const PACK_MAGIC = Buffer.from('LBPK');
export const PACK_FOOTER_MAGIC = Buffer.from('KPBL');
export const PACK_VERSION = 1;
export const PACK_HEADER_BYTES = 104;
export const PACK_FOOTER_BYTES = 12;
export const PACK_ENTRY_BYTES = 45;
const TRAILER_NONCE_COUNTER = 0xffffffffffffffffn;

export const PackClass = { data: 0, meta: 1 } as const;
export type PackClass = (typeof PackClass)[keyof typeof PackClass];

export interface PackEntry {
  id: Buffer;
  offset: number;
  storedLength: number;
  rawLength: number;
  codec: number;
}

/** Every pack a store holds (data/ and meta/), by object name, with its size. */
export async function storedPacks(store: ObjectStore): Promise<Map<string, number>> {
  const packs = new Map<string, number>();
  for (const prefix of ['data/', 'meta/'])
    for await (const info of store.list(prefix)) packs.set(info.key, info.size);
  return packs;
}

export function packKey(packClass: PackClass, packIdHex: string): string {
  return `${packClass === PackClass.data ? 'data' : 'meta'}/${packIdHex.slice(0, 2)}/${packIdHex}`;
}

export function packInfo(packId: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${FORMAT_LABEL}pack`), packId]);
}

export interface PackHeader {
  packClass: PackClass;
  packId: Buffer;
  key: ObjectKey;
  bytes: Buffer;
}

export function newPackHeader(
  keys: RepositoryKeys,
  packClass: PackClass,
  packId = randomBytes(16),
  salt = objectSalt(keys),
): PackHeader {
  const key = deriveObjectKey(writingKey(keys), salt, packInfo(packId));
  const bytes = Buffer.alloc(PACK_HEADER_BYTES);
  PACK_MAGIC.copy(bytes, 0);
  bytes.writeUInt8(PACK_VERSION, 4);
  bytes.writeUInt8(packClass, 5);
  bytes.writeUInt16BE(0, 6);
  keys.repoId.copy(bytes, 8);
  packId.copy(bytes, 24);
  salt.copy(bytes, 40);
  key.commitment.copy(bytes, 72);
  return { packClass, packId, key, bytes };
}

/** Parses and authenticates a pack header: right magic, repository and key commitment. */
export function readPackHeader(
  keys: RepositoryKeys,
  bytes: Buffer,
  name: string,
  expectedKey?: string,
): PackHeader {
  if (bytes.length < PACK_HEADER_BYTES) throw new IntegrityError(name, 'pack is shorter than its header', 0);
  if (!bytes.subarray(0, 4).equals(PACK_MAGIC))
    throw new IntegrityError(name, 'not a Lifeboat pack (bad magic)', 0);
  if (bytes[4] !== PACK_VERSION) throw new IntegrityError(name, `unsupported pack version ${bytes[4]}`, 4);
  const packClass = bytes[5];
  if (packClass !== PackClass.data && packClass !== PackClass.meta)
    throw new IntegrityError(name, `unknown pack class ${packClass}`, 5);
  if (bytes.readUInt16BE(6) !== 0) throw new IntegrityError(name, 'unknown pack flags', 6);
  if (!bytes.subarray(8, 24).equals(keys.repoId))
    throw new IntegrityError(name, 'pack belongs to another repository', 8);
  const packId = Buffer.from(bytes.subarray(24, 40));
  if (expectedKey !== undefined && packKey(packClass, packId.toString('hex')) !== expectedKey) {
    throw new IntegrityError(name, 'pack id or class in the header does not match the object name', 5);
  }
  const key = requireObjectKey(keys, bytes.subarray(40, 72), packInfo(packId), bytes.subarray(72, 104), name);
  return { packClass, packId, key, bytes: Buffer.from(bytes.subarray(0, PACK_HEADER_BYTES)) };
}

/** Seals one chunk as a record placed at `offset` of the pack. */
export function sealRecord(
  header: PackHeader,
  offset: number,
  chunkId: Buffer,
  codec: number,
  payload: Buffer,
): Buffer {
  const record = Buffer.allocUnsafe(RecordSealer.sealedLength(payload.length, false));
  new RecordSealer(header).sealInto(offset, chunkId, codec, payload, false, record, 0);
  return record;
}

const NO_BYTES = Buffer.alloc(0);

/**
 * What binds a record to its place (FORMAT.md): the nonce is its offset in the pack (64 bits) and
 * 0, the additional data the pack id and the chunk id. Both are buffers of their own, rewritten
 * for each record: new ones were more allocations per record (small buffers live on V8's heap,
 * and Node's crypto moved each to native memory before it read it).
 */
class RecordBinding {
  readonly nonce = Buffer.allocUnsafeSlow(NONCE_BYTES);
  aad = Buffer.alloc(0);

  bind(packId: Buffer, offset: number, chunkId: Buffer): this {
    writeCounterNonce(this.nonce, offset, 0);
    if (this.aad.length !== packId.length + chunkId.length)
      this.aad = Buffer.allocUnsafeSlow(packId.length + chunkId.length);
    packId.copy(this.aad);
    chunkId.copy(this.aad, packId.length);
    return this;
  }
}

/**
 * Seals the records of one pack, into buffers the caller owns (record-cipher.ts: the key is set
 * once per pack). The codec byte, too, is a buffer of the sealer's own, rewritten for each record.
 */
export class RecordSealer {
  private readonly binding = new RecordBinding();
  private readonly codecByte = Buffer.allocUnsafeSlow(1);
  private readonly cipher: RecordCipher;

  constructor(private readonly header: PackHeader) {
    this.cipher = new RecordCipher(header.key.key);
  }

  /** The bytes of the sealed record of `payload` (`framed` as in sealInto). */
  static sealedLength(payload: number, framed: boolean): number {
    return RecordCipher.sealedLength(framed ? payload : 1 + payload);
  }

  /**
   * Seals the record of a chunk placed at `offset` of the pack into `out` from byte `at`; returns
   * its length. `payload` is the encoded chunk, or with `framed`, the codec byte followed by it (as
   * a record holds them, and as a file worker places them).
   */
  sealInto(
    offset: number,
    chunkId: Buffer,
    codec: number,
    payload: Buffer,
    framed: boolean,
    out: Buffer,
    at: number,
  ): number {
    const [head, body] = this.prepare(offset, chunkId, codec, payload, framed);
    return this.cipher.sealInto(this.binding.nonce, this.binding.aad, head, body, out, at);
  }

  /**
   * Begins the record that sealInto would seal, to be sealed in parts (one bigger than a caller's
   * buffer); returns its plaintext, for update() in order, and end() after it.
   */
  begin(offset: number, chunkId: Buffer, codec: number, payload: Buffer, framed: boolean): Buffer[] {
    const parts = this.prepare(offset, chunkId, codec, payload, framed);
    this.cipher.begin(this.binding.nonce, this.binding.aad);
    return parts;
  }

  /** The ciphertext of the begun record's next plaintext bytes, into `out` at `at`. */
  update(plaintext: Buffer, out: Buffer, at: number): number {
    return this.cipher.update(plaintext, out, at);
  }

  /** Ends the begun record: its 16-byte tag, into `tag`. */
  end(tag: Buffer): void {
    this.cipher.end(tag);
  }

  /** Sets the record's nonce and additional data; its plaintext, as the codec byte and the payload. */
  private prepare(
    offset: number,
    chunkId: Buffer,
    codec: number,
    payload: Buffer,
    framed: boolean,
  ): [Buffer, Buffer] {
    if (framed && payload[0] !== codec) throw new Error('a framed payload starts with another codec');
    this.binding.bind(this.header.packId, offset, chunkId);
    this.codecByte[0] = codec;
    return [framed ? NO_BYTES : this.codecByte, payload];
  }
}

/**
 * Opens records for one thread, keeping the cipher of the last pack key (a restore reads a pack's
 * records one after another). Through record-cipher.ts, a record is opened straight into the
 * caller's buffer or this thread's scratch; Node's crypto made a decipher and its output buffers
 * per record, about a million small allocations in a restore of the Linux source tree (heaptrack).
 */
class RecordOpener {
  private readonly binding = new RecordBinding();
  private cipher: RecordCipher | undefined;
  private scratch = Buffer.alloc(0);

  open(header: PackHeader, entry: PackEntry, record: Buffer, scratch: boolean): OpenedRecord | undefined {
    const length = record.length - TAG_BYTES;
    if (length < 1) return undefined;
    const { nonce, aad } = this.binding.bind(header.packId, entry.offset, entry.id);
    if (!this.cipher?.key.equals(header.key.key)) this.cipher = new RecordCipher(header.key.key);
    let out: Buffer;
    if (!scratch) out = Buffer.allocUnsafe(length);
    else out = this.scratch = grownScratch(this.scratch, length);
    if (this.cipher.openInto(nonce, aad, record, out, 0) === undefined) return undefined;
    return { codec: out[0]!, payload: out.subarray(1, length) };
  }
}

export interface OpenedRecord {
  codec: number;
  payload: Buffer;
}

let opener: RecordOpener | undefined;

/**
 * Opens a record; undefined when it fails authentication. With `scratch`, the payload is a view of
 * this thread's scratch buffer, valid only until its next call: for a caller that decodes it (or
 * writes it out) and drops it.
 */
export function openRecord(
  header: PackHeader,
  entry: PackEntry,
  record: Buffer,
  scratch = false,
): OpenedRecord | undefined {
  opener ??= new RecordOpener();
  return opener.open(header, entry, record, scratch);
}

export function encodeEntries(entries: PackEntry[]): Buffer {
  const out = Buffer.alloc(4 + entries.length * PACK_ENTRY_BYTES);
  out.writeUInt32BE(entries.length, 0);
  let at = 4;
  for (const e of entries) {
    e.id.copy(out, at);
    out.writeUInt32BE(e.offset, at + 32);
    out.writeUInt32BE(e.storedLength, at + 36);
    out.writeUInt32BE(e.rawLength, at + 40);
    out.writeUInt8(e.codec, at + 44);
    at += PACK_ENTRY_BYTES;
  }
  return out;
}

/** The encrypted trailer index and the footer that locates it, bound to the header. */
export function sealTrailer(header: PackHeader, entries: PackEntry[]): Buffer {
  const trailer = seal(
    header.key.key,
    counterNonce(TRAILER_NONCE_COUNTER, 1),
    header.bytes,
    encodeEntries(entries),
  );
  const footer = Buffer.alloc(PACK_FOOTER_BYTES);
  footer.writeUInt32LE(trailer.length, 0);
  footer.writeUInt32LE(crc32(trailer), 4);
  PACK_FOOTER_MAGIC.copy(footer, 8);
  return Buffer.concat([trailer, footer]);
}

/** Length of the trailer named by a footer (the last 12 bytes of a pack). */
export function trailerLength(footer: Buffer, name: string, packSize: number): number {
  if (footer.length !== PACK_FOOTER_BYTES || !footer.subarray(8).equals(PACK_FOOTER_MAGIC)) {
    throw new IntegrityError(
      name,
      'pack footer is missing or damaged (truncated pack?)',
      packSize - PACK_FOOTER_BYTES,
    );
  }
  const length = footer.readUInt32LE(0);
  if (length + PACK_HEADER_BYTES + PACK_FOOTER_BYTES > packSize) {
    throw new IntegrityError(
      name,
      'pack footer names a trailer longer than the pack',
      packSize - PACK_FOOTER_BYTES,
    );
  }
  return length;
}

/**
 * The trailer's plaintext (a count, then PACK_ENTRY_BYTES per record; PackEntryTable reads it),
 * once its checksum and authentication hold.
 */
export function openTrailer(
  header: PackHeader,
  trailer: Buffer,
  footer: Buffer,
  name: string,
  trailerOffset: number,
): Buffer {
  if (crc32(trailer) !== footer.readUInt32LE(4))
    throw new IntegrityError(name, 'pack trailer checksum mismatch', trailerOffset);
  const plain = open(header.key.key, counterNonce(TRAILER_NONCE_COUNTER, 1), header.bytes, trailer);
  if (!plain) throw new IntegrityError(name, 'pack trailer does not authenticate', trailerOffset);
  return plain;
}
