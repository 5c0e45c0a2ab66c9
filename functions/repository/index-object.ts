import { IntegrityError } from '../core/errors';
import { PackClass } from './pack';

/*
 * An index object maps chunk ids to their place in packs; it is a cache of the pack trailers, so
 * `lifeboat check` can rebuild and cross-check it. Plaintext (inside a stream object):
 *   count u32 | count × entry (62 B), sorted by chunk id
 *   entry = chunkId 32 | packId 16 | offset u32 | storedLength u32 | rawLength u32 | codec u8 | class u8
 */
export const INDEX_ENTRY_BYTES = 62;

export interface IndexEntry {
  id: Buffer;
  packId: Buffer;
  packClass: PackClass;
  offset: number;
  storedLength: number;
  rawLength: number;
  codec: number;
}

export function encodeIndex(entries: IndexEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => Buffer.compare(a.id, b.id));
  const out = Buffer.alloc(4 + sorted.length * INDEX_ENTRY_BYTES);
  out.writeUInt32BE(sorted.length, 0);
  let at = 4;
  for (const e of sorted) {
    e.id.copy(out, at);
    e.packId.copy(out, at + 32);
    out.writeUInt32BE(e.offset, at + 48);
    out.writeUInt32BE(e.storedLength, at + 52);
    out.writeUInt32BE(e.rawLength, at + 56);
    out.writeUInt8(e.codec, at + 60);
    out.writeUInt8(e.packClass, at + 61);
    at += INDEX_ENTRY_BYTES;
  }
  return out;
}

export function decodeIndex(plain: Buffer, name: string): IndexEntry[] {
  if (plain.length < 4) throw new IntegrityError(name, 'index is truncated');
  const count = plain.readUInt32BE(0);
  if (plain.length !== 4 + count * INDEX_ENTRY_BYTES)
    throw new IntegrityError(name, 'index has the wrong length');
  const entries: IndexEntry[] = [];
  for (let i = 0, at = 4; i < count; i++, at += INDEX_ENTRY_BYTES) {
    const packClass = plain.readUInt8(at + 61);
    if (packClass !== PackClass.data && packClass !== PackClass.meta)
      throw new IntegrityError(name, `entry ${i} has an unknown pack class`, at + 61);
    entries.push({
      id: Buffer.from(plain.subarray(at, at + 32)),
      packId: Buffer.from(plain.subarray(at + 32, at + 48)),
      offset: plain.readUInt32BE(at + 48),
      storedLength: plain.readUInt32BE(at + 52),
      rawLength: plain.readUInt32BE(at + 56),
      codec: plain.readUInt8(at + 60),
      packClass,
    });
  }
  return entries;
}
