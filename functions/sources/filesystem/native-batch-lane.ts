import { Replies } from '../../core/batch-slots';

/** A native addon whose threads take batches and reply to each (file-writer.c, file-checker.c). */
export interface BatchAddon<Setup, Batch, Reply> {
  open(setup: Setup, report: (reply: Reply, fatal: string | undefined) => void): object;
  submit(lane: object, batch: Batch): void;
  close(lane: object): void;
}

/**
 * What a native thread reports, to `onValue`; a fatal error it reports (the thread cannot go on),
 * or one thrown while handling a value, to `onFailure`. The addons call it on the main thread and
 * expect it not to throw.
 */
export function nativeReport<T>(
  what: string,
  onValue: (value: T) => void,
  onFailure: (error: Error) => void,
): (value: T, fatal: string | undefined) => void {
  return (value, fatal) => {
    try {
      if (fatal !== undefined) onFailure(new Error(`the ${what} failed: ${fatal}`));
      else onValue(value);
    } catch (error) {
      onFailure(error as Error);
    }
  };
}

/**
 * One native thread of such an addon: batches posted, replies matched to them by sequence number
 * (batch-slots.ts's Replies, as for worker threads). A fatal error of the thread fails the pool
 * through `onFailure` and every batch still out.
 */
export class NativeBatchLane<Setup, Batch extends { seq: number }, Reply extends { seq: number }> {
  private readonly lane: object;
  private readonly replies = new Replies<Reply>();

  constructor(
    private readonly addon: BatchAddon<Setup, Batch, Reply>,
    setup: Setup,
    what: string,
    onFailure: (error: Error) => void,
  ) {
    const fail = (error: Error) => {
      onFailure(error);
      this.replies.failAll(error);
    };
    this.lane = addon.open(
      setup,
      nativeReport(what, (reply: Reply) => this.replies.deliver(reply), fail),
    );
  }

  post(batch: Batch): Promise<Reply> {
    const reply = this.replies.expect(batch.seq);
    this.addon.submit(this.lane, batch);
    return reply;
  }

  /** Stops the thread after the batch at hand; batches still out are rejected. */
  close(): void {
    this.addon.close(this.lane);
    this.replies.failAll(new Error('the native thread was closed'));
  }
}
