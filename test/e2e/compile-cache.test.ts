/**
 * The CLI asks Node to keep the compiled code of its modules on disk (bin/cli/compile-cache.ts):
 * every command loads about 300 of them first. The cache is the user's ($XDG_CACHE_HOME/lifeboat),
 * never in the shared temporary directory (where another user could have planted code).
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { runCli, TempHome } from '../helpers/cli';

let home: TempHome;
let cache: TempHome;
let tmp: TempHome;
beforeEach(() => {
  home = new TempHome('lifeboat-compile-home-');
  cache = new TempHome('lifeboat-compile-cache-');
  tmp = new TempHome('lifeboat-compile-tmp-');
});
afterEach(() => {
  for (const dir of [home, cache, tmp]) dir.cleanup();
});

function cachedFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).length;
}

test("a command leaves its modules compiled in the user's cache, and runs again from there", async () => {
  const env = { ...home.env, TMPDIR: tmp.dir, XDG_CACHE_HOME: cache.dir };
  const first = await runCli(['--version'], { env });
  expect(first.code).toBe(0);
  expect(cachedFiles(path.join(cache.dir, 'lifeboat', 'compile'))).toBeGreaterThan(0);
  expect(cachedFiles(tmp.dir)).toBe(0);
  expect(cachedFiles(home.dir)).toBe(0);
  const second = await runCli(['--version'], { env });
  expect(second.code).toBe(0);
  expect(second.stdout.toString()).toBe(first.stdout.toString());
});

test('NODE_DISABLE_COMPILE_CACHE=1 turns it off', async () => {
  const env = { ...home.env, XDG_CACHE_HOME: cache.dir, NODE_DISABLE_COMPILE_CACHE: '1' };
  expect((await runCli(['--version'], { env })).code).toBe(0);
  expect(cachedFiles(cache.dir)).toBe(0);
});
