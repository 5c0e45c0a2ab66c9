/**
 * A pack is closed once it holds RECORDS_PER_PACK records, whatever its size: a tree of a million
 * tiny files otherwise put hundreds of thousands of records in one pack, all of whose entries the
 * main thread held until the pack was finished, and a trailer of tens of MB that a reader opens
 * to read any one record.
 */
import { randomBytes } from 'node:crypto';
import { Repository } from '../../functions/repository/repository';
import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { Codec, DEFAULT_COMPRESSION, encodeSync } from '../../functions/repository/codec';
import { chunkId } from '../../functions/repository/crypto';
import { PackClass } from '../../functions/repository/pack';
import { RECORDS_PER_PACK, RepositoryWriter } from '../../functions/repository/writer';
import { KeyFixture } from '../helpers/repository';

const fixture = new KeyFixture('lifeboat-writer-records-');
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

test('tiny records fill packs by count, not by size', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  const writer = new RepositoryWriter(repo);
  // 2.5 packs' worth of 8-byte payloads: about 2 MiB in all, far under the 32 MiB size target.
  const ids = Array.from({ length: RECORDS_PER_PACK * 2 + RECORDS_PER_PACK / 2 }, () => randomBytes(32));
  for (const id of ids) await writer.putEncoded(id, 8, 0, randomBytes(8), PackClass.data);
  await writer.flush();

  expect(writer.stats.packsWritten).toBe(3);
  expect(await fixture.listed('data/')).toHaveLength(3);
  const index = await loadChunkIndex(repo);
  expect(index.size).toBe(ids.length);
  const perPack = new Map<string, number>();
  for (const id of ids) {
    const pack = index.get(id)![0]!.packId.toString('hex');
    perPack.set(pack, (perPack.get(pack) ?? 0) + 1);
  }
  expect([...perPack.values()].sort((a, b) => b - a)).toEqual([
    RECORDS_PER_PACK,
    RECORDS_PER_PACK,
    RECORDS_PER_PACK / 2,
  ]);
});

test('a smaller count can be asked for', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  const writer = new RepositoryWriter(repo, { packRecords: 10 });
  for (let i = 0; i < 25; i++) await writer.putEncoded(randomBytes(32), 1, 0, randomBytes(1), PackClass.data);
  await writer.flush();
  expect(writer.stats.packsWritten).toBe(3);
});

test('a chunk given framed (its codec byte in front) is stored as the same record, and counted without that byte', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  const writer = new RepositoryWriter(repo);
  const data = randomBytes(5000);
  const { codec, payload } = encodeSync(data, DEFAULT_COMPRESSION);
  const plain = randomBytes(300);
  const framedId = chunkId(repo.keys.id, data);
  const plainId = chunkId(repo.keys.id, plain);
  expect(
    await writer.putEncoded(
      framedId,
      data.length,
      codec,
      Buffer.concat([Buffer.of(codec), payload]),
      PackClass.data,
      true,
    ),
  ).toBe(true);
  expect(await writer.putEncoded(plainId, plain.length, Codec.none, plain, PackClass.data)).toBe(true);
  await writer.flush();
  expect(writer.stats.compressedBytes).toBe(payload.length + plain.length);
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  expect((await reader.read(framedId)).equals(data)).toBe(true);
  expect((await reader.read(plainId)).equals(plain)).toBe(true);
});
