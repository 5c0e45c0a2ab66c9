import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { ZstdContext, zstdCompressReused } from '../../functions/repository/zstd-context';

const text = (bytes: number, seed: string): Buffer => {
  const line = Buffer.from(`${seed}: the quick brown fox jumps over the lazy dog 0123456789\n`);
  return Buffer.concat(Array.from({ length: Math.ceil(bytes / line.length) }, () => line)).subarray(0, bytes);
};

const oneShot = (input: Buffer, level: number): Buffer =>
  zlib.zstdCompressSync(input, { params: { [zlib.constants.ZSTD_c_compressionLevel]: level } });

describe('ZstdContext', () => {
  it('drives this Node version (the fallback would be three times slower)', () => {
    expect(ZstdContext.create(3)).toBeDefined();
  });

  it('writes one independent frame per call, each the bytes a one-shot compression gives', () => {
    const context = ZstdContext.create(3)!;
    // Sizes below, at and far above the first scratch buffer, repeated so frames follow frames.
    const inputs = [0, 1, 100, 64 * 1024, 3 * 1024 * 1024 + 7, 100].map((n, i) => text(n, `file ${i}`));
    inputs.push(randomBytes(5 * 1024 * 1024)); // incompressible: the frame is larger than the input
    for (const input of [...inputs, ...inputs]) {
      const frame = context.compress(input);
      expect(frame.equals(oneShot(input, 3))).toBe(true);
      expect(zlib.zstdDecompressSync(frame).equals(input)).toBe(true);
    }
  });

  it('keeps its level across frames', () => {
    const input = Buffer.concat([text(200_000, 'a'), randomBytes(1000), text(200_000, 'b')]);
    for (const level of [1, 19]) {
      const context = ZstdContext.create(level)!;
      for (let i = 0; i < 3; i++) expect(context.compress(input).equals(oneShot(input, level))).toBe(true);
    }
    expect(oneShot(input, 19).length).toBeLessThan(oneShot(input, 1).length);
  });

  it('returns buffers of their own, which can be transferred to another thread', () => {
    const a = zstdCompressReused(text(5000, 'x'), 3);
    const b = zstdCompressReused(text(5000, 'y'), 3);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(a.length);
    expect(a.buffer).not.toBe(b.buffer);
    expect(zlib.zstdDecompressSync(a).equals(text(5000, 'x'))).toBe(true);
  });
});
