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
  const repo = await Repository.init(fixture.store, fixture.first);
  await backupBuffer(repo, randomData(6 * 1024 * 1024, 'locate'), 'db', 'full');
  const index = await loadChunkIndex(repo);
  const ids = [...index.values()].map((copies) => copies[0]!.id);
  expect(ids.length).toBeGreaterThan(4);
  const missing = randomBytes(32);
  const asked = [missing, ...ids, missing];

  const expected = summary(
    await Promise.allSettled(asked.map((id) => new ChunkReader(repo, index).locate(id))),
  );
  expect(expected[0]).toMatch(/^rejected: .*no pack holds this chunk/);
  expect(expected.slice(1, -1).every((s) => !s.startsWith('rejected'))).toBe(true);

  const reader = new ChunkReader(repo, index);
  const first = summary(await reader.locateAll(asked)); // packs opened on the way
  const again = summary(await reader.locateAll(asked)); // answered from the open packs
  expect(first).toEqual(expected);
  expect(again).toEqual(expected);
});
