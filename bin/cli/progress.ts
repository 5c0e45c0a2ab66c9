import { SingleBar } from 'cli-progress';
import { count, formatBytes } from './output';

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

/** Seconds left as `42s` or `3m05s` (rounded up: never `1m60s`). */
export function eta(seconds: number): string {
  const whole = Math.ceil(seconds);
  return whole < 60 ? `${whole}s` : `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/**
 * Files, bytes, rate and (once the total is known) percentage and ETA, on stderr when it is a
 * TTY; the caller prints the final summary line.
 */
export class TreeProgress {
  private readonly bar: SingleBar | undefined;
  private readonly started = Date.now();
  private last = 0;
  private total: number | undefined;
  private files = 0;
  private bytes = 0;

  constructor(label: string, total?: number, enabled = Boolean(process.stderr.isTTY)) {
    if (!enabled) return;
    this.total = total;
    this.bar = new SingleBar({
      stream: process.stderr,
      format: `${label} {files}, {done}{all} | {rate}/s{remaining}`,
      hideCursor: true,
      clearOnComplete: true,
    });
    this.bar.start(total ?? 0, 0, this.payload(0));
  }

  get visible(): boolean {
    return this.bar !== undefined;
  }

  /** The expected total of bytes, when known (from a scan or an earlier backup): enables the ETA. */
  setTotal(bytes: number): void {
    this.total = bytes;
    this.bar?.setTotal(bytes);
  }

  private payload(elapsed: number) {
    const rate = this.bytes / Math.max(elapsed, 0.001);
    let remaining = '';
    if (this.total && rate > 0 && elapsed > 1) {
      remaining = ` | ETA ${eta(Math.max(0, (this.total - this.bytes) / rate))}`;
    }
    return {
      files: count(this.files, 'file'),
      done: formatBytes(this.bytes),
      all: this.total ? ` of ${formatBytes(this.total)}` : '',
      rate: formatBytes(rate),
      // Not "eta": cli-progress fills that token itself, from the bar's own total.
      remaining,
    };
  }

  update(files: number, bytes: number): void {
    this.files = files;
    this.bytes = bytes;
    if (!this.bar) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    this.bar.update(Math.min(bytes, this.total ?? bytes), this.payload((now - this.started) / 1000));
  }

  stop(): void {
    this.bar?.stop();
  }
}
