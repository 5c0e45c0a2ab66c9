/** A native addon whose threads take batches and reply to each (file-writer.c, file-checker.c). */
export interface BatchAddon<Setup, Batch, Reply> {
  open(setup: Setup, report: (reply: Reply, fatal: string | undefined) => void): object;
  submit(lane: object, batch: Batch): void;
  close(lane: object): void;
}

/**
 * One native thread of such an addon: batches posted, replies matched to them by sequence number
 * (as batch-slots.ts's Replies does for worker threads). A fatal error of the thread fails the
 * pool through `onFailure` and every batch still out.
 */
export class NativeBatchLane<Setup, Batch extends { seq: number }, Reply extends { seq: number }> {
  private readonly lane: object;
  private readonly sent = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (error: unknown) => void }
  >();

  constructor(
    private readonly addon: BatchAddon<Setup, Batch, Reply>,
    setup: Setup,
    what: string,
    onFailure: (error: Error) => void,
  ) {
    this.lane = addon.open(setup, (reply, fatal) => {
      try {
        if (fatal !== undefined) {
          const error = new Error(`the ${what} failed: ${fatal}`);
          onFailure(error);
          this.failAll(error);
          return;
        }
        const sent = this.sent.get(reply.seq);
        this.sent.delete(reply.seq);
        sent?.resolve(reply);
      } catch (error) {
        onFailure(error as Error);
      }
    });
  }

  post(batch: Batch): Promise<Reply> {
    const reply = new Promise<Reply>((resolve, reject) => this.sent.set(batch.seq, { resolve, reject }));
    this.addon.submit(this.lane, batch);
    return reply;
  }

  private failAll(error: unknown): void {
    for (const sent of this.sent.values()) sent.reject(error);
    this.sent.clear();
  }

  /** Stops the thread after the batch at hand; batches still out are rejected. */
  close(): void {
    this.addon.close(this.lane);
    this.failAll(new Error('the native thread was closed'));
  }
}
