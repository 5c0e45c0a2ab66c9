/**
 * A backup writes its index objects as it goes, once they hold 8,192 entries (checked after each
 * pack), not only every 64 packs: a tree of small files puts thousands of chunks in a pack, and
 * one index object for all of them was a spike of memory at the end of the backup.
 */
import { randomBytes } from 'node:crypto';
import { INDEX_PREFIX, Repository } from '../../functions/repository/repository';
import { loadChunkIndex } from '../../functions/repository/reader';
import { PackClass } from '../../functions/repository/pack';
import { RepositoryWriter } from '../../functions/repository/writer';
import { KeyFixture } from '../helpers/repository';

const fixture = new KeyFixture('lifeboat-writer-index-');
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

test('40,000 chunks in 30-odd packs are indexed in several objects of about 8,192 entries', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  // Packs of 64 KiB: each holds about 1,300 of these records, so fewer than 64 packs are written.
  const writer = new RepositoryWriter(repo, { packBytes: 64 * 1024 });
  const ids = Array.from({ length: 40_000 }, () => randomBytes(32));
  for (const id of ids) await writer.putEncoded(id, 8, 0, randomBytes(8), PackClass.data);
  await writer.flush();
  expect(writer.stats.packsWritten).toBeLessThan(64);

  const objects = await repo.indexIds();
  expect(objects.length).toBeGreaterThanOrEqual(4);
  let total = 0;
  for (const id of objects) {
    const entries = await repo.readIndex(id);
    // The bound is checked as each pack is recorded, while the next fills: an object holds up to
    // two packs' entries (about 1,300 each) more.
    expect(entries.length).toBeLessThan(8_192 + 3_000);
    total += entries.length;
  }
  expect(total).toBe(ids.length);
  expect((await fixture.listed(INDEX_PREFIX)).length).toBe(objects.length);

  const index = await loadChunkIndex(repo);
  expect(index.size).toBe(ids.length);
  for (const id of ids.slice(0, 100)) expect(index.get(id)?.[0]?.id).toEqual(id);
});

test('loading the index reads at most eight index objects at a time', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  // One record a pack, an index object every 64 packs: 20 index objects.
  const writer = new RepositoryWriter(repo, { packRecords: 1 });
  const ids = Array.from({ length: 20 * 64 }, () => randomBytes(32));
  for (const id of ids) await writer.putEncoded(id, 4, 0, randomBytes(4), PackClass.data);
  await writer.flush();
  expect(await repo.indexIds()).toHaveLength(20);

  let reading = 0;
  let most = 0;
  const read = repo.readIndexPlaintext.bind(repo);
  jest.spyOn(repo, 'readIndexPlaintext').mockImplementation(async (id) => {
    most = Math.max(most, ++reading);
    try {
      return await read(id);
    } finally {
      reading--;
    }
  });
  const index = await loadChunkIndex(repo);
  expect(most).toBeGreaterThan(1);
  expect(most).toBeLessThanOrEqual(8);
  expect(index.size).toBe(ids.length);
  for (const id of ids) expect(index.get(id)).toHaveLength(1);
});
