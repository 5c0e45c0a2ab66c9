/**
 * The CLI caps glibc's malloc arenas at two (malloc-arenas.ts) so that freed memory is not kept
 * apart per thread. The cap is process-wide, so each case runs in a Node process of its own: a
 * preloaded script waits until the program has loaded, starts four worker threads that allocate
 * at the same time, and reports the arenas counted before and after them. The addon is built by
 * `npm run build`; this suite fails where it was not built (CI sets LIFEBOAT_NATIVE=require).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fixMmapThreshold, limitMallocArenas, mallocArenaCount } from '../../functions/core/malloc-arenas';
import { CLI, NODE, ROOT } from '../helpers/cli';

const MODULE = path.join(ROOT, 'dist', 'functions', 'core', 'malloc-arenas.js');

const PRELOAD = `
const { isMainThread, Worker } = require('node:worker_threads');
if (isMainThread) {
  const arenas = require(${JSON.stringify(MODULE)});
  if (process.env.TEST_LIMIT) arenas.limitMallocArenas();
  const body = "const keep = []; for (let i = 0; i < 4000; i++) { keep.push(Buffer.allocUnsafeSlow(2048 + i)); if (keep.length > 64) keep.shift(); } require('node:worker_threads').parentPort.postMessage(0);";
  setImmediate(() => {
    const before = arenas.mallocArenaCount();
    const workers = Array.from({ length: 4 }, () => new Worker(body, { eval: true }));
    Promise.all(workers.map((w) => new Promise((done) => w.once('message', done)))).then(() => {
      process.stderr.write('ARENAS ' + JSON.stringify({ before, after: arenas.mallocArenaCount() }) + '\\n');
      process.exit(0);
    });
  });
}`;

let dir: string;
let preload: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-arenas-'));
  preload = path.join(dir, 'preload.js');
  writeFileSync(preload, PRELOAD);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No MALLOC_ARENA_MAX or GLIBC_TUNABLES of the operator's unless given. */
function arenasAround(args: string[], env: NodeJS.ProcessEnv = {}): { before: number; after: number } {
  const { stderr } = spawnSync(NODE, ['-r', preload, ...args], {
    env: { ...process.env, MALLOC_ARENA_MAX: '', GLIBC_TUNABLES: '', ...env },
    encoding: 'utf8',
  });
  const line = stderr.split('\n').find((l) => l.startsWith('ARENAS '));
  if (!line) throw new Error(`no arena count in: ${stderr}`);
  return JSON.parse(line.slice('ARENAS '.length)) as { before: number; after: number };
}

test('the addon is built and counts the arenas glibc made', () => {
  expect(mallocArenaCount()).toBeGreaterThanOrEqual(1);
});

test('with the cap, threads that start later make no new arena; without it, each makes one', () => {
  const capped = arenasAround(['-e', ''], { TEST_LIMIT: '1' });
  expect(capped.after).toBeLessThanOrEqual(Math.max(capped.before, 2));
  const free = arenasAround(['-e', '']);
  expect(free.after).toBeGreaterThanOrEqual(free.before + 3);
});

test('the CLI caps them before it does anything', () => {
  const cli = arenasAround([CLI, '--version']);
  expect(cli.after).toBeLessThanOrEqual(Math.max(cli.before, 2));
});

test("an operator's MALLOC_ARENA_MAX or GLIBC_TUNABLES wins over the cap", () => {
  expect(limitMallocArenas(2, { MALLOC_ARENA_MAX: '8' })).toBe(false);
  expect(limitMallocArenas(2, { GLIBC_TUNABLES: 'glibc.malloc.arena_max=8' })).toBe(false);
  const chosen = arenasAround([CLI, '--version'], { MALLOC_ARENA_MAX: '64' });
  expect(chosen.after).toBeGreaterThanOrEqual(chosen.before + 3);
});

function withoutMallocSettings(): NodeJS.ProcessEnv {
  const { MALLOC_MMAP_THRESHOLD_: _threshold, GLIBC_TUNABLES: _tunables, ...rest } = process.env;
  return rest;
}

/** What mappedAfterFree says in a fresh Node process, after `setup` ran there. */
function mappedAfterFreeIn(setup: string, env: NodeJS.ProcessEnv = {}): boolean {
  const script = `const m = require(${JSON.stringify(MODULE)}); ${setup}; process.stdout.write(String(m.mappedAfterFree()));`;
  const { stdout, stderr } = spawnSync(NODE, ['-e', script], {
    // Unset, not empty: glibc reads an empty MALLOC_MMAP_THRESHOLD_ as 0.
    env: { ...withoutMallocSettings(), ...env },
    encoding: 'utf8',
  });
  if (stdout !== 'true' && stdout !== 'false') throw new Error(`no answer from the probe: ${stderr}`);
  return stdout === 'true';
}

test('with the mmap threshold fixed, a block freed does not raise it: the next large block is mapped', () => {
  // glibc's own rule: a freed 24 MiB mapping moves the threshold there, so 16 MiB comes from an arena.
  expect(mappedAfterFreeIn('')).toBe(false);
  expect(mappedAfterFreeIn('m.fixMmapThreshold()')).toBe(true);
  // The CLI fixes it first thing (bin/cli/malloc-arenas.ts), as it caps the arenas.
  expect(
    mappedAfterFreeIn(
      `require(${JSON.stringify(path.join(ROOT, 'dist', 'bin', 'cli', 'malloc-arenas.js'))})`,
    ),
  ).toBe(true);
  // An operator's setting wins.
  expect(fixMmapThreshold(262144, { MALLOC_MMAP_THRESHOLD_: '1048576' })).toBe(false);
  expect(
    mappedAfterFreeIn('m.fixMmapThreshold()', { MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024) }),
  ).toBe(false);
});
