import type { DatabaseDump } from './strategy';

/**
 * The life of a dump: its bytes stream once; `describe` is asked after they have all gone
 * through; `release` (stop the tool, end the connections) runs exactly once, after the
 * description or as soon as the stream is abandoned or fails.
 */
export function dumpSession<T extends { kind: string }>(parts: {
  bytes: AsyncIterable<Buffer>;
  describe: () => Promise<T>;
  release: () => Promise<void>;
}): Omit<DatabaseDump, 'info'> & { info(): Promise<T> } {
  let released = false;
  const close = async () => {
    if (released) return;
    released = true;
    await parts.release();
  };
  let finished = false;
  async function* stream(): AsyncGenerator<Buffer> {
    try {
      yield* parts.bytes;
      finished = true;
    } finally {
      if (!finished) await close();
    }
  }
  return {
    stream: stream(),
    close,
    info: async () => {
      try {
        return await parts.describe();
      } finally {
        await close();
      }
    },
  };
}
