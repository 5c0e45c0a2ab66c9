import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { LocalObjectStore } from '../../functions/adapters/local/object-store';
import { InputError, ObjectExistsError, ObjectNotFoundError } from '../../functions/core/errors';
import type { ObjectInfo } from '../../functions/core/ports/object-store';
import { randomData } from '../helpers/data';

async function readStream(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

async function collect(iterable: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of iterable) out.push(info);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

describe('LocalObjectStore', () => {
  let dir: string;
  let store: LocalObjectStore;

  /** Files under the store's temporary directory (writers leave nothing there once done). */
  function temporaryFiles(): string[] {
    try {
      return readdirSync(path.join(dir, '.tmp'));
    } catch {
      return [];
    }
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-store-'));
    store = new LocalObjectStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('location is the absolute path of the directory', () => {
    expect(new LocalObjectStore(path.relative(process.cwd(), dir)).location).toBe(dir);
  });

  test('put then get returns the whole object; head reports its size', async () => {
    const data = randomData(3 * 1024 * 1024 + 17, 'whole');
    expect(await store.put('data/ab/abcdef', data)).toEqual({ key: 'data/ab/abcdef', size: data.length });
    expect((await readStream(await store.get('data/ab/abcdef'))).equals(data)).toBe(true);
    expect(await store.head('data/ab/abcdef')).toEqual({ key: 'data/ab/abcdef', size: data.length });
    // Stored as a plain file at the key's path.
    expect(readFileSync(path.join(dir, 'data', 'ab', 'abcdef')).equals(data)).toBe(true);
    expect(temporaryFiles()).toEqual([]);
  });

  test('an empty object', async () => {
    expect(await store.put('empty', Buffer.alloc(0))).toEqual({ key: 'empty', size: 0 });
    expect((await readStream(await store.get('empty'))).length).toBe(0);
    expect(await store.head('empty')).toEqual({ key: 'empty', size: 0 });
  });

  async function expectRanges(data: Buffer, cases: [number, number][]): Promise<void> {
    await store.put('obj', data);
    for (const [offset, length] of cases) {
      const got = await readStream(await store.get('obj', { offset, length }));
      expect({ offset, length, got: got.length }).toEqual({ offset, length, got: length });
      expect(got.equals(data.subarray(offset, offset + length))).toBe(true);
    }
  }

  test('get with ranges: inside, at the start, at the end, the whole object', async () => {
    const data = randomData(2 * 1024 * 1024 + 5, 'ranges');
    await expectRanges(data, [
      [0, 1],
      [0, 100],
      [12345, 1024 * 1024 + 3], // crosses the 1 MiB read size
      [data.length - 10, 10], // the last bytes
      [data.length - 1, 1], // the last byte
      [0, data.length], // everything
    ]);
  });

  test('get with a zero-length range returns no bytes (at the start, inside, at the very end)', async () => {
    const data = randomData(4096, 'zero-ranges');
    await expectRanges(data, [
      [0, 0],
      [777, 0],
      [data.length, 0],
    ]);
  });

  test('a put from an async iterable stores all pieces in order', async () => {
    const pieces = [randomData(1000, 'p1'), Buffer.alloc(0), randomData(70_000, 'p2'), randomData(3, 'p3')];
    async function* body(): AsyncIterable<Buffer> {
      for (const p of pieces) {
        await new Promise((resolve) => setImmediate(resolve));
        yield p;
      }
    }
    const info = await store.put('meta/12/stream', body());
    expect(info).toEqual({ key: 'meta/12/stream', size: 71_003 });
    expect((await readStream(await store.get('meta/12/stream'))).equals(Buffer.concat(pieces))).toBe(true);
  });

  test('put replaces an existing object (without createOnly)', async () => {
    await store.put('config', Buffer.from('one'));
    await store.put('config', Buffer.from('two, longer'));
    expect((await readStream(await store.get('config'))).toString()).toBe('two, longer');
    expect(await store.head('config')).toEqual({ key: 'config', size: 11 });
    expect(temporaryFiles()).toEqual([]);
  });

  test('head of a missing object is undefined (also below a missing or file "directory")', async () => {
    expect(await store.head('nothing')).toBeUndefined();
    expect(await store.head('no/such/dir/obj')).toBeUndefined();
    await store.put('file', Buffer.from('x'));
    expect(await store.head('file/below')).toBeUndefined();
    // A directory is not an object.
    await store.put('dir/obj', Buffer.from('x'));
    expect(await store.head('dir')).toBeUndefined();
  });

  test('get of a missing object throws ObjectNotFoundError naming the key', async () => {
    await expect(store.get('snapshots/MISSING')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.get('snapshots/MISSING')).rejects.toMatchObject({ key: 'snapshots/MISSING' });
    await expect(store.get('snapshots/MISSING', { offset: 0, length: 0 })).rejects.toBeInstanceOf(
      ObjectNotFoundError,
    );
  });

  describe('list', () => {
    const keys = ['config', 'keys/k1.json', 'data/ab/ab01', 'data/ab/ab02', 'data/cd/cd01', 'index/I1'];

    beforeEach(async () => {
      for (const key of keys) await store.put(key, Buffer.from(key));
      // A temporary file left by a writer that was killed.
      mkdirSync(path.join(dir, '.tmp'), { recursive: true });
      writeFileSync(path.join(dir, '.tmp', 'deadbeef.tmp'), 'partial');
    });

    test('by prefix, through nested directories, with sizes', async () => {
      expect(await collect(store.list('data/'))).toEqual([
        { key: 'data/ab/ab01', size: 12 },
        { key: 'data/ab/ab02', size: 12 },
        { key: 'data/cd/cd01', size: 12 },
      ]);
      expect((await collect(store.list('data/ab/'))).map((i) => i.key)).toEqual([
        'data/ab/ab01',
        'data/ab/ab02',
      ]);
      // A prefix that ends inside a directory name or a file name.
      expect((await collect(store.list('data/a'))).map((i) => i.key)).toEqual([
        'data/ab/ab01',
        'data/ab/ab02',
      ]);
      expect((await collect(store.list('data/ab/ab0'))).map((i) => i.key)).toEqual([
        'data/ab/ab01',
        'data/ab/ab02',
      ]);
      expect((await collect(store.list('data/ab/ab02'))).map((i) => i.key)).toEqual(['data/ab/ab02']);
      expect((await collect(store.list('keys/'))).map((i) => i.key)).toEqual(['keys/k1.json']);
      expect((await collect(store.list('d'))).map((i) => i.key)).toEqual([
        'data/ab/ab01',
        'data/ab/ab02',
        'data/cd/cd01',
      ]);
    });

    test('a prefix that matches nothing, or a missing directory, lists nothing', async () => {
      expect(await collect(store.list('snapshots/'))).toEqual([]);
      expect(await collect(store.list('data/zz/'))).toEqual([]);
      expect(await collect(store.list('data/ab/ab03'))).toEqual([]);
      expect(await collect(store.list('config/'))).toEqual([]);
    });

    test('the empty prefix lists every object, and never the temporary directory', async () => {
      expect((await collect(store.list(''))).map((i) => i.key)).toEqual([...keys].sort());
    });

    test('the temporary directory is not listed even when asked for by name', async () => {
      expect(await collect(store.list('.'))).toEqual([]);
      expect(await collect(store.list('.tmp'))).toEqual([]);
      expect(await collect(store.list('.tmp/'))).toEqual([]);
    });
  });

  test('delete removes an object; deleting a missing one is fine', async () => {
    await store.put('snapshots/S1', Buffer.from('s1'));
    await store.delete('snapshots/S1');
    expect(await store.head('snapshots/S1')).toBeUndefined();
    await expect(store.get('snapshots/S1')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.delete('snapshots/S1')).resolves.toBeUndefined();
    await expect(store.delete('never/existed/at/all')).resolves.toBeUndefined();
    expect(await collect(store.list('snapshots/'))).toEqual([]);
  });

  test('createOnly on an existing key throws ObjectExistsError and leaves the original', async () => {
    const original = randomData(5000, 'original');
    await store.put('snapshots/S1', original, { createOnly: true });
    await expect(
      store.put('snapshots/S1', Buffer.from('replacement'), { createOnly: true }),
    ).rejects.toBeInstanceOf(ObjectExistsError);
    async function* body(): AsyncIterable<Buffer> {
      yield Buffer.from('streamed replacement');
    }
    await expect(store.put('snapshots/S1', body(), { createOnly: true })).rejects.toMatchObject({
      key: 'snapshots/S1',
    });
    expect((await readStream(await store.get('snapshots/S1'))).equals(original)).toBe(true);
    expect(await store.head('snapshots/S1')).toEqual({ key: 'snapshots/S1', size: 5000 });
    expect(temporaryFiles()).toEqual([]);
  });

  test('createOnly on a new key creates it', async () => {
    await store.put('keys/new.json', Buffer.from('{}'), { createOnly: true });
    expect((await readStream(await store.get('keys/new.json'))).toString()).toBe('{}');
  });

  test('a put whose body throws mid-way leaves no object and no temporary file', async () => {
    const failure = new Error('source broke');
    async function* body(): AsyncIterable<Buffer> {
      yield randomData(256 * 1024, 'first');
      await new Promise((resolve) => setImmediate(resolve));
      yield randomData(256 * 1024, 'second');
      throw failure;
    }
    await expect(store.put('data/ff/broken', body())).rejects.toBe(failure);
    expect(await store.head('data/ff/broken')).toBeUndefined();
    await expect(store.get('data/ff/broken')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await collect(store.list(''))).toEqual([]);
    expect(temporaryFiles()).toEqual([]);

    // The same with createOnly, and over an existing object: the old one stays whole.
    await expect(store.put('data/ff/broken', body(), { createOnly: true })).rejects.toBe(failure);
    expect(await store.head('data/ff/broken')).toBeUndefined();
    const old = randomData(1000, 'old');
    await store.put('config', old);
    await expect(store.put('config', body())).rejects.toBe(failure);
    expect((await readStream(await store.get('config'))).equals(old)).toBe(true);
    expect(temporaryFiles()).toEqual([]);
  });

  test.each(['../x', '/abs', 'a//b', '', 'a/', 'a/../b', './a', 'a/./b', '..'])(
    'invalid key %j is an InputError for every operation',
    async (key) => {
      await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InputError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InputError);
      await expect(store.head(key)).rejects.toBeInstanceOf(InputError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InputError);
      // Nothing was written anywhere, inside or outside the store.
      expect(readdirSync(dir).filter((n) => n !== '.tmp')).toEqual([]);
      expect(temporaryFiles()).toEqual([]);
    },
  );

  test('an invalid key never touches a file outside the store', async () => {
    const outside = path.join(path.dirname(dir), `${path.basename(dir)}-outside`);
    writeFileSync(outside, 'keep me');
    try {
      const key = `../${path.basename(outside)}`;
      await expect(store.put(key, Buffer.from('overwritten'))).rejects.toBeInstanceOf(InputError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InputError);
      expect(readFileSync(outside, 'utf8')).toBe('keep me');
    } finally {
      rmSync(outside, { force: true });
    }
  });
});
