import { existsSync } from 'node:fs';
import { builtFile } from './worker-script';

/**
 * A native addon built by `npm run build` (scripts/build-native.js) beside the module in
 * `dirname`, or undefined where there is none: no C compiler at build time, a bundle (Lambda),
 * or a build for another platform or Node. Every addon is optional; its module says what it does
 * without it.
 */
export function loadNativeAddon<T>(dirname: string, file: string): T | undefined {
  const path = builtFile(dirname, file);
  if (!existsSync(path)) return undefined;
  try {
    // A .node file cannot be bundled or imported: it is loaded by path, at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path) as T;
  } catch {
    return undefined;
  }
}
