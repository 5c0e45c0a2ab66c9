import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

type GcFunction = (options?: { type: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let mainGc: GcFunction | undefined;

/**
 * Makes young-generation collections available: call on the main thread before starting workers.
 * The flag is process-wide, so every worker created afterwards finds `gc` on its global object;
 * the main thread, whose context already exists, takes it from a fresh context once, here, while
 * it is the only thread (creating such contexts from several threads at once is not safe).
 */
export function enableYoungGc(): void {
  if (mainGc || !isMainThread) return;
  setFlagsFromString('--expose-gc');
  mainGc = runInNewContext('gc') as GcFunction;
}

/**
 * Frees the buffers that streaming leaves behind, now rather than whenever V8 gets to them.
 * A backup allocates large buffers but few JS objects, so V8 sees little reason to collect and
 * dead buffers pile up to hundreds of MiB of resident memory. A young-generation collection is
 * cheap (the young heap is small) and releases their memory at once; it keeps peak RSS flat.
 * Does nothing where enableYoungGc() was not called first.
 */
export function collectYoungGarbage(): void {
  const gc = mainGc ?? (globalThis as { gc?: GcFunction }).gc;
  gc?.({ type: 'minor' });
}

/**
 * Calls collectYoungGarbage once per `everyBytes` of work, as the caller counts it (bytes
 * handled, plus a weight per item so that many small items count too).
 */
export class YoungGcPacer {
  private since = 0;

  constructor(private readonly everyBytes: number) {}

  add(bytes: number): void {
    this.since += bytes;
    if (this.since >= this.everyBytes) {
      this.since = 0;
      collectYoungGarbage();
    }
  }
}
