import { RangeBuffers } from '../../functions/repository/range-buffers';

const MiB = 1024 * 1024;

describe('RangeBuffers (shared buffers that restore batches read into)', () => {
  test('a buffer given back is taken again instead of a new one', () => {
    const buffers = new RangeBuffers();
    const first = buffers.take(3 * MiB);
    expect(first).toBeInstanceOf(SharedArrayBuffer);
    expect(first.byteLength).toBeGreaterThanOrEqual(3 * MiB);
    buffers.give(first);
    expect(buffers.take(5 * MiB)).toBe(first);
  });

  test('buffers in use are never handed out twice', () => {
    const buffers = new RangeBuffers();
    const a = buffers.take(MiB);
    const b = buffers.take(MiB);
    expect(b).not.toBe(a);
    buffers.give(a);
    const c = buffers.take(MiB);
    expect(c).toBe(a);
    expect(buffers.take(MiB)).not.toBe(b);
  });

  test('a batch larger than every free buffer gets one that fits, and the small one is let go', () => {
    const buffers = new RangeBuffers();
    const small = buffers.take(MiB);
    buffers.give(small);
    const big = buffers.take(20 * MiB);
    expect(big.byteLength).toBeGreaterThanOrEqual(20 * MiB);
    expect(big).not.toBe(small);
    buffers.give(big);
    // Only the big one is kept: a small batch now gets it.
    expect(buffers.take(MiB)).toBe(big);
  });

  test('an unusually large buffer is not kept after its batch', () => {
    const buffers = new RangeBuffers();
    const huge = buffers.take(64 * MiB);
    buffers.give(huge);
    expect(buffers.take(64 * MiB)).not.toBe(huge);
  });
});
