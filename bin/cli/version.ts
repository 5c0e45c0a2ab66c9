import * as fs from 'node:fs';
import * as path from 'node:path';

// Set by the CDK app's esbuild bundling (lib/workers.ts), where no package.json sits above the code.
declare const LIFEBOAT_BUNDLED_VERSION: string | undefined;

/**
 * Lifeboat's version: its package.json's, found above this file in the source tree and in dist/,
 * or the one a Lambda bundle was built with.
 */
export function lifeboatVersion(): string {
  if (typeof LIFEBOAT_BUNDLED_VERSION === 'string') return LIFEBOAT_BUNDLED_VERSION;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'lifeboat' && manifest.version) return manifest.version;
  }
  return 'unknown';
}
