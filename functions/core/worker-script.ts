import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Path of a worker-thread entry compiled to JavaScript. From dist/ it is the sibling .js file;
 * under ts-jest the caller is a .ts source, and the build in dist/ is used (npm test builds first).
 */
export function workerScript(dirname: string, name: string): string {
  const sibling = path.join(dirname, `${name}.js`);
  if (existsSync(sibling)) return sibling;
  const root = path.join(__dirname, '..', '..');
  return path.join(root, 'dist', path.relative(root, dirname), `${name}.js`);
}
