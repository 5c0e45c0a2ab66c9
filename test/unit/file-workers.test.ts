/**
 * The main thread hands files to the file workers in batches, not a message per file: for the
 * Linux tree a message per file was 78,600 postMessage calls on the main thread (the backup's
 * bottleneck) and as many event-loop turns in the workers. Needs `npm run build` (the workers run
 * the compiled scripts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_CHUNKER, standardGear } from '../../functions/repository/chunker';
import { DEFAULT_COMPRESSION, decodeSync } from '../../functions/repository/codec';
import { FileWorkers } from '../../functions/sources/filesystem/file-workers';
import { fuseAvailable, mountEioFs } from '../helpers/eio-fs';

test('files queued together reach the workers in a few messages, and each comes back whole', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-file-workers-'));
  const files = Array.from({ length: 300 }, (_, i) => {
    const file = path.join(dir, `f${i}`);
    // Small files of many sizes, and every 50th one several chunks long.
    writeFileSync(file, i % 50 === 49 ? randomBytes(3 * DEFAULT_CHUNKER.max) : Buffer.alloc(i * 37, i));
    return file;
  });
  const posted = jest.spyOn(Worker.prototype, 'postMessage');
  const pool = new FileWorkers(
    {
      idKey: randomBytes(32),
      compression: DEFAULT_COMPRESSION,
      chunker: DEFAULT_CHUNKER,
      gear: standardGear(),
    },
    2,
  );
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
      expect(bytes).toBe(size);
      expect(result.refs.reduce((sum, r) => sum + r.rawLength, 0)).toBe(size);
      if (i % 50 === 49) expect(result.refs.length).toBeGreaterThan(2);
    });
    // 300 files over two workers, at most 64 to a message: a handful of messages, not 300.
    expect(posted.mock.calls.length).toBeGreaterThan(0);
    expect(posted.mock.calls.length).toBeLessThanOrEqual(2 * Math.ceil(300 / 2 / 64) + 2);
  } finally {
    posted.mockRestore();
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// A real read error partway through a file, from a FUSE filesystem (test/helpers/eio-fs.py).
const withFuse = fuseAvailable() ? test : test.skip;

withFuse(
  'chunks read before a read error are delivered, so a later copy that finds them known is whole',
  async () => {
    // The bad file's first 12 MiB are another file's whole content; its disk fails right after them.
    // The worker has placed some of those chunks and not yet posted them when the read fails.
    const copy = randomBytes(12 * 1024 * 1024);
    const fs = await mountEioFs({
      'a-bad': { content: Buffer.concat([copy, randomBytes(4 * 1024 * 1024)]), failAt: copy.length },
      'b-copy': { content: copy },
    });
    const workers = new FileWorkers(
      {
        idKey: randomBytes(32),
        compression: DEFAULT_COMPRESSION,
        chunker: DEFAULT_CHUNKER,
        gear: standardGear(),
      },
      1, // one worker: the copy meets what the same worker read from the bad file
    );
    try {
      const delivered = new Set<string>();
      const known: string[] = [];
      const sink = async (chunk: { id: Buffer; known: boolean; framed?: Buffer }) => {
        const id = chunk.id.toString('hex');
        if (chunk.known) known.push(id);
        else if (chunk.framed) delivered.add(id);
      };
      const bad = await workers.read(Buffer.from(path.join(fs.dir, 'a-bad')), undefined, sink);
      expect(bad.error?.code).toBe('EIO');
      const good = await workers.read(Buffer.from(path.join(fs.dir, 'b-copy')), undefined, sink);
      expect(good.error).toBeUndefined();
      expect(good.done?.size).toBe(copy.length);
      // Known means delivered before: a chunk the worker kept to itself would be stored by nobody.
      expect(known.length).toBeGreaterThan(4);
      expect(known.filter((id) => !delivered.has(id))).toEqual([]);
    } finally {
      await workers.close();
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
  const pool = new FileWorkers(
    { idKey: randomBytes(32), compression: DEFAULT_COMPRESSION, chunker, gear: standardGear() },
    1,
  );
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
