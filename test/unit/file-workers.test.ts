/**
 * The pool's two kinds of readers, native threads (file-reader.c) and worker threads
 * (file-worker.ts), do the same job and must cut and name every chunk the same way: the same file
 * backed up by either deduplicates against the other. The main thread hands files to them in
 * batches, not a message per file: for the Linux tree a message per file was 78,600 postMessage
 * calls on the main thread (the backup's bottleneck) and as many event-loop turns in the workers.
 * Needs `npm run build` (the workers run the compiled scripts, the native threads the built addon;
 * CI sets LIFEBOAT_NATIVE=require, so it is there).
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_CHUNKER, keyedGear, standardGear } from '../../functions/repository/chunker';
import { DEFAULT_COMPRESSION, decodeSync, type CompressionSettings } from '../../functions/repository/codec';
import { FileWorkers, type FileChunk } from '../../functions/sources/filesystem/file-workers';
import { fuseAvailable, mountEioFs } from '../helpers/eio-fs';

const KINDS = [
  ['native threads', false],
  ['worker threads', true],
] as const;

const setupOf = (chunker = DEFAULT_CHUNKER, compression: CompressionSettings = DEFAULT_COMPRESSION) => ({
  idKey: randomBytes(32),
  compression,
  chunker,
  gear: standardGear(),
});

// A real read error partway through a file, from a FUSE filesystem (test/helpers/eio-fs.py).
const withFuse = fuseAvailable() ? test : test.skip;

describe.each(KINDS)('files read on %s', (_kind, workers) => {
  const poolOf = (setup: ReturnType<typeof setupOf>, count: number) => {
    const pool = new FileWorkers(setup, count, { workers });
    expect(pool.native).toBe(!workers);
    return pool;
  };

  test('files queued together come back whole, and reach the workers in a few messages', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-file-workers-'));
    const files = Array.from({ length: 300 }, (_, i) => {
      const file = path.join(dir, `f${i}`);
      // Small files of many sizes, and every 50th one several chunks long.
      writeFileSync(file, i % 50 === 49 ? randomBytes(3 * DEFAULT_CHUNKER.max) : Buffer.alloc(i * 37, i));
      return file;
    });
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    const pool = poolOf(setupOf(), 2);
    try {
      const read = files.map((file) => {
        let bytes = 0;
        const decoded: Buffer[] = [];
        return pool
          .read(Buffer.from(file), undefined, async (chunk) => {
            bytes += chunk.rawLength;
            if (chunk.known || !chunk.framed) return;
            // A record's plaintext: the codec byte, then the payload (copied: the ring is reused).
            expect(chunk.framed[0]).toBe(chunk.codec);
            decoded.push(Buffer.from(decodeSync(chunk.codec, chunk.framed.subarray(1), chunk.rawLength)));
          })
          .then((result) => ({ result, bytes, decoded }));
      });
      const results = await Promise.all(read);
      results.forEach(({ result, bytes, decoded }, i) => {
        const size = i % 50 === 49 ? 3 * DEFAULT_CHUNKER.max : i * 37;
        // Each file's content is in a chunk no other file holds: every chunk comes with its payload.
        expect(Buffer.concat(decoded).equals(readFileSync(files[i]!))).toBe(true);
        expect(result.error).toBeUndefined();
        expect(result.done?.size).toBe(size);
        expect(result.done?.changed).toBe(false);
        expect(bytes).toBe(size);
        expect(result.refs.reduce((sum, r) => sum + r.rawLength, 0)).toBe(size);
        if (i % 50 === 49) expect(result.refs.length).toBeGreaterThan(2);
      });
      if (workers) {
        // 300 files over two workers, at most 64 to a message: a handful of messages, not 300.
        expect(posted.mock.calls.length).toBeGreaterThan(0);
        expect(posted.mock.calls.length).toBeLessThanOrEqual(2 * Math.ceil(300 / 2 / 64) + 2);
      } else {
        expect(posted).not.toHaveBeenCalled();
      }
    } finally {
      posted.mockRestore();
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  withFuse(
    'chunks read before a read error are delivered, so a later copy that finds them known is whole',
    async () => {
      // The bad file's first 12 MiB are another file's whole content; its disk fails right after them.
      // The reader has placed some of those chunks and not yet posted them when the read fails.
      const copy = randomBytes(12 * 1024 * 1024);
      const fs = await mountEioFs({
        'a-bad': { content: Buffer.concat([copy, randomBytes(4 * 1024 * 1024)]), failAt: copy.length },
        'b-copy': { content: copy },
      });
      const pool = poolOf(setupOf(), 1); // one reader: the copy meets what the same one read from the bad file
      try {
        const delivered = new Set<string>();
        const known: string[] = [];
        const sink = async (chunk: { id: Buffer; known: boolean; framed?: Buffer }) => {
          const id = chunk.id.toString('hex');
          if (chunk.known) known.push(id);
          else if (chunk.framed) delivered.add(id);
        };
        const bad = await pool.read(Buffer.from(path.join(fs.dir, 'a-bad')), undefined, sink);
        expect(bad.error?.code).toBe('EIO');
        expect(bad.error?.message).toMatch(/^EIO: i\/o error, read$/);
        const good = await pool.read(Buffer.from(path.join(fs.dir, 'b-copy')), undefined, sink);
        expect(good.error).toBeUndefined();
        expect(good.done?.size).toBe(copy.length);
        // Known means delivered before: a chunk the reader kept to itself would be stored by nobody.
        expect(known.length).toBeGreaterThan(4);
        expect(known.filter((id) => !delivered.has(id))).toEqual([]);
      } finally {
        await pool.close();
        await fs.close();
      }
    },
  );

  test('a ring the size of the largest chunk (and a little) takes payloads of that size, one after another', async () => {
    // Random bytes do not compress: a chunk cut at the chunker's max is a payload of max bytes and its
    // codec byte, the most a ring ever has to hold at once. With a small max most chunks are cut there.
    const chunker = { min: 2048, avg: 4000, max: 4096, level: 2 };
    const dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-file-workers-'));
    const file = path.join(dir, 'random');
    writeFileSync(file, randomBytes(200 * chunker.max));
    const pool = poolOf(setupOf(chunker), 1);
    try {
      const decoded: Buffer[] = [];
      let atMax = 0;
      const result = await pool.read(Buffer.from(file), undefined, async (chunk) => {
        if (chunk.rawLength === chunker.max) atMax++;
        decoded.push(Buffer.from(decodeSync(chunk.codec, chunk.framed!.subarray(1), chunk.rawLength)));
      });
      expect(result.error).toBeUndefined();
      expect(atMax).toBeGreaterThan(10);
      expect(Buffer.concat(decoded).equals(readFileSync(file))).toBe(true);
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("what cannot be read is reported in Node's words; a hard-linked new file is reported, not read", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-file-workers-'));
    writeFileSync(path.join(dir, 'linked'), 'two names');
    linkSync(path.join(dir, 'linked'), path.join(dir, 'other-name'));
    symlinkSync('linked', path.join(dir, 'symlink'));
    mkdirSync(path.join(dir, 'dir'));
    const pool = poolOf(setupOf(), 1);
    try {
      const none = async () => {};
      const missing = await pool.read(Buffer.from(path.join(dir, 'gone')), undefined, none);
      expect(missing.error).toEqual({
        code: 'ENOENT',
        message: `ENOENT: no such file or directory, open '${path.join(dir, 'gone')}'`,
      });
      // Never followed: the walk saw a regular file, and a link in its place is not read.
      const link = await pool.read(Buffer.from(path.join(dir, 'symlink')), undefined, none);
      expect(link.error?.code).toBe('ELOOP');
      const directory = await pool.read(Buffer.from(path.join(dir, 'dir')), undefined, none);
      expect(directory.error).toEqual({ code: 'ENOTFILE', message: 'no longer a regular file' });
      const hardLinked = await pool.read(Buffer.from(path.join(dir, 'linked')), undefined, none);
      expect(hardLinked.done).toBeUndefined();
      expect(hardLinked.hardLink).toMatchObject({ size: 9, nlink: 2 });
      // With the walk's stat (a size) the file is read whatever its links.
      const stated = await pool.read(Buffer.from(path.join(dir, 'linked')), 9, none);
      expect(stated.done).toMatchObject({ size: 9, nlink: 2, changed: false });
      expect(typeof stated.done?.mtimeNs).toBe('bigint');
      expect(typeof stated.done?.ino).toBe('bigint');
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every chunk of every file, as (id, length, decoded bytes), read by one kind of reader. */
async function chunksOf(
  files: string[],
  setup: ReturnType<typeof setupOf>,
  workers: boolean,
): Promise<{ id: string; rawLength: number; known: boolean; codec: number; data?: Buffer }[][]> {
  const pool = new FileWorkers(setup, 2, { workers });
  expect(pool.native).toBe(!workers);
  try {
    return await Promise.all(
      files.map(async (file) => {
        const chunks: { id: string; rawLength: number; known: boolean; codec: number; data?: Buffer }[] = [];
        const sink = async (chunk: FileChunk) => {
          const data =
            chunk.framed && Buffer.from(decodeSync(chunk.codec, chunk.framed.subarray(1), chunk.rawLength));
          chunks.push({
            id: chunk.id.toString('hex'),
            rawLength: chunk.rawLength,
            known: chunk.known,
            codec: chunk.codec,
            data,
          });
        };
        const result = await pool.read(Buffer.from(file), undefined, sink);
        expect(result.error).toBeUndefined();
        return chunks;
      }),
    );
  } finally {
    await pool.close();
  }
}

test.each([
  ['zstd', DEFAULT_COMPRESSION],
  ['no compression', { alg: 'none', level: 0 } as CompressionSettings],
])('native threads and worker threads cut and name every chunk alike (%s)', async (_name, compression) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-file-workers-'));
  const { min, max } = DEFAULT_CHUNKER;
  // Text-like bytes compress, random ones do not; sizes around the chunker's bounds, and a file
  // that repeats a block (chunks seen before in the same file).
  const lines = Array.from({ length: 9973 }, (_, i) => `line ${i} of a file\n`).join('');
  const text = Buffer.from(lines.repeat(Math.ceil((3 * max) / lines.length))).subarray(0, 3 * max);
  const block = randomBytes(max + 12345);
  const contents = [
    Buffer.alloc(0),
    Buffer.from('x'),
    randomBytes(63),
    randomBytes(64),
    randomBytes(min),
    randomBytes(min + 1),
    randomBytes(max),
    randomBytes(max + 1),
    text,
    randomBytes(5 * max + 777),
    Buffer.concat([block, block, block, text.subarray(0, 100_000)]),
  ];
  const files = contents.map((content, i) => {
    const file = path.join(dir, `f${i}`);
    writeFileSync(file, content);
    return file;
  });
  const key = randomBytes(32);
  const setup = { ...setupOf(DEFAULT_CHUNKER, compression), idKey: key, gear: keyedGear(key) };
  try {
    const native = await chunksOf(files, setup, false);
    const workers = await chunksOf(files, setup, true);
    const summary = (all: typeof native) => all.map((chunks) => chunks.map((c) => `${c.id}:${c.rawLength}`));
    expect(summary(native)).toEqual(summary(workers));
    native.forEach((chunks, i) => {
      // Each file's chunks put together are the file; a chunk sent as known was sent before.
      const seen = new Map<string, Buffer>();
      for (const kind of [native, workers]) for (const c of kind.flat()) if (c.data) seen.set(c.id, c.data);
      expect(Buffer.concat(chunks.map((c) => seen.get(c.id)!)).equals(contents[i]!)).toBe(true);
    });
    const codecs = (all: typeof native) =>
      new Set(
        all
          .flat()
          .filter((c) => c.data)
          .map((c) => c.codec),
      );
    expect([...codecs(native)].sort()).toEqual(compression.alg === 'zstd' ? [0, 1] : [0]);
    expect(native.flat().length).toBeGreaterThan(20);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
