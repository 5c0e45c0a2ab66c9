/**
 * A backup that stops (an error, a cancel) abandons its writer: nothing it had in flight may keep
 * an upload open, and nothing arriving late may start one. Found by cancelling running tree
 * backups (test/e2e/cancel.test.ts): a late chunk opened a pack nobody ended (an open file and a
 * temporary object left behind), and an abort before the store began to read a pack's body was
 * an uncaught 'error' event that ended the process.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import type {
  ObjectBody,
  ObjectInfo,
  ObjectStore,
  PutOptions,
} from '../../functions/core/ports/object-store';
import { PackClass } from '../../functions/repository/pack';
import { PackWriter } from '../../functions/repository/pack-writer';
import { Repository } from '../../functions/repository/repository';
import { RepositoryWriter } from '../../functions/repository/writer';
import { KeyFixture } from '../helpers/repository';

const fixture = new KeyFixture('lifeboat-writer-abort-');
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

test('an abort before the store reads the pack body rejects the upload and throws nothing uncaught', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  let release!: () => void;
  const started = new Promise<void>((r) => (release = r));
  let reading: Promise<ObjectInfo> | undefined;
  // A store slow to begin reading (a mkdir, an open, a request in flight).
  const slow: ObjectStore = Object.assign(Object.create(fixture.store) as ObjectStore, {
    put: (key: string, body: ObjectBody, options?: PutOptions) =>
      (reading = started.then(() => fixture.store.put(key, body, options))),
  });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const pack = new PackWriter(slow, repo.keys, PackClass.data);
    pack.abort();
    release();
    await expect(reading).rejects.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});

test('after abort, a chunk arriving late is refused and opens no pack', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  const writer = new RepositoryWriter(repo);
  await writer.putEncoded(Buffer.alloc(32, 1), 3, 0, Buffer.from('abc'), PackClass.data);
  writer.abort();
  // Refused at once (a throw; putEncoded returns a promise only when the chunk must wait).
  expect(() => writer.putEncoded(Buffer.alloc(32, 2), 3, 0, Buffer.from('def'), PackClass.data)).toThrow(
    /stopped/,
  );
  await new Promise((r) => setTimeout(r, 50));
  const tmp = path.join(fixture.dir, 'repo', '.tmp');
  let left: string[] = [];
  try {
    left = readdirSync(tmp);
  } catch {
    // No temporary directory at all: nothing left either.
  }
  expect(left).toEqual([]);
  expect(await fixture.listed('data/')).toEqual([]);
});
