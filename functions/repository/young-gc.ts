import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options?: { type: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let gc: GcFunction | undefined;

/**
 * Frees the buffers that streaming leaves behind, now rather than whenever V8 gets to them.
 * A backup allocates large buffers but few JS objects, so V8 sees little reason to collect and
 * dead buffers pile up to hundreds of MiB of resident memory. A young-generation collection is
 * cheap (the young heap is small) and releases their memory at once; it keeps peak RSS flat.
 */
export function collectYoungGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as GcFunction;
  }
  gc({ type: 'minor' });
}
