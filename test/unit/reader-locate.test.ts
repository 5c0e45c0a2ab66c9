import { randomBytes } from 'node:crypto';
import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { Repository } from '../../functions/repository/repository';
import { randomData } from '../helpers/data';
import { backupBuffer, KeyFixture } from '../helpers/repository';

// locateAll answers chunks whose pack is open without a promise each (a restore locates every
// chunk it writes); its answers must be locate's, settled as Promise.allSettled settles them.
const fixture = new KeyFixture('lifeboat-locate-');
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

type Settled = PromiseSettledResult<{ object: string; entry: { offset: number; storedLength: number } }>;

function summary(results: Settled[]): string[] {
  return results.map((r) =>
    r.status === 'fulfilled'
      ? `${r.value.object}@${r.value.entry.offset}+${r.value.entry.storedLength}`
      : `rejected: ${(r.reason as Error).message}`,
  );
}

test('locateAll gives what locate gives, before and after the packs are open, missing chunks too', async () => {
  // Small packs, and the chunks asked for out of order: consecutive lookups change packs often
  // (locateAll remembers the last pack it found and must not answer from the wrong one).
  const repo = await Repository.init(fixture.store, fixture.first, { packBytes: 1024 * 1024 });
  await backupBuffer(repo, randomData(6 * 1024 * 1024, 'locate'), 'db', 'full');
  const index = await loadChunkIndex(repo);
  const copies = [...index.values()].map((c) => c[0]!);
  expect(new Set(copies.map((c) => c.packId.toString('hex'))).size).toBeGreaterThan(3);
  const ids = copies.map((c) => c.id);
  const shuffled = ids.map((id, i) => ids[(i * 7) % ids.length]!);
  expect(ids.length).toBeGreaterThan(4);
  const missing = randomBytes(32);
  const asked = [missing, ...ids, missing, ...shuffled, ...ids.slice(0, 3)];

  const expected = summary(
    await Promise.allSettled(asked.map((id) => new ChunkReader(repo, index).locate(id))),
  );
  expect(expected[0]).toMatch(/^rejected: .*no pack holds this chunk/);
  expect(expected.filter((s) => s.startsWith('rejected'))).toHaveLength(2);

  const reader = new ChunkReader(repo, index);
  const first = summary(await reader.locateAll(asked)); // packs opened on the way
  // Answered from the open packs, none through locate (which would open a pack or try copies).
  const slowPath = jest.spyOn(reader, 'locate');
  const again = summary(await reader.locateAll(asked));
  expect(slowPath).toHaveBeenCalledTimes(2); // the missing chunk, twice
  expect(first).toEqual(expected);
  expect(again).toEqual(expected);
});
