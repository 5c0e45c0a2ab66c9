/**
 * Worker-thread entry for FdSink: writes restored data to a file descriptor, so that a blocking
 * write to a slow pipe never holds up the thread that fetches and decodes.
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { collectYoungGarbage, compactHeap, COMPACT_AFTER_PIECES } from '../../repository/young-gc';
import { capYoungGeneration } from '../../core/young-generation';

export type SinkRequest = { data: Uint8Array } | { end: true };
export type SinkReply = { written: number } | { ended: true } | { error: string; code?: string };

function main(): void {
  capYoungGeneration(); // again: making this thread's isolate undid it
  const port = parentPort;
  if (!port) return;
  const fd = (workerData as { fd: number }).fd;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let failed = false;
  let pieces = 0;

  const writeAll = (data: Uint8Array) => {
    let at = 0;
    while (at < data.length) {
      try {
        at += writeSync(fd, data, at, data.length - at);
      } catch (error) {
        // A non-blocking descriptor (set so by some parent): wait for the reader, then go on.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        Atomics.wait(pause, 0, 0, 2);
      }
    }
  };

  port.on('message', (request: SinkRequest) => {
    if (failed) return;
    try {
      if ('end' in request) {
        port.postMessage({ ended: true } satisfies SinkReply);
        return;
      }
      writeAll(request.data);
      port.postMessage({ written: request.data.length } satisfies SinkReply);
      // Each piece is garbage once written; collect it now (see young-gc.ts).
      if (++pieces % 4 === 0) collectYoungGarbage();
      // Once started up, as the thread that feeds it does (young-gc.ts).
      if (pieces === COMPACT_AFTER_PIECES) compactHeap();
    } catch (error) {
      failed = true;
      const e = error as NodeJS.ErrnoException;
      port.postMessage({ error: e.message, code: e.code } satisfies SinkReply);
    }
  });
}

main();
