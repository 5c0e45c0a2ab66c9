import * as fs from 'node:fs';
import * as path from 'node:path';

/** Lifeboat's version: its package.json's, found above this file in the source tree and in dist/. */
export function lifeboatVersion(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'lifeboat' && manifest.version) return manifest.version;
  }
  return 'unknown';
}
