import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNativeAddon } from '../../functions/core/native-addon';
import { scanTreeSize as nativeOrFallback } from '../../functions/sources/filesystem/scan';

// The progress total of a tree backup, on a real tree: regular files only, symlinks not followed,
// excludes applied, odd names counted, and the scan gives the event loop back while it runs. Each
// case runs with tree-size.c (a walk without excludes, off the main thread) and with the walk in
// JavaScript that stands in where the addon is not built.
type Scan = typeof nativeOrFallback;
function fallbackScan(): Scan {
  const saved = process.env['LIFEBOAT_NO_NATIVE_SCAN'];
  process.env['LIFEBOAT_NO_NATIVE_SCAN'] = '1';
  try {
    let scan!: Scan;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      scan = (require('../../functions/sources/filesystem/scan') as { scanTreeSize: Scan }).scanTreeSize;
    });
    return scan;
  } finally {
    if (saved === undefined) delete process.env['LIFEBOAT_NO_NATIVE_SCAN'];
    else process.env['LIFEBOAT_NO_NATIVE_SCAN'] = saved;
  }
}

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

test('the addon is built here, so the native walk is what the first cases run', () => {
  expect(fs.existsSync(path.join(__dirname, '../../dist/functions/sources/filesystem/tree-size.node'))).toBe(
    true,
  );
});

describe.each([
  ['tree-size.c', nativeOrFallback],
  ['JavaScript', fallbackScan()],
])('%s', (_name, scanTreeSize) => {
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
    fs.writeFileSync(Buffer.from(`${dir}/a/b/new\nline`, 'latin1'), Buffer.alloc(4));
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    // An unreadable directory counts as nothing (root reads it anyway: then it counts).
    write('locked/secret', 50);
    fs.chmodSync(path.join(dir, 'locked'), 0);
    const locked = process.getuid?.() === 0 ? 50 : 0;

    try {
      expect(await scanTreeSize([dir], [], () => false)).toBe(1000 + 20 + 5000 + 7000 + 300 + 4 + locked);
      expect(await scanTreeSize([dir], ['*.o', `${dir}/cache`], () => false)).toBe(
        1000 + 20 + 300 + 4 + locked,
      );
      // A file given as a root counts itself; a path that does not exist counts nothing; two roots add up.
      expect(await scanTreeSize([path.join(dir, 'a/top.txt'), path.join(dir, 'nope')], [], () => false)).toBe(
        20,
      );
      expect(await scanTreeSize([path.join(dir, 'a'), path.join(dir, 'cache')], [], () => false)).toBe(
        1000 + 20 + 4 + 7000,
      );
    } finally {
      fs.chmodSync(path.join(dir, 'locked'), 0o700);
    }
  });

  test('lets other work run while it scans, and counts nothing when cancelled from the start', async () => {
    for (let d = 0; d < 200; d++) for (let f = 0; f < 20; f++) write(`d${d}/f${f}`, 10);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const full = await scanTreeSize([dir], [], () => false);
    clearInterval(ticker);
    expect(full).toBe(200 * 20 * 10);
    // The timer got turns in between: 4,000 files take longer than one slice of the main thread
    // on any machine, and the native walk does not run there at all.
    expect(ticks).toBeGreaterThan(0);

    expect(await scanTreeSize([dir], [], () => true)).toBe(0);
  });
});

test('the JavaScript walk asks before each directory', async () => {
  for (let d = 0; d < 200; d++) write(`d${d}/f`, 10);
  let calls = 0;
  await fallbackScan()([dir], [], () => {
    calls++;
    return false;
  });
  expect(calls).toBeGreaterThan(200);
});

test('the native walk stops at the next directory once its stop word is set', async () => {
  for (let d = 0; d < 50; d++) write(`d${d}/f`, 10);
  const addon = loadNativeAddon<{
    scan(paths: Buffer[], shared: Int32Array, done: (bytes: number) => void): void;
  }>(path.join(__dirname, '../../functions/sources/filesystem'), 'tree-size.node')!;
  const scan = (stop: number) =>
    new Promise<[number, bigint]>((resolve) => {
      const shared = new Int32Array(new SharedArrayBuffer(16));
      shared[0] = stop;
      addon.scan([Buffer.from(dir)], shared, (bytes) =>
        resolve([bytes, new BigInt64Array(shared.buffer, 8, 1)[0]!]),
      );
    });
  // Running: every file counted, and the running count (what `cancelled` is given) ends there too.
  expect(await scan(0)).toEqual([500, 500n]);
  // Stopped before it began: not one directory listed.
  expect(await scan(1)).toEqual([0, 0n]);
});
