/**
 * The queue between a pack writer and the store reading the pack: pieces come out in order and
 * unjoined, a writer is told to wait once `highWater` bytes are queued and released as the reader
 * takes them, and a failure reaches both sides.
 */
import { bodyBatches } from '../../functions/core/ports/object-store';
import { PieceQueue } from '../../functions/repository/piece-queue';

const piece = (n: number, fill = n) => Buffer.alloc(n, fill);

async function readAll(queue: PieceQueue): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const p of queue) out.push(p);
  return out;
}

test('pieces come out in order, one per push, and the loop ends after end()', async () => {
  const queue = new PieceQueue(1024);
  const reading = readAll(queue);
  queue.push(piece(3));
  queue.push(piece(5));
  await new Promise((resolve) => setImmediate(resolve));
  queue.push(piece(7));
  queue.end(piece(1));
  expect((await reading).map((p) => p.length)).toEqual([3, 5, 7, 1]);
});

test('a reader that starts late gets everything queued before it', async () => {
  const queue = new PieceQueue(1 << 20);
  for (let i = 1; i <= 100; i++) queue.push(piece(i, i));
  queue.end();
  const got = await readAll(queue);
  expect(got.map((p) => p.length)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  expect(got.every((p, i) => p.every((b) => b === i + 1))).toBe(true);
});

test('push reports no room at the high-water mark; drained() waits for the reader', async () => {
  const queue = new PieceQueue(100);
  expect(queue.push(piece(60))).toBe(true);
  expect(queue.push(piece(60))).toBe(false);
  let released = false;
  const waiting = queue.drained().then(() => (released = true));
  await new Promise((resolve) => setImmediate(resolve));
  expect(released).toBe(false);
  const iterator = queue[Symbol.asyncIterator]();
  expect((await iterator.next()).value).toHaveLength(60);
  await waiting;
  expect(released).toBe(true);
  // Below the mark again: no wait.
  await queue.drained();
});

test('destroy fails a waiting reader and releases a waiting writer', async () => {
  const queue = new PieceQueue(10);
  const iterator = queue[Symbol.asyncIterator]();
  const read = iterator.next();
  queue.push(piece(4)); // straight to the waiting reader
  expect((await read).value).toHaveLength(4);
  const reading = iterator.next();
  queue.destroy(new Error('pack aborted'));
  await expect(reading).rejects.toThrow('pack aborted');

  const full = new PieceQueue(10);
  full.push(piece(20));
  const writer = full.drained();
  full.destroy();
  await expect(writer).resolves.toBeUndefined();
  expect(full.push(piece(1))).toBe(false);
});

test('a reader that stops early leaves the queue failed, so a writer never waits on it', async () => {
  const queue = new PieceQueue(10);
  queue.push(piece(20));
  for await (const p of queue) {
    expect(p).toHaveLength(20);
    break;
  }
  expect(queue.push(piece(20))).toBe(false);
  await expect(queue.drained()).resolves.toBeUndefined();
});

test('batches() hands over everything pushed before the reader ran, in one batch', async () => {
  const queue = new PieceQueue(1 << 20);
  const batches: number[][] = [];
  const reading = (async () => {
    for await (const batch of queue.batches()) batches.push(batch.map((p) => p.length));
  })();
  // Three pieces of one record, pushed in one go: the waiting reader wakes once, for all three.
  queue.push(piece(1));
  queue.push(piece(100));
  queue.push(piece(16));
  await new Promise((resolve) => setImmediate(resolve));
  queue.push(piece(2));
  queue.end(piece(3));
  await reading;
  expect(batches).toEqual([
    [1, 100, 16],
    [2, 3],
  ]);
});

test("batches(minBytes) waits for that many bytes, or the queue's room, and the end", async () => {
  const queue = new PieceQueue(100);
  const batches: number[][] = [];
  const reading = (async () => {
    for await (const batch of queue.batches(1000)) batches.push(batch.map((p) => p.length));
  })();
  const rooms: boolean[] = [];
  for (let i = 0; i < 12; i++) {
    rooms.push(queue.push(piece(30)));
    await new Promise((resolve) => setImmediate(resolve));
    // More than 1000 bytes will never be queued: the reader takes what fills the room (100).
    if (!rooms[i]) await queue.drained();
  }
  queue.end(piece(5));
  await reading;
  expect(batches).toEqual([[30, 30, 30, 30], [30, 30, 30, 30], [30, 30, 30, 30], [5]]);
});

test('a store reading through bodyBatches gets one-piece batches from any other iterable', async () => {
  async function* pieces() {
    yield piece(4);
    yield piece(5);
  }
  const got: number[][] = [];
  for await (const batch of bodyBatches(pieces())) got.push(batch.map((p) => p.length));
  expect(got).toEqual([[4], [5]]);
});

test('nothing may be pushed after the end', () => {
  const queue = new PieceQueue(10);
  queue.end();
  expect(() => queue.push(piece(1))).toThrow('after the end');
});

test('consumed() hands each piece to the writer, to use its memory again', () => {
  const recycled: Buffer[] = [];
  const queue = new PieceQueue(1024, (p) => recycled.push(p));
  const pieces = [piece(3), piece(5)];
  queue.consumed(pieces);
  expect(recycled).toEqual(pieces);
  expect(recycled[0]).toBe(pieces[0]);
  // A queue whose writer keeps nothing takes the call and does nothing.
  expect(() => new PieceQueue(1024).consumed(pieces)).not.toThrow();
});
