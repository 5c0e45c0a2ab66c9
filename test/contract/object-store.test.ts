/**
 * One storage contract, run against every backend a repository can live on: the local directory
 * store, S3 (s3rver, a real S3 emulator in a child process) and Azure Blob (Azurite). What an
 * emulator cannot do (S3 Object Lock, Azure immutability) is tested elsewhere with mocked clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { S3ObjectStore } from '../../functions/adapters/aws/s3/object-store';
import { AzureBlobObjectStore } from '../../functions/adapters/azure/blob/object-store';
import { LocalObjectStore } from '../../functions/adapters/local/object-store';
import { InputError, ObjectExistsError, ObjectNotFoundError } from '../../functions/core/errors';
import type { ObjectInfo, ObjectStore } from '../../functions/core/ports/object-store';
import { startAzurite, type AzuriteInstance } from '../helpers/azurite';
import { randomData } from '../helpers/data';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';

async function readStream(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

async function collect(iterable: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of iterable) {
    // A class is optional (cloud stores report one), and when given it is a name.
    if (info.storageClass !== undefined) expect(info.storageClass).toMatch(/^[A-Za-z_]+$/);
    out.push({ key: info.key, size: info.size });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

interface Backend {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A fresh, empty store (a new directory or key prefix) for one test. */
  store(): ObjectStore;
}

/** Multipart uploads use 5 MiB parts (S3's minimum) in these tests, so that 12 MiB takes three. */
const PART = 5 * 1024 * 1024;

let counter = 0;
const unique = () => `t${process.pid}-${++counter}`;

function localBackend(): Backend {
  let root = '';
  return {
    name: 'local directory',
    start: async () => {
      root = mkdtempSync(path.join(tmpdir(), 'lifeboat-contract-'));
    },
    stop: async () => rmSync(root, { recursive: true, force: true }),
    store: () => new LocalObjectStore(path.join(root, unique())),
  };
}

function s3Backend(): Backend {
  let s3: S3rverInstance;
  return {
    name: 'S3 (s3rver)',
    start: async () => {
      s3 = await startS3rver(['contract']);
    },
    stop: async () => s3.stop(),
    store: () =>
      new S3ObjectStore(s3.client(), {
        bucket: 'contract',
        prefix: `repos/${unique()}`,
        partSize: PART,
        listPageSize: 2,
      }),
  };
}

function azureBackend(): Backend {
  let azurite: AzuriteInstance;
  return {
    name: 'Azure Blob (Azurite)',
    start: async () => {
      azurite = await startAzurite(['contract']);
    },
    stop: async () => azurite.stop(),
    store: () =>
      new AzureBlobObjectStore(azurite.serviceClient().getContainerClient('contract'), {
        container: 'contract',
        prefix: `repos/${unique()}`,
        blockSize: PART,
        listPageSize: 2,
      }),
  };
}

describe.each([localBackend(), s3Backend(), azureBackend()])('object store contract: $name', (backend) => {
  let store: ObjectStore;

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());
  beforeEach(() => {
    store = backend.store();
  });

  test('put then get returns the whole object; head reports its size', async () => {
    const data = randomData(3 * 1024 * 1024 + 17, 'whole');
    expect(await store.put('data/ab/abcdef', data)).toEqual({ key: 'data/ab/abcdef', size: data.length });
    expect((await readStream(await store.get('data/ab/abcdef'))).equals(data)).toBe(true);
    expect(await store.head('data/ab/abcdef')).toEqual({ key: 'data/ab/abcdef', size: data.length });
  });

  test('an empty object', async () => {
    expect(await store.put('empty', Buffer.alloc(0))).toEqual({ key: 'empty', size: 0 });
    expect((await readStream(await store.get('empty'))).length).toBe(0);
    expect(await store.head('empty')).toEqual({ key: 'empty', size: 0 });
  });

  test('ranged get and read: inside, at the start, at the end, the whole object, zero-length', async () => {
    const data = randomData(2 * 1024 * 1024 + 5, 'ranges');
    await store.put('obj', data);
    const cases: [number, number][] = [
      [0, 1],
      [0, 100],
      [12345, 1024 * 1024 + 3],
      [data.length - 10, 10],
      [data.length - 1, 1],
      [0, data.length],
      [0, 0],
      [777, 0],
    ];
    for (const [offset, length] of cases) {
      const streamed = await readStream(await store.get('obj', { offset, length }));
      const read = await store.read('obj', { offset, length });
      expect({ offset, length, streamed: streamed.length, read: read.length }).toEqual({
        offset,
        length,
        streamed: length,
        read: length,
      });
      expect(streamed.equals(data.subarray(offset, offset + length))).toBe(true);
      expect(read.equals(streamed)).toBe(true);
    }
  });

  test('readInto fills the start of a caller’s buffer (also a shared one), and refuses one too small', async () => {
    const data = randomData(3 * 1024 * 1024 + 7, 'read-into');
    await store.put('obj', data);
    const target = new Uint8Array(new SharedArrayBuffer(3 * 1024 * 1024 + 100)).fill(0xee);
    const cases: [number, number][] = [
      [0, 1],
      [54321, 2 * 1024 * 1024 + 9],
      [0, data.length],
    ];
    for (const [offset, length] of cases) {
      target.fill(0xee);
      const n = await store.readInto('obj', { offset, length }, target);
      expect({ offset, length, n }).toEqual({ offset, length, n: length });
      expect(Buffer.from(target.buffer, 0, length).equals(data.subarray(offset, offset + length))).toBe(true);
      expect(target[length]).toBe(0xee); // nothing written past the range
    }
    await expect(store.readInto('obj', { offset: 0, length: 1000 }, new Uint8Array(999))).rejects.toThrow(
      RangeError,
    );
    await expect(
      store.readInto('snapshots/MISSING', { offset: 0, length: 4 }, new Uint8Array(4)),
    ).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  test('a streamed put stores all pieces in order, also when it takes several parts', async () => {
    for (const size of [71_003, 12 * 1024 * 1024 + 1]) {
      const whole = randomData(size, `stream-${size}`);
      async function* body(): AsyncIterable<Buffer> {
        for (let at = 0; at < whole.length; at += 70_000) {
          await new Promise((resolve) => setImmediate(resolve));
          yield whole.subarray(at, at + 70_000);
          if (at === 0) yield Buffer.alloc(0);
        }
      }
      expect(await store.put(`meta/${size}`, body())).toEqual({ key: `meta/${size}`, size });
      expect((await readStream(await store.get(`meta/${size}`))).equals(whole)).toBe(true);
      expect(await store.head(`meta/${size}`)).toEqual({ key: `meta/${size}`, size });
    }
  });

  test('put replaces an existing object (without createOnly)', async () => {
    await store.put('config', Buffer.from('one'));
    await store.put('config', Buffer.from('two, longer'));
    expect((await readStream(await store.get('config'))).toString()).toBe('two, longer');
    expect(await store.head('config')).toEqual({ key: 'config', size: 11 });
  });

  test('head of a missing object is undefined; a "directory" is not an object', async () => {
    expect(await store.head('nothing')).toBeUndefined();
    expect(await store.head('no/such/dir/obj')).toBeUndefined();
    await store.put('dir/obj', Buffer.from('x'));
    expect(await store.head('dir')).toBeUndefined();
  });

  test('get and read of a missing object throw ObjectNotFoundError naming the key', async () => {
    await expect(store.get('snapshots/MISSING')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.get('snapshots/MISSING')).rejects.toMatchObject({ key: 'snapshots/MISSING' });
    await expect(store.read('snapshots/MISSING', { offset: 0, length: 4 })).rejects.toBeInstanceOf(
      ObjectNotFoundError,
    );
    await expect(store.get('snapshots/MISSING', { offset: 0, length: 0 })).rejects.toBeInstanceOf(
      ObjectNotFoundError,
    );
  });

  test('list by prefix, across pages, with sizes; only this store’s objects', async () => {
    const keys = ['config', 'keys/k1.json', 'data/ab/ab01', 'data/ab/ab02', 'data/cd/cd01', 'index/I1'];
    for (const key of keys) await store.put(key, Buffer.from(key));
    const other = backend.store();
    await other.put('data/ab/other', Buffer.from('another repository'));

    expect(await collect(store.list('data/'))).toEqual([
      { key: 'data/ab/ab01', size: 12 },
      { key: 'data/ab/ab02', size: 12 },
      { key: 'data/cd/cd01', size: 12 },
    ]);
    expect((await collect(store.list('data/a'))).map((i) => i.key)).toEqual(['data/ab/ab01', 'data/ab/ab02']);
    expect((await collect(store.list('data/ab/ab02'))).map((i) => i.key)).toEqual(['data/ab/ab02']);
    expect((await collect(store.list(''))).map((i) => i.key)).toEqual([...keys].sort());
    expect(await collect(store.list('snapshots/'))).toEqual([]);
    expect(await collect(store.list('config/'))).toEqual([]);
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

  test('createOnly: a new key is created; an existing one throws ObjectExistsError and stays whole', async () => {
    const original = randomData(5000, 'original');
    await store.put('snapshots/S1', original, { createOnly: true });
    await expect(
      store.put('snapshots/S1', Buffer.from('replacement'), { createOnly: true }),
    ).rejects.toBeInstanceOf(ObjectExistsError);
    // Streamed, small and multipart: the condition holds on the completing request too.
    for (const size of [20, 11 * 1024 * 1024]) {
      async function* body(): AsyncIterable<Buffer> {
        yield randomData(size, 'streamed replacement');
      }
      await expect(store.put('snapshots/S1', body(), { createOnly: true })).rejects.toMatchObject({
        key: 'snapshots/S1',
        code: 'OBJECT_EXISTS',
      });
    }
    expect((await readStream(await store.get('snapshots/S1'))).equals(original)).toBe(true);
    expect(await store.head('snapshots/S1')).toEqual({ key: 'snapshots/S1', size: 5000 });
  });

  test('a put whose body throws mid-way leaves no object, new or replaced', async () => {
    const failure = new Error('source broke');
    async function* body(): AsyncIterable<Buffer> {
      yield randomData(6 * 1024 * 1024, 'first');
      await new Promise((resolve) => setImmediate(resolve));
      yield randomData(256 * 1024, 'second');
      throw failure;
    }
    await expect(store.put('data/ff/broken', body())).rejects.toBe(failure);
    expect(await store.head('data/ff/broken')).toBeUndefined();
    await expect(store.put('data/ff/broken', body(), { createOnly: true })).rejects.toBe(failure);
    expect(await collect(store.list(''))).toEqual([]);
    const old = randomData(1000, 'old');
    await store.put('config', old);
    await expect(store.put('config', body())).rejects.toBe(failure);
    expect((await readStream(await store.get('config'))).equals(old)).toBe(true);
  });

  test.each(['../x', '/abs', 'a//b', '', 'a/', 'a/../b', './a', 'a/./b', '..'])(
    'invalid key %j is an InputError for every operation',
    async (key) => {
      await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InputError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InputError);
      await expect(store.head(key)).rejects.toBeInstanceOf(InputError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InputError);
      expect(await collect(store.list(''))).toEqual([]);
    },
  );
});
