import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { ByteRange, ObjectStore } from '../../functions/core/ports/object-store';
import {
  RESTORE_BATCH_BYTES,
  restoreStream,
  writableSink,
} from '../../functions/core/services/restore-stream';
import { packKey } from '../../functions/repository/pack';
import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { Repository } from '../../functions/repository/repository';
import type { SnapshotManifest } from '../../functions/repository/snapshot';
import { randomData } from '../helpers/data';
import { backupBuffer, KeyFixture } from '../helpers/repository';

// A stream restore fetches its chunks in batches, each in as few ranged reads as its packs allow:
// from a cloud store one GET per few MiB rather than one per chunk. The store here is the real
// local store; only its reads are counted on the way through.
const fixture = new KeyFixture('lifeboat-stream-reads-');
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

/** Reads of records: ranges of data packs longer than a pack's header, footer or trailer. */
const RECORD_READ_BYTES = 64 * 1024;

interface CountedReads {
  store: ObjectStore;
  records: number;
}

/** The fixture's store, counting the record reads that reach it by any of its read methods. */
function countingStore(store: ObjectStore): CountedReads {
  const counted: CountedReads = { store, records: 0 };
  const note = (key: string, range?: ByteRange) => {
    if (key.startsWith('data/') && range && range.length >= RECORD_READ_BYTES) counted.records++;
  };
  counted.store = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'read' || property === 'readInto' || property === 'get') {
        return (key: string, range?: ByteRange, ...rest: unknown[]) => {
          note(key, range);
          return (value as (...args: unknown[]) => unknown).call(target, key, range, ...rest);
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
  return counted;
}

async function restored(repo: Repository, manifest: SnapshotManifest): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      done();
    },
  });
  await restoreStream(repo, manifest, writableSink(sink));
  return Buffer.concat(parts);
}

test('a stream comes back in a few ranged reads, not one per chunk', async () => {
  const original = randomData(24 * 1024 * 1024, 'batched');
  const written = await Repository.init(fixture.store, fixture.first);
  const manifest = await backupBuffer(written, original, 'db', 'full');
  const chunks = manifest.content.kind === 'stream' ? manifest.content.chunk_count : 0;
  expect(chunks).toBeGreaterThanOrEqual(12);

  const counted = countingStore(fixture.store);
  const repo = await Repository.open(counted.store, fixture.first);
  expect((await restored(repo, manifest)).equals(original)).toBe(true);
  // One read per batch, one more where a batch crosses into another pack; one per chunk before.
  const packs = new Set(
    [...(await loadChunkIndex(repo)).values()].map(([copy]) => copy!.packId.toString('hex')),
  );
  const batches = Math.ceil(original.length / RESTORE_BATCH_BYTES);
  expect(counted.records).toBeGreaterThan(0);
  expect(counted.records).toBeLessThanOrEqual(batches + packs.size);
  expect(counted.records).toBeLessThan(chunks);
});

test('a record that fails in a batched read is read from its other copy', async () => {
  const original = randomData(6 * 1024 * 1024, 'copies');
  const repo = await Repository.init(fixture.store, fixture.first);
  // Two independent full backups: every chunk is stored twice, in different packs.
  await backupBuffer(repo, original, 'first', 'full');
  const manifest = await backupBuffer(repo, original, 'second', 'full');
  const index = await loadChunkIndex(repo);
  const [someId, copies] = [...index.entries()][0]!;
  expect(copies.length).toBe(2);

  // Damage the copy a batched read would use first: one flipped byte inside its record.
  const { object, entry } = await new ChunkReader(repo, index).locate(Buffer.from(someId, 'hex'));
  expect(object).toBe(packKey(entry.packClass, entry.packId.toString('hex')));
  const file = path.join(fixture.dir, 'repo', object);
  const pack = readFileSync(file);
  pack[entry.offset + Math.floor(entry.storedLength / 2)]! ^= 0x01;
  writeFileSync(file, pack);

  expect(
    (await restored(await Repository.open(fixture.store, fixture.first), manifest)).equals(original),
  ).toBe(true);
});
