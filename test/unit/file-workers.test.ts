/**
 * The main thread hands files to the file workers in batches, not a message per file: for the
 * Linux tree a message per file was 78,600 postMessage calls on the main thread (the backup's
 * bottleneck) and as many event-loop turns in the workers. Needs `npm run build` (the workers run
 * the compiled scripts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_CHUNKER, standardGear } from '../../functions/repository/chunker';
import { DEFAULT_COMPRESSION } from '../../functions/repository/codec';
import { FileWorkers } from '../../functions/sources/filesystem/file-workers';

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
      return pool
        .read(Buffer.from(file), undefined, async (chunk) => {
          bytes += chunk.rawLength;
        })
        .then((result) => ({ result, bytes }));
    });
    const results = await Promise.all(read);
    results.forEach(({ result, bytes }, i) => {
      const size = i % 50 === 49 ? 3 * DEFAULT_CHUNKER.max : i * 37;
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
