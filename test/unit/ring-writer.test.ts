import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { RingWriter } from '../../functions/repository/ring-writer';

const KiB = 1024;

describe('RingWriter', () => {
  it('places payloads in order, skips the end when one does not fit there, and counts the skipped bytes', () => {
    const memory = new SharedArrayBuffer(10 * KiB);
    const used = new Int32Array(new SharedArrayBuffer(4));
    const ring = new RingWriter(memory, used, 0);
    const put = (data: Buffer) => ring.put(data, () => undefined);
    const view = Buffer.from(memory);
    const a = randomBytes(4 * KiB);
    const b = randomBytes(6 * KiB);
    expect(put(a)).toEqual({ at: 0, bytes: 4 * KiB });
    expect(put(b)).toEqual({ at: 4 * KiB, bytes: 6 * KiB });
    // Exactly full, the head at the very end: the next payload goes to the start once room is given back.
    expect(Atomics.load(used, 0)).toBe(10 * KiB);
    expect(view.subarray(0, 4 * KiB).equals(a)).toBe(true);
    expect(view.subarray(4 * KiB).equals(b)).toBe(true);
    Atomics.sub(used, 0, 4 * KiB);
    const c = randomBytes(3 * KiB);
    expect(put(c)).toEqual({ at: 0, bytes: 3 * KiB });
    expect(view.subarray(0, 3 * KiB).equals(c)).toBe(true);
    // b given back (in order, before c): 7 KiB free after c; 5 KiB fits right after it.
    Atomics.sub(used, 0, 6 * KiB);
    expect(put(randomBytes(5 * KiB))).toEqual({ at: 3 * KiB, bytes: 5 * KiB });
    // c given back: 3 KiB does not fit in the 2 KiB left at the end, so it goes to the start and
    // the end counts as used until it is given back with it.
    Atomics.sub(used, 0, 3 * KiB);
    expect(put(randomBytes(3 * KiB))).toEqual({ at: 0, bytes: 2 * KiB + 3 * KiB });
  });

  it('puts a lead byte (a codec) right before the payload, and counts it', () => {
    const memory = new SharedArrayBuffer(10 * KiB);
    const used = new Int32Array(new SharedArrayBuffer(4));
    const ring = new RingWriter(memory, used, 0);
    const view = Buffer.from(memory);
    const a = randomBytes(4 * KiB);
    expect(ring.put(a, () => undefined, 7)).toEqual({ at: 0, bytes: 4 * KiB + 1 });
    expect(view[0]).toBe(7);
    expect(view.subarray(1, 1 + 4 * KiB).equals(a)).toBe(true);
    expect(ring.put(randomBytes(4 * KiB - 1), () => undefined)).toEqual({
      at: 4 * KiB + 1,
      bytes: 4 * KiB - 1,
    });
    Atomics.sub(used, 0, 4 * KiB + 1);
    // 2 KiB would fit exactly in the 2 KiB left before the end; with its lead it does not, so it
    // goes to the start and the end it skipped counts as used with it.
    const c = randomBytes(2 * KiB);
    expect(ring.put(c, () => undefined, 2)).toEqual({ at: 0, bytes: 2 * KiB + 2 * KiB + 1 });
    expect(view[0]).toBe(2);
    expect(view.subarray(1, 1 + 2 * KiB).equals(c)).toBe(true);
    // With its lead, a payload as large as the ring does not fit at all.
    expect(() => ring.put(randomBytes(10 * KiB), () => undefined, 0)).toThrow(/does not fit/);
  });

  it('starts again at the beginning when everything was given back', () => {
    const memory = new SharedArrayBuffer(10 * KiB);
    const used = new Int32Array(new SharedArrayBuffer(4));
    const ring = new RingWriter(memory, used, 0);
    const put = (data: Buffer) => ring.put(data, () => undefined);
    put(randomBytes(7 * KiB));
    Atomics.sub(used, 0, 7 * KiB);
    // 3 KiB left at the end, but the ring is empty: 8 KiB fits at the start, nothing is skipped.
    expect(put(randomBytes(8 * KiB))).toEqual({ at: 0, bytes: 8 * KiB });
  });

  it('sends what it holds, then waits, until the reader gives room back', async () => {
    const memory = new SharedArrayBuffer(8 * KiB);
    const used = new Int32Array(new SharedArrayBuffer(4));
    let flushed = 0;
    const ring = new RingWriter(memory, used, 0);
    const flush = () => flushed++;
    ring.put(randomBytes(6 * KiB), flush);
    // Another thread gives the 6 KiB back after 100 ms; until then a 4 KiB payload cannot be placed.
    const reader = new Worker(
      `const { workerData } = require('node:worker_threads');
       const used = new Int32Array(workerData);
       setTimeout(() => { Atomics.sub(used, 0, 6 * 1024); Atomics.notify(used, 0); }, 100);`,
      { eval: true, workerData: used.buffer },
    );
    const started = Date.now();
    expect(ring.put(randomBytes(4 * KiB), flush)).toEqual({ at: 0, bytes: 4 * KiB });
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(flushed).toBe(1);
    await reader.terminate();
  });
});
