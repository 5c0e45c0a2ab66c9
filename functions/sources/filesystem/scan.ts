import { lstatSync, type Stats } from 'node:fs';
import * as nodePath from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { loadNativeAddon } from '../../core/native-addon';
import { ExcludeMatcher } from './exclude';
import { joinPath, listDir } from './paths';

/** tree-size.c: the same walk, without excludes, on one of libuv's pool threads. */
interface TreeSizeAddon {
  scan(paths: Buffer[], shared: Int32Array, done: (bytes: number) => void): void;
}

/** LIFEBOAT_NO_NATIVE_SCAN (any value) leaves the addon out: the tests of the fallback set it. */
const addon = process.env['LIFEBOAT_NO_NATIVE_SCAN']
  ? undefined
  : loadNativeAddon<TreeSizeAddon>(__dirname, 'tree-size.node');

/** How often a native scan asks `cancelled` whether to go on. */
const POLL_MS = 20;

/** How long one slice of the scan may hold the event loop before it lets the backup run. */
const SLICE_MS = 3;

/**
 * Counts the bytes of the regular files below `paths` (excludes applied, symlinks not followed),
 * for a progress bar's total and ETA. Only regular files are stat-ed: the directory listing's
 * entry types say which are directories. Unreadable entries count as nothing. Stops early when
 * `cancelled`, given the bytes counted so far, turns true.
 *
 * Without excludes it runs in tree-size.c, on one of libuv's threads, where the addon is built:
 * the Linux tree (on tmpfs, alone) in 94-156 ms, nearly all of it in the kernel. Otherwise it runs
 * beside the backup on the main thread in slices of a few milliseconds, with synchronous calls
 * (206-277 ms alone; a promise and a trip through the thread pool per entry had cost 3.4-3.8 CPU
 * seconds). A tree backup's main thread is its busiest: the first backup took 6.39 s with the
 * walk there, 6.18 with no walk at all (three rounds each, in turns).
 */
export async function scanTreeSize(
  paths: string[],
  excludes: string[],
  /** Asked after each directory (natively, every POLL_MS), with the bytes counted so far: true stops the walk. */
  cancelled: (bytesSoFar: number) => boolean,
): Promise<number> {
  if (addon && excludes.length === 0) return nativeScan(addon, paths, cancelled);
  const matcher = new ExcludeMatcher(excludes);
  let total = 0;
  const dirs: Buffer[] = [];
  for (const root of paths) {
    const path = Buffer.from(nodePath.resolve(root));
    const st = statOf(path);
    if (st?.isFile()) total += st.size;
    else if (st?.isDirectory()) dirs.push(path);
  }
  let sliceEnd = performance.now() + SLICE_MS;
  while (dirs.length > 0 && !cancelled(total)) {
    const dir = dirs.pop()!;
    for (const entry of listDir(dir, () => undefined)) {
      const name = Buffer.from(entry.name, 'latin1');
      const child = joinPath(dir, name);
      if (!matcher.empty && matcher.excludes(child.toString(), name.toString())) continue;
      if (entry.kind === 'dir') dirs.push(child);
      else if (entry.kind === 'file' || entry.kind === 'unknown') {
        const st = statOf(child);
        if (st?.isFile()) total += st.size;
        else if (st?.isDirectory()) dirs.push(child);
      }
    }
    if (performance.now() >= sliceEnd) {
      await nextTurn();
      sliceEnd = performance.now() + SLICE_MS;
    }
  }
  return total;
}

/** Vanished or unreadable entries count as nothing: the backup reports them. */
function statOf(path: Buffer): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function nativeScan(
  tree: TreeSizeAddon,
  paths: string[],
  cancelled: (bytesSoFar: number) => boolean,
): Promise<number> {
  // [0]: stop (set here); the 64-bit integer at byte 8: bytes counted so far (set by the addon).
  const shared = new Int32Array(new SharedArrayBuffer(16));
  const counted = new BigInt64Array(shared.buffer, 8, 1);
  if (cancelled(0)) return Promise.resolve(0);
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (cancelled(Number(Atomics.load(counted, 0)))) Atomics.store(shared, 0, 1);
    }, POLL_MS);
    tree.scan(
      paths.map((root) => Buffer.from(nodePath.resolve(root))),
      shared,
      (bytes) => {
        clearInterval(poll);
        resolve(bytes);
      },
    );
  });
}
