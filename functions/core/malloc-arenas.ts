import { loadNativeAddon } from './native-addon';

interface MallocArenasAddon {
  limit(arenas: number): boolean;
  count(): number;
  mmapThreshold(bytes: number): boolean;
  mappedAfterFree(): boolean;
}

/**
 * The cap on glibc's malloc arenas, which the Lambda functions and Fargate tasks get as
 * MALLOC_ARENA_MAX. A first backup of the Linux source tree ended with 12 arenas: those of the
 * worker threads, V8's and libuv's held 34 MiB, less than 1 MiB of it in use. With two, its peak
 * resident memory was 243-250 MiB against 260-266 without (tmpfs, three rounds each, in turns), in
 * the same time; a restore of it peaked at 242-252 MiB against 252-265, in 3% more time (five
 * rounds each; within the run-to-run spread).
 */
export const MALLOC_ARENAS = 2;

let loaded: { addon?: MallocArenasAddon } | undefined;

/** Loaded on first use: the CDK app reads MALLOC_ARENAS and has no use for the addon. */
function addon(): MallocArenasAddon | undefined {
  loaded ??= { addon: loadNativeAddon<MallocArenasAddon>(__dirname, 'malloc-arenas.node') };
  return loaded.addon;
}

/**
 * Caps glibc's malloc arenas at `arenas` for the threads that start after this call (malloc-arenas.c
 * says why). Does nothing, and returns false, where the addon is not built, the C library is not
 * glibc, or the operator chose for the process (MALLOC_ARENA_MAX or GLIBC_TUNABLES).
 */
export function limitMallocArenas(arenas = MALLOC_ARENAS, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['MALLOC_ARENA_MAX'] || env['GLIBC_TUNABLES']?.includes('arena_max')) return false;
  return addon()?.limit(arenas) ?? false;
}

/** The arenas glibc has made so far; undefined where that cannot be told (no addon, not glibc). */
export function mallocArenaCount(): number | undefined {
  const count = addon()?.count();
  return count === undefined || count < 0 ? undefined : count;
}

/**
 * The size from which glibc maps a block on its own (returned to the system when freed), fixed.
 * glibc moves it up to the size of each mapped block freed (to 32 MiB), and blocks of that size
 * then come from the arenas, where memory freed stays resident: a backup's pack trailers and
 * index objects (0.5-1.6 MB each, made and freed again and again). Fixed at 256 KiB, the Linux
 * tree's first backup peaked at 123-125 MB instead of 128-129 (GNU time, two rounds each), for
 * 0.1-0.3 s more of the kernel's time. Does nothing, and returns false, where the addon is not
 * built, the C library is not glibc, or the operator chose (MALLOC_MMAP_THRESHOLD_ or
 * GLIBC_TUNABLES).
 */
export const MMAP_THRESHOLD_BYTES = 256 * 1024;

export function fixMmapThreshold(
  bytes = MMAP_THRESHOLD_BYTES,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env['MALLOC_MMAP_THRESHOLD_'] || env['GLIBC_TUNABLES']?.includes('mmap_threshold')) return false;
  return addon()?.mmapThreshold(bytes) ?? false;
}

/** Whether a large block allocated right after a larger one was freed is mapped on its own (tests). */
export function mappedAfterFree(): boolean | undefined {
  return addon()?.mappedAfterFree();
}
