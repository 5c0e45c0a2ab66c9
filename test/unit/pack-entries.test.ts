import { randomBytes } from 'node:crypto';
import { encodeEntries, PACK_HEADER_BYTES, type PackEntry } from '../../functions/repository/pack';
import { PackEntryTable } from '../../functions/repository/pack-entries';

// A pack's trailer is kept as its plaintext and found by offset (a reader keeps every pack it
// opened); it must say what the entry objects said, and refuse what openPack refused.
function entry(offset: number, storedLength: number, codec = 1): PackEntry {
  return { id: randomBytes(32), offset, storedLength, rawLength: storedLength * 3, codec };
}

function tiled(count: number): PackEntry[] {
  const entries: PackEntry[] = [];
  let at = PACK_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    entries.push(entry(at, 17 + ((i * 131) % 5000)));
    at += entries[i]!.storedLength;
  }
  return entries;
}

const end = (entries: PackEntry[]) => entries.reduce((sum, e) => sum + e.storedLength, PACK_HEADER_BYTES);

test('entries are found by offset whatever order the trailer lists them in', () => {
  const entries = tiled(300);
  const shuffled = [...entries].sort((a, b) => a.id.compare(b.id));
  const table = new PackEntryTable(encodeEntries(shuffled), 'pack', end(entries));
  expect(table.size).toBe(300);
  expect([...table.values()]).toEqual(entries);
  for (const e of entries) {
    expect(table.get(e.offset)).toEqual(e);
    expect(table.agrees(e)).toBe(true);
  }
  expect(table.get(PACK_HEADER_BYTES + 1)).toBeUndefined();
  const e = entries[42]!;
  expect(table.agrees({ ...e, offset: e.offset + 1 })).toBe(false);
  expect(table.agrees({ ...e, storedLength: e.storedLength + 1 })).toBe(false);
  expect(table.agrees({ ...e, rawLength: e.rawLength + 1 })).toBe(false);
  expect(table.agrees({ ...e, codec: 0 })).toBe(false);
  expect(table.agrees({ ...e, id: Buffer.concat([e.id.subarray(0, 31), Buffer.of(e.id[31]! ^ 1)]) })).toBe(
    false,
  );
});

test('a trailer whose records leave a gap, overlap, point outside or miss the end is refused', () => {
  const entries = tiled(10);
  const limit = end(entries);
  const make =
    (list: PackEntry[], trailerOffset = limit) =>
    () =>
      new PackEntryTable(encodeEntries(list), 'data/ab/pack', trailerOffset);
  expect(make(entries)).not.toThrow();
  expect(make(entries.filter((_, i) => i !== 4))).toThrow(/gap or overlap/);
  expect(make([...entries, { ...entries[3]! }])).toThrow(/gap or overlap/);
  expect(make(entries, limit - 1)).toThrow(/outside the records/);
  expect(make(entries.slice(0, 9))).toThrow(/do not reach the trailer/);
  expect(make([entry(PACK_HEADER_BYTES - 1, 10)], PACK_HEADER_BYTES + 9)).toThrow(/outside the records/);
  expect(() => new PackEntryTable(Buffer.alloc(3), 'p', limit)).toThrow(/truncated/);
  expect(() => new PackEntryTable(encodeEntries(entries).subarray(0, 50), 'p', limit)).toThrow(
    /wrong length/,
  );
});
