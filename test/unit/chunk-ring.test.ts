import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { ChunkRing } from '../../functions/repository/chunk-ring';
import { Codec, decodeSync, encodeInPlace } from '../../functions/repository/codec';

const MiB = 1024 * 1024;

describe('ChunkRing', () => {
  it('places chunks one after another and wraps to the start once the oldest are released', () => {
    const ring = new ChunkRing(10 * MiB);
    const a = ring.take(4 * MiB)!;
    const b = ring.take(4 * MiB)!;
    expect([a.byteOffset, b.byteOffset]).toEqual([0, 4 * MiB]);
    // 2 MiB left at the end, none at the start while `a` is held: no room for 3 MiB.
    expect(ring.take(3 * MiB)).toBeUndefined();
    ring.release(a.byteOffset);
    const c = ring.take(3 * MiB)!;
    expect(c.byteOffset).toBe(0);
    // Wrapped: only the gap before `b` (1 MiB) is free now.
    expect(ring.take(2 * MiB)).toBeUndefined();
    const d = ring.take(1 * MiB)!;
    expect(d.byteOffset).toBe(3 * MiB);
    for (const view of [a, b, c, d]) expect(view.buffer).toBe(ring.memory);
  });

  it('never hands out bytes of a chunk still held, whatever the sizes', () => {
    const ring = new ChunkRing(8 * MiB);
    const held: { view: Buffer; fill: number }[] = [];
    let sizes = 0x12345;
    for (let i = 0; i < 2000; i++) {
      sizes = (sizes * 1103515245 + 12345) >>> 0;
      const length = 1 + (sizes % (3 * MiB));
      const view = ring.take(length);
      if (view) {
        view.fill(i & 0xff);
        held.push({ view, fill: i & 0xff });
      }
      // Release the oldest now and then (stream order), checking nothing overwrote it.
      if (!view || held.length > 4) {
        const oldest = held.shift();
        if (oldest) {
          expect(oldest.view.equals(Buffer.alloc(oldest.view.length, oldest.fill))).toBe(true);
          ring.release(oldest.view.byteOffset);
        }
      }
    }
    expect(held.length).toBeGreaterThan(0);
  });

  it('refuses a release out of order, and knows only the chunks it holds', () => {
    const ring = new ChunkRing(4 * MiB);
    const a = ring.take(100)!;
    const b = ring.take(100)!;
    expect(() => ring.release(b.byteOffset)).toThrow(/oldest chunk starts at 0/);
    expect(ring.holds(a)).toBe(true);
    expect(ring.holds(Buffer.alloc(100))).toBe(false);
    expect(ring.take(0)).toBeUndefined();
    expect(ring.take(5 * MiB)).toBeUndefined();
    ring.release(a.byteOffset);
    expect(ring.holds(a)).toBe(false);
    ring.release(b.byteOffset);
    expect(ring.take(4 * MiB)!.byteOffset).toBe(0);
  });
});

describe('encodeInPlace', () => {
  const text = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(30_000));

  it.each(['zstd', 'gzip'] as const)('writes the %s payload over the start of the chunk', (alg) => {
    const ring = new ChunkRing(4 * MiB);
    const data = ring.take(text.length)!;
    text.copy(data);
    const { codec, payload } = encodeInPlace(data, { alg, level: 3 });
    expect(codec).toBe(Codec[alg]);
    expect(payload.buffer).toBe(ring.memory);
    expect(payload.byteOffset).toBe(data.byteOffset);
    expect(payload.length).toBeLessThan(text.length / 10);
    expect(decodeSync(codec, Buffer.from(payload), text.length).equals(text)).toBe(true);
  });

  it('keeps incompressible data as it is', () => {
    const random = randomBytes(MiB);
    const data = Buffer.from(random);
    const { codec, payload } = encodeInPlace(data, { alg: 'zstd', level: 3 });
    expect(codec).toBe(Codec.none);
    expect(payload).toBe(data);
    expect(payload.equals(random)).toBe(true);
    expect(zlib.zstdCompressSync(random).length).toBeGreaterThanOrEqual(random.length);
  });
});
