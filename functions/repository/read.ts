import type { ByteRange, ObjectStore } from '../core/ports/object-store';

/** Reads an object, or a range of it, into memory. Only for bounded things: headers, records, metadata. */
export async function readAll(store: ObjectStore, key: string, range?: ByteRange): Promise<Buffer> {
  if (range) return store.read(key, range);
  const stream = await store.get(key, range);
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
