import { heartbeat } from './heartbeat';

/** Progress goes to the catalog at most this often, so a long job does not flood it. */
const PROGRESS_INTERVAL_MS = 2000;

/**
 * A running job's progress in the catalog: at most every 2 s, only forward, one write at a time.
 * `write` is the job's status-guarded update, so a late report cannot revive a finished job.
 * Fractions map onto 0..`max`; what is above is the later steps'.
 */
export class JobProgress {
  private lastReport = Date.now();
  private reporting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly write: (percent: number) => Promise<unknown>,
    private lastPercent: number,
    private readonly max: number,
  ) {}

  report(fraction: number): void {
    heartbeat();
    if (!Number.isFinite(fraction) || Date.now() - this.lastReport < PROGRESS_INTERVAL_MS) return;
    const percent = Math.min(this.max, Math.floor(fraction * (this.max + 1)));
    if (percent <= this.lastPercent) return;
    this.lastReport = Date.now();
    this.lastPercent = percent;
    this.reporting = this.reporting.then(() => this.write(percent)).catch(() => undefined);
  }

  settled(): Promise<unknown> {
    return this.reporting;
  }
}
