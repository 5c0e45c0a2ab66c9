/**
 * What is particular to the local directory store. The behaviour every store shares (ranges,
 * create-only, listing, deletes, invalid keys) is in test/contract/object-store.test.ts, which
 * runs against this store too.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { LocalObjectStore } from '../../functions/adapters/local/object-store';
import { InputError, ObjectExistsError } from '../../functions/core/errors';
import type { ObjectInfo } from '../../functions/core/ports/object-store';
import { PieceQueue } from '../../functions/repository/piece-queue';
import { randomData } from '../helpers/data';

async function readStream(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

async function keys(iterable: AsyncIterable<ObjectInfo>): Promise<string[]> {
  const out: string[] = [];
  for await (const info of iterable) out.push(info.key);
  return out.sort();
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

  test('an object is a plain file at its key; writers leave no temporary file', async () => {
    const data = randomData(3 * 1024 * 1024 + 17, 'whole');
    await store.put('data/ab/abcdef', data);
    expect(readFileSync(path.join(dir, 'data', 'ab', 'abcdef')).equals(data)).toBe(true);
    await store.put('config', Buffer.from('one'));
    await store.put('config', Buffer.from('two, longer'));
    await expect(store.put('config', Buffer.from('three'), { createOnly: true })).rejects.toBeInstanceOf(
      ObjectExistsError,
    );
    expect(readFileSync(path.join(dir, 'config'), 'utf8')).toBe('two, longer');
    expect(temporaryFiles()).toEqual([]);
  });

  test('a put whose body throws mid-way leaves no temporary file', async () => {
    const failure = new Error('source broke');
    async function* body(): AsyncIterable<Buffer> {
      yield randomData(256 * 1024, 'first');
      throw failure;
    }
    await expect(store.put('data/ff/broken', body())).rejects.toBe(failure);
    await expect(store.put('data/ff/broken', body(), { createOnly: true })).rejects.toBe(failure);
    expect(temporaryFiles()).toEqual([]);
  });

  test('a get crossing the 1 MiB read size returns exactly the range', async () => {
    const data = randomData(2 * 1024 * 1024 + 5, 'ranges');
    await store.put('obj', data);
    const got = await readStream(await store.get('obj', { offset: 12345, length: 1024 * 1024 + 3 }));
    expect(got.equals(data.subarray(12345, 12345 + 1024 * 1024 + 3))).toBe(true);
  });

  test('the temporary directory is never listed, even when asked for by name', async () => {
    await store.put('data/ab/ab01', Buffer.from('x'));
    mkdirSync(path.join(dir, '.tmp'), { recursive: true });
    writeFileSync(path.join(dir, '.tmp', 'deadbeef.tmp'), 'partial');
    expect(await keys(store.list(''))).toEqual(['data/ab/ab01']);
    expect(await keys(store.list('.'))).toEqual([]);
    expect(await keys(store.list('.tmp'))).toEqual([]);
    expect(await keys(store.list('.tmp/'))).toEqual([]);
  });

  test('head below a file "directory" is undefined', async () => {
    await store.put('file', Buffer.from('x'));
    expect(await store.head('file/below')).toBeUndefined();
  });

  test('an invalid key never touches a file outside the store', async () => {
    const outside = path.join(path.dirname(dir), `${path.basename(dir)}-outside`);
    writeFileSync(outside, 'keep me');
    try {
      const key = `../${path.basename(outside)}`;
      await expect(store.put(key, Buffer.from('overwritten'))).rejects.toBeInstanceOf(InputError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InputError);
      expect(readFileSync(outside, 'utf8')).toBe('keep me');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(outside, { force: true });
    }
  });
  test("a writer's pieces come back only once they are in the file, each once", async () => {
    // A writer that reuses what comes back (a pack's staging buffers) would put other bytes in
    // the file if a piece came back before its write: here each is overwritten as it comes back.
    const data = randomData(3 * 1024 * 1024 + 17, 'recycled');
    const returned = new Map<Buffer, number>();
    const body = new PieceQueue(1024 * 1024, (piece) => {
      returned.set(piece, (returned.get(piece) ?? 0) + 1);
      piece.fill(0xee);
    });
    const pieces: Buffer[] = [];
    for (let at = 0; at < data.length; at += 64 * 1024)
      pieces.push(Buffer.from(data.subarray(at, at + 64 * 1024)));
    const writing = store.put('data/re/recycled', body);
    for (const piece of pieces) if (!body.push(piece)) await body.drained();
    body.end();
    await writing;
    expect(readFileSync(path.join(dir, 'data', 're', 'recycled')).equals(data)).toBe(true);
    expect(pieces.every((piece) => returned.get(piece) === 1)).toBe(true);
    expect(returned.size).toBe(pieces.length);
  });
});
