import { randomBytes } from 'node:crypto';
import { IdArena } from '../../functions/repository/id-arena';

describe('IdArena', () => {
  it('keeps equal copies that do not hold on to the buffer the id came in', () => {
    const arena = new IdArena();
    const big = randomBytes(8192);
    const id = big.subarray(4000, 4032);
    const kept = arena.keep(id);
    expect(kept.equals(id)).toBe(true);
    expect(kept.buffer).not.toBe(big.buffer);
    big.fill(0);
    expect(kept.equals(id)).toBe(false); // a copy, not a view
  });

  it('packs ids densely: 10,000 ids live in a handful of slabs', () => {
    const arena = new IdArena(1024, 64 * 1024);
    const ids = Array.from({ length: 10_000 }, () => randomBytes(32));
    const kept = ids.map((id) => arena.keep(id));
    kept.forEach((k, i) => expect(k.equals(ids[i]!)).toBe(true));
    const slabs = new Set(kept.map((k) => k.buffer));
    const slabBytes = [...slabs].reduce((sum, b) => sum + b.byteLength, 0);
    expect(slabs.size).toBeLessThanOrEqual(12);
    expect(slabBytes).toBeLessThan(10_000 * 32 * 1.5);
  });
});
