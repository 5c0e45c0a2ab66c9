import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import {
  ZstdContext,
  ZstdDecompressor,
  zstdCompressReused,
  zstdDecompressReused,
} from '../../functions/repository/zstd-context';

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

  it('replaces its scratch buffer a few times, not at every new largest chunk', () => {
    // Each outgrown buffer is freed memory of another size, which glibc keeps in the thread's
    // arena: a worker replacing it at each new largest chunk held 41 MiB of arenas after a 4 GiB
    // cloud backup, against 29 when it at least doubles.
    const context = ZstdContext.create(3)!;
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < 100; i++) {
      const input = text(512 * 1024 + i * 8 * 1024, `chunk ${i}`);
      const frame = context.compressToScratch(input);
      expect(zlib.zstdDecompressSync(frame).equals(input)).toBe(true);
      buffers.add(frame.buffer);
    }
    // 64 KiB at first, then for 512 KiB, at least doubled to 1 MiB and 2 MiB: the inputs grow to 1.3 MiB.
    expect(buffers.size).toBeLessThanOrEqual(3);
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

describe('ZstdDecompressor (one reused context)', () => {
  const frames = [0, 1, 100, 64 * 1024, 3 * 1024 * 1024 + 7, 100].map((n, i) => text(n, `file ${i}`));
  frames.push(randomBytes(5 * 1024 * 1024));

  it('drives this Node version', () => {
    expect(ZstdDecompressor.create()).toBeDefined();
  });

  it('reads frame after frame, each into a buffer of exactly its size', () => {
    const context = ZstdDecompressor.create()!;
    for (const input of [...frames, ...frames]) {
      const out = context.decompress(oneShot(input, 3), input.length);
      expect(out.equals(input)).toBe(true);
      expect(out.buffer.byteLength).toBe(input.length); // its own memory: can move to another thread
    }
  });

  it('with scratch, decodes into one buffer of the thread, reused frame after frame', () => {
    const views = frames.map((input) => {
      const out = zstdDecompressReused(oneShot(input, 3), input.length, true);
      expect(out.equals(input)).toBe(true);
      return out;
    });
    // A frame no longer than the largest so far reuses its memory: nothing allocated for it.
    expect(views[5]!.buffer).toBe(views[4]!.buffer);
    expect(views[3]!.buffer).not.toBe(views[4]!.buffer);
    // A frame longer than the buffer the caller gives is refused, not written past its end.
    const input = text(10_000, 'too long');
    expect(() =>
      ZstdDecompressor.create()!.decompress(oneShot(input, 3), 10_000, Buffer.alloc(9_999)),
    ).toThrow('too small');
  });

  it('with scratch, replaces that buffer a few times, not at every new longest frame', () => {
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < 100; i++) {
      const input = text(6 * 1024 * 1024 + i * 8 * 1024, `frame ${i}`);
      const out = zstdDecompressReused(oneShot(input, 3), input.length, true);
      expect(out.equals(input)).toBe(true);
      buffers.add(out.buffer);
    }
    // The earlier tests left a buffer of at most 5 MiB: at least doubled, it is replaced once.
    expect(buffers.size).toBeLessThanOrEqual(2);
  });

  it('refuses a frame with more or fewer bytes than expected, and one followed by data', () => {
    const input = text(10_000, 'sized');
    const frame = oneShot(input, 3);
    expect(() => ZstdDecompressor.create()!.decompress(frame, 9_999)).toThrow('more than 9999 bytes');
    expect(() => ZstdDecompressor.create()!.decompress(frame, 10_001)).toThrow(
      'decoded 10000 bytes, expected 10001',
    );
    // A second frame after the first is read on into (more bytes), or left over (data follows).
    expect(() => ZstdDecompressor.create()!.decompress(Buffer.concat([frame, frame]), 10_000)).toThrow(
      /more than 10000 bytes|data follows/,
    );
    expect(() =>
      ZstdDecompressor.create()!.decompress(Buffer.concat([frame, Buffer.alloc(3)]), 10_000),
    ).toThrow();
  });

  it('survives damage: garbage is an error, not a crash, and the next frame reads (zstdDecompressReused)', () => {
    const input = text(50_000, 'after damage');
    expect(() => zstdDecompressReused(Buffer.from('this is not a zstd frame at all'), 100)).toThrow();
    // A context that saw an error is closed; reusing it would abort the process.
    const closed = ZstdDecompressor.create()!;
    expect(() => closed.decompress(Buffer.from('garbage garbage garbage'), 10)).toThrow('damaged');
    expect(closed.usable).toBe(false);
    expect(zstdDecompressReused(oneShot(input, 3), input.length).equals(input)).toBe(true);
    const truncated = oneShot(randomBytes(300_000), 3);
    expect(() => zstdDecompressReused(truncated.subarray(0, truncated.length - 50), 300_000)).toThrow();
    expect(zstdDecompressReused(oneShot(input, 3), input.length).equals(input)).toBe(true);
  });
});
