import { randomBytes } from 'node:crypto';
import {
  decodeIndex,
  encodeIndex,
  IndexEntries,
  INDEX_ENTRY_BYTES,
} from '../../functions/repository/index-object';
import { indexEntry as entry } from '../helpers/index-entry';

// A backup keeps its index entries as encoded records until it writes the index object; the
// object must be the one encodeIndex makes from the same entries (sorted by chunk id).

test('entries over several slabs encode as encodeIndex does, sorted by id', () => {
  // Ids that share their first 31 bytes, so the order is decided by the last one.
  const shared = randomBytes(31);
  const entries = Array.from({ length: 2500 }, (_, i) =>
    entry(i, i % 10 === 0 ? Buffer.concat([shared, Buffer.from([255 - (i % 250)])]) : undefined),
  );
  const kept = new IndexEntries(64);
  for (const e of entries) kept.add(e);
  expect(kept.size).toBe(entries.length);

  const encoded = kept.encode();
  expect(encoded.length).toBe(4 + entries.length * INDEX_ENTRY_BYTES);
  expect(encoded.equals(encodeIndex(entries))).toBe(true);
  const ids = decodeIndex(encoded, 'index/test').map((e) => e.id.toString('hex'));
  expect(ids).toEqual(entries.map((e) => e.id.toString('hex')).sort());
});

test('an empty set and a set of exactly one slab encode too', () => {
  expect(new IndexEntries(8).encode().equals(encodeIndex([]))).toBe(true);
  const entries = Array.from({ length: 8 }, (_, i) => entry(i));
  const kept = new IndexEntries(8);
  entries.forEach((e) => kept.add(e));
  expect(kept.encode().equals(encodeIndex(entries))).toBe(true);
});
