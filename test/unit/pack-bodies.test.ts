import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackBodies } from '../../functions/repository/pack-bodies';
import type { OpenedPack } from '../../functions/repository/pack-reader';
import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { Repository } from '../../functions/repository/repository';
import { backupTree } from '../../functions/sources/filesystem/backup';
import { rootParts, walkTree } from '../../functions/sources/filesystem/browse';
import { randomData } from '../helpers/data';
import { KeyFixture } from '../helpers/repository';

const fixture = new KeyFixture('lifeboat-pack-bodies-');
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

/** Reads of the local store under `prefix`, counted. */
function countReads(prefix: string): () => number {
  const read = jest.spyOn(fixture.store, 'read');
  return () => read.mock.calls.filter(([key]) => key.startsWith(prefix)).length;
}

test('a walk of a tree of 300 directories reads its metadata pack whole, not once per directory', async () => {
  const source = path.join(fixture.dir, 'source');
  for (let d = 0; d < 300; d++) {
    const dir = path.join(source, `d${String(d).padStart(3, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'f'), `file in ${d}\n`);
  }
  const repo = await Repository.init(fixture.store, fixture.first);
  const { manifest } = await backupTree(repo, { paths: [source], name: 'tree', backupType: 'full' });
  expect(await fixture.listed('meta/')).toHaveLength(1);

  const metaReads = countReads('meta/');
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  const names: string[] = [];
  for await (const { path: p } of walkTree(reader, rootParts(manifest))) names.push(p.toString());
  expect(names).toHaveLength(600);
  expect(names.slice(0, 3)).toEqual(['d000', 'd000/f', 'd001']);
  // Header, footer and trailer when the pack is opened, a few records by themselves, then the body.
  expect(metaReads()).toBeLessThanOrEqual(3 + 4 + 1);
});

describe('PackBodies', () => {
  const KEY = 'meta/ab/abcdef';
  const BYTES = randomData(64 * 1024, 'pack-bodies');
  const pack = (trailerOffset: number) =>
    ({ key: KEY, size: trailerOffset + 100, trailerOffset, entries: new Map() }) as unknown as OpenedPack;

  beforeEach(() => {
    fs.mkdirSync(path.dirname(fixture.file(KEY)), { recursive: true });
    fs.writeFileSync(fixture.file(KEY), BYTES);
  });

  test('serves the same bytes as ranged reads, reading the body once after a few ranged reads', async () => {
    const reads = countReads(KEY);
    const bodies = new PackBodies(fixture.store, 1024 * 1024, 2);
    for (let i = 0; i < 20; i++) {
      const range = { offset: i * 1000, length: 700 };
      expect((await bodies.read(pack(60_000), range)).equals(BYTES.subarray(i * 1000, i * 1000 + 700))).toBe(
        true,
      );
    }
    expect(reads()).toBe(3);
  });

  test('a pack larger than the limit is always read by ranges', async () => {
    const reads = countReads(KEY);
    const bodies = new PackBodies(fixture.store, 10_000, 1);
    for (let i = 0; i < 5; i++) await bodies.read(pack(60_000), { offset: i * 10, length: 10 });
    expect(reads()).toBe(5);
  });

  test('the least recently used body goes when the limit would be passed', async () => {
    const other = 'meta/cd/cdef01';
    fs.mkdirSync(path.dirname(fixture.file(other)), { recursive: true });
    fs.writeFileSync(fixture.file(other), BYTES);
    const reads = countReads('meta/');
    const bodies = new PackBodies(fixture.store, 50_000, 0);
    const second = { ...pack(30_000), key: other } as OpenedPack;
    await bodies.read(pack(30_000), { offset: 0, length: 10 }); // body of the first
    await bodies.read(second, { offset: 0, length: 10 }); // body of the second; the first goes
    await bodies.read(second, { offset: 20, length: 10 }); // kept
    expect(reads()).toBe(2);
    await bodies.read(pack(30_000), { offset: 0, length: 10 }); // read again
    expect(reads()).toBe(3);
  });

  test('a failed body read is not kept: the next record reads again', async () => {
    const bodies = new PackBodies(fixture.store, 1024 * 1024, 0);
    const read = jest.spyOn(fixture.store, 'read').mockRejectedValueOnce(new Error('connection reset'));
    await expect(bodies.read(pack(60_000), { offset: 0, length: 10 })).rejects.toThrow('connection reset');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await bodies.read(pack(60_000), { offset: 5, length: 10 })).equals(BYTES.subarray(5, 15))).toBe(
      true,
    );
    expect(read).toHaveBeenCalledTimes(2);
  });
});
