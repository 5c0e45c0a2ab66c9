import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wabtInit from 'wabt';
import {
  Chunk,
  Chunker,
  ChunkerParams,
  chunkStream,
  DEFAULT_CHUNKER,
  keyedGear,
  selectMasks,
  standardGear,
  validateChunkerParams,
} from '../../functions/repository/chunker';
import { chunkFile, fileChunker, READ_BYTES } from '../../functions/sources/filesystem/chunk-file';

const FIXTURES = join(__dirname, '../../../shared/fixtures/fastcdc');
const image = readFileSync(join(FIXTURES, 'SekienAkashita.jpg'));

interface Cut {
  offset: number;
  length: number;
  hash: bigint;
}

/** Deterministic incompressible bytes (AES-CTR keystream), so failures reproduce. */
function pseudoRandom(length: number, seed: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(seed);
  return createCipheriv('aes-128-ctr', Buffer.alloc(16, 0x5a), iv).update(Buffer.alloc(length));
}

/** xorshift32, for piece sizes that differ from run to run of the loop but not between test runs. */
function pieceSizes(seed: number, maxPiece: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % maxPiece) + 1;
  };
}

function chunkWhole(params: ChunkerParams, gear: BigUint64Array, data: Buffer): Chunk[] {
  const chunker = new Chunker(params, gear);
  return [...chunker.push(data), ...chunker.finish()];
}

function chunkPieces(
  params: ChunkerParams,
  gear: BigUint64Array,
  data: Buffer,
  seed: number,
  maxPiece: number,
): Chunk[] {
  const chunker = new Chunker(params, gear);
  const next = pieceSizes(seed, maxPiece);
  const chunks: Chunk[] = [];
  for (let pos = 0; pos < data.length;) {
    const end = Math.min(data.length, pos + next());
    chunks.push(...chunker.push(data.subarray(pos, end)));
    pos = end;
  }
  chunks.push(...chunker.finish());
  return chunks;
}

const cuts = (chunks: Chunk[]): Cut[] => chunks.map(({ offset, length, hash }) => ({ offset, length, hash }));
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * fastcdc-rs v2020 `cut_gear`, transcribed line by line with BigInt so that it is obviously right
 * rather than fast. Index `i` walks pairs of bytes, which is where odd bounds differ from a
 * byte-at-a-time loop.
 */
function referenceCuts(data: Buffer, p: ChunkerParams, gear: BigUint64Array): Cut[] {
  const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
  const { maskS, maskL } = selectMasks(p.avg, p.level);
  const maskSLs = maskS << 1n;
  const maskLLs = maskL << 1n;
  const g = (b: number | undefined): bigint => gear[b ?? -1] ?? 0n;
  const gLs = (b: number | undefined): bigint => u64(g(b) << 1n);

  const cutGear = (offset: number): [bigint, number] => {
    let remaining = data.length - offset;
    if (remaining <= p.min) return [0n, remaining];
    let center = p.avg;
    if (remaining > p.max) remaining = p.max;
    else if (remaining < center) center = remaining;
    let index = Math.floor(p.min / 2);
    let hash = 0n;
    while (index < Math.floor(center / 2)) {
      const a = index * 2;
      hash = u64((hash << 2n) + gLs(data[offset + a]));
      if ((hash & maskSLs) === 0n) return [hash, a];
      hash = u64(hash + g(data[offset + a + 1]));
      if ((hash & maskS) === 0n) return [hash, a + 1];
      index++;
    }
    while (index < Math.floor(remaining / 2)) {
      const a = index * 2;
      hash = u64((hash << 2n) + gLs(data[offset + a]));
      if ((hash & maskLLs) === 0n) return [hash, a];
      hash = u64(hash + g(data[offset + a + 1]));
      if ((hash & maskL) === 0n) return [hash, a + 1];
      index++;
    }
    return [hash, remaining];
  };

  const result: Cut[] = [];
  for (let offset = 0; offset < data.length;) {
    const [hash, length] = cutGear(offset);
    result.push({ offset, length, hash });
    offset += length;
  }
  return result;
}

interface VectorTable {
  title: string;
  params: ChunkerParams;
  seed: bigint;
  rows: { offset: number; length: number; sha256: string; hash: bigint }[];
}

/** Reads the tables straight from VECTORS.md so the test cannot drift from the published file. */
function readVectorTables(): VectorTable[] {
  const text = readFileSync(join(FIXTURES, 'VECTORS.md'), 'utf8');
  const heading =
    /^## min (\d+), avg (\d+), max (\d+), normalization level (\d+), seed (\d+)\n```\n([\s\S]*?)```/gm;
  return [...text.matchAll(heading)].map((m) => ({
    title: m[0].split('\n')[0] ?? '',
    params: { min: Number(m[1]), avg: Number(m[2]), max: Number(m[3]), level: Number(m[4]) },
    seed: BigInt(m[5] ?? ''),
    rows: (m[6] ?? '')
      .trim()
      .split('\n')
      .map((line) => {
        const [offset, length, digest, hash] = line.split('\t');
        return {
          offset: Number(offset),
          length: Number(length),
          sha256: digest ?? '',
          hash: BigInt(hash ?? ''),
        };
      }),
  }));
}

describe('FastCDC-2020 conformance (VECTORS.md)', () => {
  const tables = readVectorTables();

  it('has the fixture and all three tables', () => {
    expect(sha256(image)).toBe('d9e749d9367fc908876749d6502eb212fee88c9a94892fb07da5ef3ba8bc39ed');
    expect(tables.map((t) => t.rows.length)).toEqual([6, 6, 5]);
  });

  describe.each(tables)('$title', ({ params, seed, rows }) => {
    const gear = standardGear(seed);
    const expected = rows.map(({ offset, length, hash }) => ({ offset, length, hash }));

    it('matches offsets, lengths, SHA-256 and cut hashes when fed whole', () => {
      const chunks = chunkWhole(params, gear, image);
      expect(cuts(chunks)).toEqual(expected);
      expect(chunks.map((c) => sha256(c.data))).toEqual(rows.map((r) => r.sha256));
    });

    it.each([
      [1, 7],
      [2, 1000],
      [3, 70000],
    ])('gives identical cuts when streamed in random pieces (seed %i, up to %i bytes)', (s, maxPiece) => {
      const chunks = chunkPieces(params, gear, image, s, maxPiece);
      expect(cuts(chunks)).toEqual(expected);
      expect(chunks.map((c) => sha256(c.data))).toEqual(rows.map((r) => r.sha256));
    });
  });

  it('cuts 10240 zero bytes into ten max-size chunks with the published hash', () => {
    const params = { min: 64, avg: 256, max: 1024, level: 1 };
    const zeros = Buffer.alloc(10240);
    const expected = Array.from({ length: 10 }, (_, i) => ({
      offset: i * 1024,
      length: 1024,
      hash: 14169102344523991076n,
    }));
    expect(cuts(chunkWhole(params, standardGear(), zeros))).toEqual(expected);
    expect(cuts(chunkPieces(params, standardGear(), zeros, 9, 300))).toEqual(expected);
  });
});

describe('gear tables', () => {
  it('reproduces the fastcdc-rs MD5 table', () => {
    const gear = standardGear();
    expect(gear[0]).toBe(0x3b5d3c7d207e37dcn);
    expect(gear[255]).toBe(0xaabd2b2a451504e1n);
  });

  it('XORs the seed into every entry and leaves the cached table alone', () => {
    const plain = standardGear();
    const seeded = standardGear(666n);
    for (let i = 0; i < 256; i++) expect(seeded[i]).toBe((plain[i] ?? 0n) ^ 666n);
    expect(standardGear()).toEqual(plain);
    expect(standardGear(0n)[0]).toBe(0x3b5d3c7d207e37dcn);
  });

  it('derives a keyed table deterministically from the key', () => {
    const key = Buffer.alloc(32, 0x11);
    const gear = keyedGear(key);
    expect(gear).toEqual(keyedGear(Buffer.from(key)));
    expect(gear).not.toEqual(keyedGear(Buffer.alloc(32, 0x12)));
    expect(new Set(gear).size).toBe(256);
    expect(() => keyedGear(Buffer.alloc(8))).toThrow(/at least 16 bytes/);
  });

  it('gives keyed boundaries that differ from the standard table and repeat for the same key', () => {
    const params = { min: 4096, avg: 16384, max: 65536, level: 2 };
    const data = pseudoRandom(2 * 1024 * 1024, 1);
    const standard = cuts(chunkWhole(params, standardGear(), data));
    const keyed = cuts(chunkWhole(params, keyedGear(Buffer.alloc(32, 0x11)), data));
    const again = cuts(chunkWhole(params, keyedGear(Buffer.alloc(32, 0x11)), data));
    const otherKey = cuts(chunkWhole(params, keyedGear(Buffer.alloc(32, 0x22)), data));
    expect(keyed).toEqual(again);
    const boundaries = (c: Cut[]): Set<number> => new Set(c.map((x) => x.offset));
    const shared = (a: Cut[], b: Cut[]): number =>
      [...boundaries(a)].filter((o) => boundaries(b).has(o)).length;
    // Only offset 0 is guaranteed to coincide; a handful of chance matches is fine, most must differ.
    expect(shared(keyed, standard)).toBeLessThan(keyed.length / 4);
    expect(shared(keyed, otherKey)).toBeLessThan(keyed.length / 4);
  });

  it('selects masks by round(log2(avg)) plus and minus the level', () => {
    expect(selectMasks(16384, 2)).toEqual({ maskS: 0x0000d90303537000n, maskL: 0x0000d90103530000n });
    expect(selectMasks(16384, 1)).toEqual({ maskS: 0x0000d90f03530000n, maskL: 0x0000d90303530000n });
    expect(selectMasks(DEFAULT_CHUNKER.avg, 2)).toEqual({
      maskS: 0x0000d93767537000n,
      maskL: 0x0000d90707537000n,
    });
  });
});

describe('Chunker against the BigInt reference', () => {
  // Odd bounds are where the pairwise loop differs from a byte loop; tiny sizes make many chunks.
  const cases: ChunkerParams[] = [
    { min: 65, avg: 257, max: 1023, level: 1 },
    { min: 101, avg: 333, max: 777, level: 3 },
    { min: 64, avg: 65, max: 66, level: 0 },
    { min: 1001, avg: 1002, max: 1003, level: 0 },
    { min: 333, avg: 4095, max: 8191, level: 2 },
    { min: 4097, avg: 16383, max: 65535, level: 2 },
    { min: 4096, avg: 16384, max: 65535, level: 3 },
  ];
  // Random bytes with a zero run and a short repeating pattern, so max-size cuts happen too.
  const data = Buffer.concat([
    pseudoRandom(600_001, 2),
    Buffer.alloc(70_001),
    Buffer.from('abc'.repeat(30_001)),
    pseudoRandom(400_003, 3),
  ]);

  it.each(cases)('min $min avg $avg max $max level $level', (params) => {
    const gear = keyedGear(Buffer.alloc(32, params.min & 0xff));
    const expected = referenceCuts(data, params, gear);
    expect(cuts(chunkWhole(params, gear, data))).toEqual(expected);
    expect(cuts(chunkPieces(params, gear, data, params.avg, 3 * params.max))).toEqual(expected);
  });
});

describe('Chunker streaming', () => {
  it('returns chunks of a random 20 MiB buffer that concatenate back to the input', () => {
    const data = pseudoRandom(20 * 1024 * 1024 + 17, 4);
    const chunks = chunkPieces(DEFAULT_CHUNKER, keyedGear(Buffer.alloc(32, 1)), data, 5, 3 * 1024 * 1024);
    expect(Buffer.concat(chunks.map((c) => c.data)).equals(data)).toBe(true);
    let offset = 0;
    for (const [i, chunk] of chunks.entries()) {
      expect(chunk.offset).toBe(offset);
      expect(chunk.data.length).toBe(chunk.length);
      expect(chunk.length).toBeLessThanOrEqual(DEFAULT_CHUNKER.max);
      if (i < chunks.length - 1) expect(chunk.length).toBeGreaterThanOrEqual(DEFAULT_CHUNKER.min);
      offset += chunk.length;
    }
    expect(chunks.length).toBeGreaterThan(8);
  });

  it('hands out owned copies that later pushes do not overwrite', () => {
    const params = { min: 4096, avg: 16384, max: 65535, level: 2 };
    const chunker = new Chunker(params, standardGear());
    const first = chunker.push(pseudoRandom(256 * 1024, 6));
    const snapshot = first.map((c) => Buffer.from(c.data));
    // Enough to wrap the chunker's buffer (max + 4 MiB) twice.
    chunker.push(pseudoRandom(10 * 1024 * 1024, 7));
    expect(first.map((c) => c.data)).toEqual(snapshot);
  });

  it('keeps independent state per instance and can be reused after finish()', () => {
    const params = { min: 4096, avg: 16384, max: 65535, level: 2 };
    const a = new Chunker(params, standardGear());
    const b = new Chunker(params, standardGear(666n));
    const outA: Chunk[] = [];
    const outB: Chunk[] = [];
    for (let pos = 0; pos < image.length; pos += 5000) {
      outA.push(...a.push(image.subarray(pos, pos + 5000)));
      outB.push(...b.push(image.subarray(pos, pos + 5000)));
    }
    outA.push(...a.finish());
    outB.push(...b.finish());
    expect(cuts(outA)).toEqual(cuts(chunkWhole(params, standardGear(), image)));
    expect(cuts(outB)).toEqual(cuts(chunkWhole(params, standardGear(666n), image)));
    expect(cuts([...a.push(image), ...a.finish()])).toEqual(cuts(outA));
  });

  async function collect(pieces: Buffer[]): Promise<Chunk[]> {
    async function* source(): AsyncGenerator<Buffer> {
      yield* pieces;
    }
    const chunks: Chunk[] = [];
    for await (const chunk of chunkStream(source(), new Chunker(DEFAULT_CHUNKER, standardGear()))) {
      chunks.push(chunk);
    }
    return chunks;
  }

  it('yields nothing for an empty stream', async () => {
    expect(await collect([])).toEqual([]);
    expect(await collect([Buffer.alloc(0), Buffer.alloc(0)])).toEqual([]);
  });

  it('yields one chunk for a 1-byte stream', async () => {
    const chunks = await collect([Buffer.from([42])]);
    expect(cuts(chunks)).toEqual([{ offset: 0, length: 1, hash: 0n }]);
    expect(chunks[0]?.data).toEqual(Buffer.from([42]));
  });

  it('streams the fixture through chunkStream like a whole-buffer push', async () => {
    const pieces = [image.subarray(0, 1), image.subarray(1, 60000), image.subarray(60000)];
    expect(cuts(await collect(pieces))).toEqual(cuts(chunkWhole(DEFAULT_CHUNKER, standardGear(), image)));
  });
});

describe('fastcdc.wasm', () => {
  it('is the current build of fastcdc.wat (node scripts/build-wasm.js)', async () => {
    const dir = join(__dirname, '../../functions/repository/chunker');
    const wabt = await wabtInit();
    const module = wabt.parseWat('fastcdc.wat', readFileSync(join(dir, 'fastcdc.wat'), 'utf8'));
    try {
      const { buffer } = module.toBinary({ canonicalize_lebs: true });
      expect(Buffer.from(buffer).equals(readFileSync(join(dir, 'fastcdc.wasm')))).toBe(true);
    } finally {
      module.destroy();
    }
  });
});

describe('validateChunkerParams', () => {
  it('accepts the default', () => {
    expect(() => validateChunkerParams(DEFAULT_CHUNKER)).not.toThrow();
  });

  it.each<[Partial<ChunkerParams>, RegExp]>([
    [{ min: 32 }, /min must be at least 64/],
    [{ min: 1024 * 1024 }, /min < avg < max/],
    [{ avg: 4 * 1024 * 1024 }, /min < avg < max/],
    [{ max: 1024 * 1024 }, /min < avg < max/],
    [{ max: 64 * 1024 * 1024 + 1 }, /max must be at most 67108864/],
    [{ level: 4 }, /level must be 0..3/],
    [{ level: -1 }, /level must be 0..3/],
    [{ avg: 1.5e6 + 0.5 }, /avg must be an integer/],
    [{ min: Number.NaN }, /min must be an integer/],
    [{ min: 64, avg: 100, max: 1000, level: 3 }, /outside the table/],
    [{ avg: 30 * 1024 * 1024, max: 64 * 1024 * 1024, level: 1 }, /outside the table/],
  ])('rejects %p', (change, message) => {
    const params = { ...DEFAULT_CHUNKER, ...change };
    expect(() => validateChunkerParams(params)).toThrow(message);
    expect(() => new Chunker(params, standardGear())).toThrow(message);
  });

  it('rejects a gear table of the wrong size', () => {
    expect(() => new Chunker(DEFAULT_CHUNKER, new BigUint64Array(255))).toThrow(/256 entries/);
  });
});

describe('reading straight into the chunker', () => {
  const params: ChunkerParams = { min: 1024, avg: 4096, max: 16 * 1024, level: 2 };

  /** The chunks of `data` as push and finish give them: offsets, lengths, bytes. */
  function pushed(data: Buffer): { offset: number; bytes: string }[] {
    const chunker = new Chunker(params, standardGear());
    return [...chunker.push(data), ...chunker.finish()].map((c) => ({
      offset: c.offset,
      bytes: c.data.toString('hex'),
    }));
  }

  test('space and commit, in reads of any size, cut where push does', () => {
    const data = pseudoRandom(300_000, 11);
    // A small input room: the buffered tail is moved back many times.
    const chunker = new Chunker(params, standardGear(), { inputRoom: 5000 });
    const seen: { offset: number; bytes: string }[] = [];
    let offset = 0;
    const visit = (chunk: Buffer) => {
      seen.push({ offset, bytes: chunk.toString('hex') });
      offset += chunk.length;
    };
    for (let pos = 0, step = 1; pos < data.length; step = (step * 7 + 3) % 9000) {
      const space = chunker.space();
      expect(space.length).toBeGreaterThanOrEqual(5000);
      const n = Math.min(step + 1, space.length, data.length - pos);
      data.copy(space, 0, pos, pos + n);
      chunker.commit(n, visit);
      pos += n;
    }
    chunker.flush(visit);
    expect(seen).toEqual(pushed(data));

    // write() copies in and gives views too; after a reset nothing of the last stream is left.
    const again: { offset: number; bytes: string }[] = [];
    offset = 0;
    chunker.write(pseudoRandom(50_000, 12), () => undefined);
    chunker.reset();
    chunker.write(data, (chunk) => {
      again.push({ offset, bytes: chunk.toString('hex') });
      offset += chunk.length;
    });
    chunker.flush((chunk) => {
      again.push({ offset, bytes: chunk.toString('hex') });
      offset += chunk.length;
    });
    expect(again).toEqual(pushed(data));
  });

  test('committing more than the space is refused', () => {
    const chunker = new Chunker(params, standardGear(), { inputRoom: 4096 });
    const room = chunker.space().length;
    expect(() => chunker.commit(room + 1, () => undefined)).toThrow(/more than its space/);
    expect(() => new Chunker(params, standardGear(), { inputRoom: 0 })).toThrow(/input room/);
  });
});

describe('chunking a file in place (chunk-file.ts)', () => {
  const params: ChunkerParams = { min: 64 * 1024, avg: 256 * 1024, max: 1024 * 1024, level: 2 };

  test('the file chunker holds one max-sized window and one read', () => {
    // Each file worker has one: what it holds is in every tree backup's peak memory.
    expect(fileChunker(params, standardGear()).space().length).toBe(params.max + 1024 * 1024);
  });

  test('a file several reads long is cut where push cuts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeboat-chunk-file-'));
    try {
      const data = pseudoRandom(3 * READ_BYTES + 12_345, 21);
      const file = join(dir, 'data');
      writeFileSync(file, data);
      const seen: string[] = [];
      const fd = openSync(file, 'r');
      let end: number;
      try {
        end = chunkFile(fd, fileChunker(params, standardGear()), 0, (chunk) => seen.push(sha256(chunk)));
      } finally {
        closeSync(fd);
      }
      expect(end).toBe(data.length);
      const chunker = new Chunker(params, standardGear());
      const expected = [...chunker.push(data), ...chunker.finish()].map((c) => sha256(c.data));
      expect(expected.length).toBeGreaterThan(4);
      expect(seen).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
