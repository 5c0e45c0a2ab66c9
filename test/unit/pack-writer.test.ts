/**
 * A pack goes to the store in the buffers its records were sealed into, all of one size (64 KiB).
 * Its body was a byte stream, whose reader gets everything buffered joined into one new buffer: a
 * record-sized allocation and copy per record on the way to S3 or Azure (the bench's 1 GiB stream
 * made 875 of them, 1 GiB in all, seen with a probe on malloc).
 */
import { randomBytes } from 'node:crypto';
import {
  piecesConsumed,
  type ObjectBody,
  type ObjectStore,
  type PutOptions,
} from '../../functions/core/ports/object-store';
import { PackClass, openRecord } from '../../functions/repository/pack';
import { openPack } from '../../functions/repository/pack-reader';
import { PackWriter } from '../../functions/repository/pack-writer';
import { Repository } from '../../functions/repository/repository';
import { readAll } from '../../functions/repository/read';
import { KeyFixture } from '../helpers/repository';

const fixture = new KeyFixture('lifeboat-pack-writer-');
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

/**
 * The local store, recording the length of every piece of a body it is given; it begins reading
 * only once `reading` settles.
 */
function countingStore(pieces: number[], reading: Promise<void> = Promise.resolve()): ObjectStore {
  return Object.assign(Object.create(fixture.store) as ObjectStore, {
    put: async (key: string, body: ObjectBody, options?: PutOptions) => {
      await reading;
      const seen: Buffer[] = [];
      for await (const piece of body as AsyncIterable<Buffer>) {
        pieces.push(piece.length);
        seen.push(piece);
      }
      return fixture.store.put(key, Buffer.concat(seen), options);
    },
  });
}

/** A pack's records in the order they were written, each opened from the pack as stored. */
async function openedRecords(repo: Repository, key: string) {
  const whole = await readAll(fixture.store, key);
  const opened = await openPack(fixture.store, repo.keys, key);
  return [...opened.entries.values()]
    .sort((a, b) => a.offset - b.offset)
    .map((entry) => ({
      entry,
      open: openRecord(opened.header, entry, whole.subarray(entry.offset, entry.offset + entry.storedLength)),
    }));
}

const RECORD = 300 * 1024;

test('a store that reads late still gets pieces of at most 64 KiB, records spanning them, and the pack opens', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  let startReading!: () => void;
  const late = new Promise<void>((resolve) => (startReading = resolve));
  const pieces: number[] = [];
  // A store slow to begin reading (a request in flight): the writer's records pile up meanwhile.
  const pack = new PackWriter(countingStore(pieces, late), repo.keys, PackClass.data);
  const payloads = [1, 2, 3, 4].map(() => randomBytes(RECORD));
  // Each add seals and stages at once; only its wait for room is left pending.
  const added = payloads.map((payload, i) => pack.add(Buffer.alloc(32, i + 1), 0, payload, RECORD));
  await new Promise((resolve) => setImmediate(resolve));
  startReading();
  await Promise.all(added);
  const finished = await pack.finish();

  expect(pieces.length).toBeGreaterThan((4 * RECORD) / (64 * 1024));
  expect(Math.max(...pieces)).toBeLessThanOrEqual(64 * 1024);
  expect(pieces.reduce((a, b) => a + b, 0)).toBe(finished.size);
  const opened = await openPack(fixture.store, repo.keys, finished.key);
  expect(opened.entries.size).toBe(payloads.length);
  const entries = [...opened.entries.values()].sort((a, b) => a.offset - b.offset);
  for (const [i, payload] of payloads.entries()) {
    const entry = entries[i]!;
    expect(entry.id.equals(Buffer.alloc(32, i + 1))).toBe(true);
    const record = await readAll(fixture.store, finished.key, {
      offset: entry.offset,
      length: entry.storedLength,
    });
    expect(openRecord(opened.header, entry, record)?.payload.equals(payload)).toBe(true);
  }
});

test('a record is staged in buffers of 64 KiB (one size, which malloc reuses), and reads back whole', async () => {
  // A whole record per allocation (about 1 MiB, a different size each time) left glibc's arenas
  // in pieces it kept: a 4 GiB cloud backup's peak RSS grew with the stream (BENCHMARKS.md).
  const repo = await Repository.init(fixture.store, fixture.first);
  const pieces: number[] = [];
  const pack = new PackWriter(countingStore(pieces), repo.keys, PackClass.data);
  const payload = randomBytes(1024 * 1024 + 5);
  await pack.add(Buffer.alloc(32, 7), 0, payload, payload.length);
  const finished = await pack.finish();

  expect(Math.max(...pieces)).toBeLessThanOrEqual(64 * 1024);
  expect(pieces.filter((n) => n === 64 * 1024)).toHaveLength(16);
  const opened = await openPack(fixture.store, repo.keys, finished.key);
  const [entry] = [...opened.entries.values()];
  const record = await readAll(fixture.store, finished.key, {
    offset: entry!.offset,
    length: entry!.storedLength,
  });
  expect(openRecord(opened.header, entry!, record)?.payload.equals(payload)).toBe(true);
});

test('small records share a staging buffer, a big one spans from the middle of one, and all open', async () => {
  // One piece per record (three, with Node's crypto) was most of a source tree's pieces.
  const repo = await Repository.init(fixture.store, fixture.first);
  const pieces: number[] = [];
  const pack = new PackWriter(countingStore(pieces), repo.keys, PackClass.data);
  const sizes = [...Array.from({ length: 500 }, (_, i) => i % 200), 70_000, 65_519, 65_520, 3, 200_000, 0, 5];
  const payloads = sizes.map((size) => randomBytes(size));
  for (const [i, payload] of payloads.entries()) {
    const id = Buffer.alloc(32);
    id.writeUInt32BE(i);
    await pack.add(
      id,
      i % 2,
      i % 3 === 0 ? Buffer.concat([Buffer.of(i % 2), payload]) : payload,
      payload.length,
      i % 3 === 0,
    );
  }
  const finished = await pack.finish();

  const sealed = payloads.reduce((sum, p) => sum + 1 + p.length + 16, 0);
  // The header, the staging buffers (all full but the last) and the trailer.
  expect(pieces.length).toBeLessThanOrEqual(2 + Math.ceil(sealed / (64 * 1024)) + 1);
  expect(Math.max(...pieces)).toBeLessThanOrEqual(64 * 1024);
  const records = await openedRecords(repo, finished.key);
  expect(records).toHaveLength(payloads.length);
  for (const [i, payload] of payloads.entries()) {
    const { entry, open } = records[i]!;
    expect(entry.id.readUInt32BE(0)).toBe(i);
    expect(open?.codec).toBe(i % 2);
    expect(open?.payload.equals(payload)).toBe(true);
  }
});

test('staging buffers the store has consumed take the next records, and every record opens', async () => {
  // The store copies each piece when it reads it (as a cloud store's part buffers do), starting
  // late, and says so; a buffer taken again before that would change records already queued.
  const repo = await Repository.init(fixture.store, fixture.first);
  let startReading!: () => void;
  const late = new Promise<void>((resolve) => (startReading = resolve));
  const memory = new Set<ArrayBufferLike>();
  let stagedPieces = 0;
  const copying = Object.assign(Object.create(fixture.store) as ObjectStore, {
    put: async (key: string, body: ObjectBody, options?: PutOptions) => {
      await late;
      const copies: Buffer[] = [];
      for await (const piece of body as AsyncIterable<Buffer>) {
        copies.push(Buffer.from(piece));
        if (piece.buffer.byteLength === 64 * 1024) {
          memory.add(piece.buffer);
          stagedPieces++;
        }
        piecesConsumed(body, [piece]);
      }
      return fixture.store.put(key, Buffer.concat(copies), options);
    },
  });
  const pack = new PackWriter(copying, repo.keys, PackClass.data);
  const payloads = Array.from({ length: 40 }, (_, i) => randomBytes(100 * 1024 + i));
  const adding = (async () => {
    for (const [i, payload] of payloads.entries())
      await pack.add(Buffer.alloc(32, i + 1), 0, payload, payload.length);
  })();
  await new Promise((resolve) => setImmediate(resolve));
  startReading();
  await adding;
  const finished = await pack.finish();

  expect(stagedPieces).toBeGreaterThan(60);
  expect(memory.size).toBeLessThan(stagedPieces / 2);
  const records = await openedRecords(repo, finished.key);
  expect(records.map(({ open }) => open?.payload)).toEqual(payloads);
});

test('a record added while the body has room is sealed with no promise; the one that fills it returns the wait', async () => {
  // A promise per record (and the async frames of its callers) was most of what a tree backup's
  // main thread allocated per chunk.
  const repo = await Repository.init(fixture.store, fixture.first);
  let startReading!: () => void;
  const late = new Promise<void>((resolve) => (startReading = resolve));
  const pack = new PackWriter(countingStore([], late), repo.keys, PackClass.data);
  const results: (void | Promise<void>)[] = [];
  // 1 MiB of room: records of 100 KiB fill it on the eleventh.
  for (let i = 0; i < 11; i++)
    results.push(pack.add(Buffer.alloc(32, i + 1), 0, randomBytes(100 * 1024), 100 * 1024));
  expect(results.slice(0, 10).every((r) => r === undefined)).toBe(true);
  expect(results[10]).toBeInstanceOf(Promise);
  let waited = false;
  void (results[10] as Promise<void>).then(() => (waited = true));
  await new Promise((resolve) => setImmediate(resolve));
  expect(waited).toBe(false);
  startReading();
  await results[10];
  const finished = await pack.finish();
  const opened = await openPack(fixture.store, repo.keys, finished.key);
  expect(opened.entries.size).toBe(11);
});
