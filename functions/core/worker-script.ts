import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Path of a file the build puts beside the compiled module in `dirname` (a worker's script, a
 * native addon). From dist/ it is the sibling; under ts-jest the caller is a .ts source, and the
 * build's copy in dist/ is used (npm test builds first).
 */
export function builtFile(dirname: string, file: string): string {
  const sibling = path.join(dirname, file);
  if (existsSync(sibling)) return sibling;
  const root = path.join(__dirname, '..', '..');
  return path.join(root, 'dist', path.relative(root, dirname), file);
}

/** Path of a worker-thread entry compiled to JavaScript (see builtFile). */
export function workerScript(dirname: string, name: string): string {
  return builtFile(dirname, `${name}.js`);
}
