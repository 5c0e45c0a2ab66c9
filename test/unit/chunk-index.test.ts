import { randomBytes } from 'node:crypto';
import { IntegrityError } from '../../functions/core/errors';
import { ChunkIndex, IdSet } from '../../functions/repository/chunk-index';
import { encodeIndex, type IndexEntry } from '../../functions/repository/index-object';
import { PackClass } from '../../functions/repository/pack';
import { indexEntry as entry } from '../helpers/index-entry';

// The repository's index, loaded for restores and incremental backups, is kept as 62-byte records
// in a hash table rather than a Map of objects; it must answer exactly as that Map did.

/** Ids that share their first 31 bytes: the same hash slot, told apart by the last byte only. */
function alike(count: number): Buffer[] {
  const shared = randomBytes(31);
  return Array.from({ length: count }, (_, i) => Buffer.concat([shared, Buffer.of(i)]));
}

test('lookups match a Map of the same entries, copies in the order they were added', () => {
  const ids = [...Array.from({ length: 20_000 }, () => randomBytes(32)), ...alike(200)];
  const entries: IndexEntry[] = [];
  ids.forEach((id, i) => {
    entries.push(entry(i, id));
    // Every seventh chunk has a second copy, and every 49th a third, added later.
    if (i % 7 === 0) entries.push(entry(i + 1_000_000, id));
  });
  ids.forEach((id, i) => {
    if (i % 49 === 0) entries.push(entry(i + 2_000_000, id));
  });
  const reference = new Map<string, IndexEntry[]>();
  const index = new ChunkIndex();
  for (const e of entries) {
    index.add(e);
    const hex = e.id.toString('hex');
    reference.set(hex, [...(reference.get(hex) ?? []), e]);
  }

  expect(index.size).toBe(reference.size);
  for (const [hex, copies] of reference) {
    const id = Buffer.from(hex, 'hex');
    expect(index.has(id)).toBe(true);
    expect(index.get(id)).toEqual(copies);
  }
  const values = [...index.values()];
  expect(values).toHaveLength(reference.size);
  expect(new Map(values.map((copies) => [copies[0]!.id.toString('hex'), copies]))).toEqual(reference);

  for (const absent of [randomBytes(32), Buffer.concat([ids[20_000]!.subarray(0, 31), Buffer.of(255)])]) {
    expect(index.has(absent)).toBe(false);
    expect(index.get(absent)).toBeUndefined();
  }
});

test('an index object is taken as its records, and a damaged one is refused', () => {
  const entries = [
    ...Array.from({ length: 3000 }, (_, i) => entry(i)),
    ...alike(5).map((id, i) => entry(i, id)),
  ];
  const plain = encodeIndex(entries);
  const index = new ChunkIndex();
  index.addIndexObject(plain, 'index/a');
  // A later object holding another copy of the first chunk: listed after the first copy.
  const second = entry(7, entries[0]!.id);
  index.addIndexObject(encodeIndex([second]), 'index/b');
  expect(index.size).toBe(entries.length);
  for (const e of entries.slice(1)) expect(index.get(e.id)).toEqual([e]);
  expect(index.get(entries[0]!.id)).toEqual([entries[0], second]);

  expect(() => new ChunkIndex().addIndexObject(plain.subarray(0, plain.length - 1), 'index/c')).toThrow(
    IntegrityError,
  );
  const badClass = Buffer.from(plain);
  badClass[4 + 61] = 9;
  expect(() => new ChunkIndex().addIndexObject(badClass, 'index/d')).toThrow(/unknown pack class/);
});

test('an index of one pack class holds only the entries of packs of that class', () => {
  const entries = Array.from({ length: 3000 }, (_, i) => entry(i)); // every fifth is metadata
  const meta = new ChunkIndex();
  meta.addIndexObject(encodeIndex(entries), 'index/a', PackClass.meta);
  expect(meta.size).toBe(600);
  for (const e of entries) expect(meta.get(e.id)).toEqual(e.packClass === PackClass.meta ? [e] : undefined);
  const data = new ChunkIndex();
  data.addIndexObject(encodeIndex(entries), 'index/a', PackClass.data);
  expect(data.size).toBe(2400);
});

test('an id set says once that an id is new', () => {
  const set = new IdSet();
  const ids = [...Array.from({ length: 5000 }, () => randomBytes(32)), ...alike(100)];
  for (const id of ids) expect(set.add(id)).toBe(true);
  for (const id of ids) {
    expect(set.add(Buffer.from(id))).toBe(false);
    expect(set.has(id)).toBe(true);
  }
  expect(set.size).toBe(ids.length);
  expect(set.has(Buffer.concat([ids[5000]!.subarray(0, 31), Buffer.of(200)]))).toBe(false);
});
