import { SingleBar } from 'cli-progress';
import { formatBytes } from './output';

/**
 * Bytes and rate on stderr while a long run goes on, only when a person is watching (a TTY);
 * nothing at all when piped, so logs and scripts stay clean.
 */
export class ByteProgress {
  private readonly bar: SingleBar | undefined;
  private readonly started = Date.now();
  private last = 0;

  constructor(label: string, total?: number, enabled = Boolean(process.stderr.isTTY)) {
    if (!enabled) return;
    this.bar = new SingleBar({
      stream: process.stderr,
      format: total
        ? `${label} {bar} {percentage}% | {done} of {all} | {rate}/s | ETA {eta_formatted}`
        : `${label} {done} | {rate}/s`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
    });
    this.bar.start(total ?? 0, 0, { done: '0 B', all: total ? formatBytes(total) : '', rate: '0 B' });
  }

  update(bytes: number): void {
    if (!this.bar) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const rate = bytes / Math.max((now - this.started) / 1000, 0.001);
    this.bar.update(bytes, { done: formatBytes(bytes), rate: formatBytes(rate) });
  }

  stop(): void {
    this.bar?.stop();
  }
}
