/**
 * A restore's read-back runs on native threads (file-checker.c) or worker threads
 * (verify-worker.ts); both must find the same things in the same words: the chunks a file should
 * hold come from the snapshot, and the files on disk were restored right, or changed since. Needs
 * `npm run build` (the worker runs the compiled script, the native thread the built addon).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Chunker, DEFAULT_CHUNKER, keyedGear } from '../../functions/repository/chunker';
import { ChunkIdHasher } from '../../functions/repository/crypto';
import { VerifyWorkers } from '../../functions/sources/filesystem/verify-workers';
import type { ExpectedFile } from '../../functions/sources/filesystem/verify-worker';

const idKey = randomBytes(32);
const gear = keyedGear(idKey);
const setup = { idKey, chunker: DEFAULT_CHUNKER, gear };

/** What a snapshot would record of `content`: its size and its chunks' ids and lengths. */
function expectedOf(file: string, content: Buffer): ExpectedFile {
  const hasher = new ChunkIdHasher(idKey);
  const chunker = new Chunker(DEFAULT_CHUNKER, gear);
  const chunks = [...chunker.push(content), ...chunker.finish()];
  return {
    path: Buffer.from(file),
    size: content.length,
    ids: Buffer.concat(chunks.map((c) => Buffer.from(hasher.idOf(c.data), 'latin1'))),
    lengths: chunks.map((c) => c.length),
  };
}

/** The index of the chunk that holds byte `offset`. */
function chunkAt(file: ExpectedFile, offset: number): number {
  let end = 0;
  return file.lengths.findIndex((length) => (end += length) > offset);
}

async function findingsOf(files: ExpectedFile[], workers: boolean): Promise<(string | undefined)[]> {
  const pool = new VerifyWorkers(setup, 2, { workers });
  expect(pool.native).toBe(!workers);
  try {
    const found: (string | undefined)[] = new Array<string | undefined>(files.length);
    for (const [i, file] of files.entries()) await pool.add(file, (problem) => (found[i] = problem));
    await pool.finish();
    return found;
  } finally {
    await pool.close();
  }
}

test('native threads and worker threads read restored files back and find the same', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-verify-readers-'));
  try {
    const { max } = DEFAULT_CHUNKER;
    const big = randomBytes(3 * max + 12345);
    const small = Buffer.from('a small file\n');
    const cases: [string, Buffer, (file: string) => void][] = [
      ['good-big', big, (f) => writeFileSync(f, big)],
      ['good-small', small, (f) => writeFileSync(f, small)],
      ['empty', Buffer.alloc(0), (f) => writeFileSync(f, '')],
      ['missing', small, () => undefined],
      ['a-link', small, (f) => symlinkSync('good-small', f)],
      ['a-directory', small, (f) => mkdirSync(f)],
      ['other-size', small, (f) => writeFileSync(f, Buffer.concat([small, small]))],
      [
        'one-byte-changed',
        big,
        (f) =>
          writeFileSync(
            f,
            Buffer.concat([
              big.subarray(0, max + 5),
              Buffer.from([big[max + 5]! ^ 1]),
              big.subarray(max + 6),
            ]),
          ),
      ],
      ['small-changed', small, (f) => writeFileSync(f, Buffer.from('A small file\n'))],
    ];
    const files = cases.map(([name, content, make]) => {
      const file = path.join(dir, name);
      make(file);
      return expectedOf(file, content);
    });
    // The snapshot says more chunks than the file holds, and fewer (same sizes: lengths differ).
    const shorter = expectedOf(path.join(dir, 'good-big'), big);
    shorter.ids = Buffer.concat([shorter.ids, randomBytes(32)]);
    shorter.lengths = [...shorter.lengths, 0];
    const longer = expectedOf(path.join(dir, 'good-big'), big);
    longer.ids = longer.ids.subarray(0, 32 * (longer.lengths.length - 1));
    longer.lengths = longer.lengths.slice(0, -1);
    files.push(shorter, longer);

    const native = await findingsOf(files, false);
    const workers = await findingsOf(files, true);
    expect(native).toEqual(workers);
    expect(native).toEqual([
      undefined,
      undefined,
      undefined,
      'missing',
      'not a regular file',
      'not a regular file',
      `size differs (${2 * small.length} bytes, backup ${small.length})`,
      `content differs from the backup (chunk ${chunkAt(files[7]!, max + 5)})`,
      'content differs from the backup (chunk 0)',
      'shorter than the backed-up file',
      `longer than the backed-up file (extra data at chunk ${longer.lengths.length})`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
