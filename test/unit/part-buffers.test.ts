import { randomBytes } from 'node:crypto';
import { PartBuffers, partsOf } from '../../functions/adapters/shared/part-buffers';
import { PieceQueue } from '../../functions/repository/piece-queue';

async function* pieces(data: Buffer, sizes: number[]): AsyncIterable<Buffer> {
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield data.subarray(at, at + n);
    at += n;
  }
}

describe('partsOf', () => {
  it.each([
    ['pieces smaller than a part', 10_000, [700]],
    ['pieces larger than a part', 10_000, [2500, 0, 3]],
    ['an exact multiple of the part size', 4096, [1024]],
    ['less than one part', 100, [7]],
  ])('cuts %s into full parts and a last one, in reused buffers', async (_name, total, sizes) => {
    const data = randomBytes(total);
    const buffers = new PartBuffers(1024, 3);
    const seen = new Set<ArrayBuffer>();
    const out: Buffer[] = [];
    const lasts: boolean[] = [];
    for await (const part of partsOf(pieces(data, sizes), buffers)) {
      out.push(Buffer.from(part.buffer.subarray(0, part.length)));
      lasts.push(part.last);
      seen.add(part.buffer.buffer as ArrayBuffer);
      buffers.give(part.buffer);
    }
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(out.slice(0, -1).every((p) => p.length === 1024)).toBe(true);
    expect(lasts).toEqual(out.map((_, i) => i === out.length - 1));
    // Given back at once, the same buffer serves every part.
    expect(seen.size).toBe(1);
  });

  it('yields one empty last part for an empty body', async () => {
    const parts = [];
    for await (const part of partsOf(pieces(Buffer.alloc(0), [1]), new PartBuffers(64, 3))) parts.push(part);
    expect(parts.map((p) => [p.length, p.last])).toEqual([[0, true]]);
  });

  it('waits for a buffer when every one is taken, and hands it to the first waiter', async () => {
    const buffers = new PartBuffers(16, 3);
    const held = [await buffers.take(), await buffers.take(), await buffers.take()];
    let got: Buffer | undefined;
    const waiting = buffers.take().then((b) => (got = b));
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toBeUndefined();
    buffers.give(held[1]!);
    await waiting;
    expect(got).toBe(held[1]);
  });

  it('gives its buffer back when the body fails', async () => {
    const buffers = new PartBuffers(16, 3);
    async function* failing(): AsyncIterable<Buffer> {
      yield Buffer.alloc(5);
      throw new Error('source broke');
    }
    await expect(
      (async () => {
        for await (const part of partsOf(failing(), buffers)) buffers.give(part.buffer);
      })(),
    ).rejects.toThrow('source broke');
    const all = await Promise.all([buffers.take(), buffers.take(), buffers.take()]);
    expect(new Set(all).size).toBe(3);
  });
  it("hands a writer's piece back once it is copied whole, never before", async () => {
    // Each piece is overwritten as it comes back: one handed back before its last byte was copied
    // (a piece spans parts here) would leave those bytes in a part.
    const data = randomBytes(10_000);
    const returned = new Map<Buffer, number>();
    const body = new PieceQueue(1 << 20, (piece) => {
      returned.set(piece, (returned.get(piece) ?? 0) + 1);
      piece.fill(0xee);
    });
    const pieces: Buffer[] = [];
    for (let at = 0; at < data.length; at += 2500) pieces.push(Buffer.from(data.subarray(at, at + 2500)));
    for (const piece of pieces) body.push(piece);
    body.end();
    const buffers = new PartBuffers(1024, 3);
    const out: Buffer[] = [];
    for await (const part of partsOf(body, buffers)) {
      out.push(Buffer.from(part.buffer.subarray(0, part.length)));
      buffers.give(part.buffer);
    }
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(pieces.every((piece) => returned.get(piece) === 1)).toBe(true);
  });
});
