import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import * as path from 'node:path';

// The CLI loads about 300 modules (2.5 MB of JavaScript; zod alone is 1 MB) before it does
// anything, on every command. Node keeps the compiled code of each on disk (checked against the
// source) when asked: the modules of a one-file backup took 188-237 ms to load with the cache
// against 225-319 ms without it. The cache is the user's own ($XDG_CACHE_HOME/lifeboat, by
// default ~/.cache/lifeboat), not Node's default in the shared temporary directory: code read from
// a directory another user could have made first would run as whoever runs the backup, often
// root. Nor is it in LIFEBOAT_HOME, which a command that fails leaves as it found it. Anything
// that goes wrong with the cache only means compiling again; NODE_DISABLE_COMPILE_CACHE=1 turns
// it off.
try {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  enableCompileCache(path.join(path.resolve(cacheHome), 'lifeboat', 'compile'));
} catch {
  // No home directory to be found (a user without one): no cache, the same commands.
}
