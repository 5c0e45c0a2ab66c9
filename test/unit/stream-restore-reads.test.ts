import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { ContainerClient } from '@azure/storage-blob';
import { AzureBlobObjectStore } from '../../functions/adapters/azure/blob/object-store';
import { S3ObjectStore } from '../../functions/adapters/aws/s3/object-store';
import type { ByteRange, ObjectStore } from '../../functions/core/ports/object-store';
import {
  restoreStream,
  restoreWorkerCount,
  writableSink,
} from '../../functions/core/services/restore-stream';
import * as chunkWorkers from '../../functions/repository/chunk-workers';
import { chunkDigest } from '../../functions/repository/crypto';
import { PackClass, packKey } from '../../functions/repository/pack';
import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { Repository } from '../../functions/repository/repository';
import type { SnapshotManifest } from '../../functions/repository/snapshot';
import { randomData } from '../helpers/data';
import { backupBuffer, KeyFixture } from '../helpers/repository';

// A stream restore fetches its chunks in batches, each in as few ranged reads as its packs allow,
// and falls back to reading a chunk on its own. The store here is the real local store; only its
// reads are counted on the way through.
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

test('a batch of chunks comes in one ranged read per pack, not one per chunk', async () => {
  const original = randomData(24 * 1024 * 1024, 'batched');
  const written = await Repository.init(fixture.store, fixture.first);
  const manifest = await backupBuffer(written, original, 'db', 'full');
  const chunks = manifest.content.kind === 'stream' ? manifest.content.chunk_count : 0;
  expect(chunks).toBeGreaterThanOrEqual(12);

  const counted = countingStore(fixture.store);
  const repo = await Repository.open(counted.store, fixture.first);
  const index = await loadChunkIndex(repo);
  const data = [...index.values()].map(([copy]) => copy!).filter((e) => e.packClass === PackClass.data);
  expect(data).toHaveLength(chunks);
  const read = await Promise.all(new ChunkReader(repo, index).readBatch(data.map((e) => e.id)));
  read.forEach((chunk, i) => {
    expect(chunk.data).toHaveLength(data[i]!.rawLength);
    expect(chunk.digest).toEqual(chunkDigest(chunk.data));
  });
  expect(Buffer.concat(read.map((c) => c.data)).length).toBe(original.length);
  // A backup's chunks are consecutive records: one read covers all of a pack's.
  expect(counted.records).toBe(new Set(data.map((e) => e.packId.toString('hex'))).size);
  expect(counted.records).toBeLessThan(chunks);
});

test('a stream restore through batches gives the stream back', async () => {
  const original = randomData(9 * 1024 * 1024 + 17, 'restore');
  const repo = await Repository.init(fixture.store, fixture.first);
  const manifest = await backupBuffer(repo, original, 'db', 'full');
  expect((await restored(repo, manifest)).equals(original)).toBe(true);
});

test('a record that fails in a batched read is read from its other copy', async () => {
  const original = randomData(6 * 1024 * 1024, 'copies');
  const repo = await Repository.init(fixture.store, fixture.first);
  // Two independent full backups: every chunk is stored twice, in different packs.
  await backupBuffer(repo, original, 'first', 'full');
  const manifest = await backupBuffer(repo, original, 'second', 'full');
  const index = await loadChunkIndex(repo);
  const copies = [...index.values()][0]!;
  const someId = copies[0]!.id.toString('hex');
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

test('a stream restore from a remote store decodes on one thread, from a local one on one per core', async () => {
  const original = randomData(3 * 1024 * 1024, 'remote');
  const repo = await Repository.init(fixture.store, fixture.first);
  const manifest = await backupBuffer(repo, original, 'db', 'full');
  // The local store, marked as S3 and Azure mark themselves: only the flag differs.
  const remote = Object.assign(Object.create(fixture.store) as ObjectStore, { remote: true });
  const { ChunkWorkers } = chunkWorkers;
  const made = jest
    .spyOn(chunkWorkers, 'ChunkWorkers')
    .mockImplementation((...args) => new ChunkWorkers(...args));
  try {
    const fromRemote = await restored(await Repository.open(remote, fixture.first), manifest);
    const fromLocal = await restored(repo, manifest);
    expect(fromRemote.equals(original)).toBe(true);
    expect(fromLocal.equals(original)).toBe(true);
    expect(made.mock.calls.map((call) => call[2])).toEqual([1, undefined]);
  } finally {
    made.mockRestore();
  }
});

test('the cloud stores say they are remote and the local store does not', () => {
  const s3 = new S3ObjectStore(new S3Client({ region: 'us-east-1' }), { bucket: 'vault', prefix: '' });
  const azure = new AzureBlobObjectStore(new ContainerClient('https://account.blob.core.windows.net/vault'), {
    container: 'vault',
    prefix: '',
  });
  expect(restoreWorkerCount(s3)).toBe(1);
  expect(restoreWorkerCount(azure)).toBe(1);
  expect((fixture.store as ObjectStore).remote).toBeUndefined();
});
