/**
 * Sealed records are staged in buffers of this one size (a bigger record spans several): records
 * of a different size each, each in an allocation of its own, left glibc's arenas in pieces no
 * later record fitted, and a 4 GiB cloud backup's peak RSS grew with the stream (BENCHMARKS.md).
 */
export const STAGING_BYTES = 64 * 1024;

/** Enough for the pieces a pack's body and a store's write hold at once (1 MiB each), twice. */
const KEPT_BUFFERS = 64;

/**
 * The staging buffers of one thread's pack writers, each used again once the store has written
 * it out or copied it (PieceQueue.consumed). A new buffer per 64 KiB was 21,000 allocations over
 * a backup of the Linux tree; the ones that outlived a young collection waited for a full one,
 * with glibc holding their pages.
 */
export class StagingBuffers {
  private readonly free: Buffer<ArrayBuffer>[] = [];
  /** Memory handed out and not given back yet: only that is taken back, and once. */
  private readonly out = new WeakSet<ArrayBuffer>();

  take(): Buffer<ArrayBuffer> {
    const buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(STAGING_BYTES);
    this.out.add(buffer.buffer);
    return buffer;
  }

  /**
   * Takes back the buffer under `piece` (a view of one from take()), which nothing may read or
   * write afterwards. Anything else is left alone: a trailer, a header, a buffer given twice.
   */
  give(piece: Buffer): void {
    const memory = piece.buffer;
    if (!(memory instanceof ArrayBuffer) || !this.out.delete(memory) || this.free.length >= KEPT_BUFFERS)
      return;
    this.free.push(Buffer.from(memory, 0, STAGING_BYTES));
  }

  /** Buffers waiting to be taken again. */
  get kept(): number {
    return this.free.length;
  }
}

/** This thread's (pack writers run on a backup's main thread). */
export const stagingBuffers = new StagingBuffers();
