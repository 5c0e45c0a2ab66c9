import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanTreeSize } from '../../functions/sources/filesystem/scan';

// The progress total of a tree backup, on a real tree: regular files only, symlinks not followed,
// excludes applied, odd names counted, and the scan gives the event loop back while it runs.
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-scan-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(rel: string, bytes: number): void {
  const full = path.join(dir, rel);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, Buffer.alloc(bytes, 7));
}

test('counts the bytes of regular files, not through symlinks, with excludes applied', async () => {
  write('a/b/c/deep.bin', 1000);
  write('a/top.txt', 20);
  write('skip.o', 5000);
  write('cache/inside', 7000);
  fs.mkdirSync(path.join(dir, 'empty'));
  fs.symlinkSync(path.join(dir, 'a'), path.join(dir, 'link-to-dir'));
  fs.symlinkSync(path.join(dir, 'a/top.txt'), path.join(dir, 'link-to-file'));
  // A name that is not UTF-8 is counted like any other.
  fs.writeFileSync(Buffer.from(`${dir}/odd-\xff-name`, 'latin1'), Buffer.alloc(300));
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);

  expect(await scanTreeSize([dir], [], () => false)).toBe(1000 + 20 + 5000 + 7000 + 300);
  expect(await scanTreeSize([dir], ['*.o', `${dir}/cache`], () => false)).toBe(1000 + 20 + 300);
  // A file given as a root counts itself; a path that does not exist counts nothing.
  expect(await scanTreeSize([path.join(dir, 'a/top.txt'), path.join(dir, 'nope')], [], () => false)).toBe(20);
});

test('lets other work run while it scans, and stops when cancelled', async () => {
  for (let d = 0; d < 200; d++) for (let f = 0; f < 20; f++) write(`d${d}/f${f}`, 10);
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 0);
  let calls = 0;
  const full = await scanTreeSize([dir], [], () => {
    calls++;
    return false;
  });
  clearInterval(ticker);
  expect(full).toBe(200 * 20 * 10);
  expect(calls).toBeGreaterThan(200); // asked before each directory
  // 4,000 files take longer than one slice on any machine: the timer got turns in between.
  expect(ticks).toBeGreaterThan(0);

  const partial = await scanTreeSize([dir], [], () => true);
  expect(partial).toBe(0);
});
