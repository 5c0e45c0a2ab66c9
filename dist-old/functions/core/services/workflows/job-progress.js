"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.JobProgress = void 0;
const errors_1 = require("../../errors");
const heartbeat_1 = require("./heartbeat");
/** Progress goes to the catalog at most this often, so a long job does not flood it. */
const PROGRESS_INTERVAL_MS = 2000;
/**
 * A running job's progress in the catalog: at most every 2 s, only forward, one write at a time.
 * `write` is the job's status-guarded update, so a late report cannot revive a finished job.
 * Fractions map onto 0..`max`; what is above is the later steps'.
 *
 * It is also how a job learns it was cancelled: at most every 2 s it asks `isCancelled` (and a
 * refused progress write says the same), and the next report then throws JobCancelledError,
 * which unwinds the job through its own error path (partial packs abandoned, no snapshot).
 */
class JobProgress {
    write;
    lastPercent;
    max;
    isCancelled;
    what;
    lastReport = Date.now();
    lastCheck = Date.now();
    reporting = Promise.resolve();
    stopped = false;
    constructor(write, lastPercent, max, isCancelled, what = 'job') {
        this.write = write;
        this.lastPercent = lastPercent;
        this.max = max;
        this.isCancelled = isCancelled;
        this.what = what;
    }
    /** The job is alive and working: heartbeat, and stop here if it was cancelled. */
    alive() {
        (0, heartbeat_1.heartbeat)();
        if (this.stopped)
            throw new errors_1.JobCancelledError(this.what);
        if (this.isCancelled && Date.now() - this.lastCheck >= PROGRESS_INTERVAL_MS) {
            this.lastCheck = Date.now();
            this.isCancelled().then((cancelled) => (this.stopped ||= cancelled), () => undefined);
        }
    }
    report(fraction) {
        this.alive();
        if (!Number.isFinite(fraction) || Date.now() - this.lastReport < PROGRESS_INTERVAL_MS)
            return;
        const percent = Math.min(this.max, Math.floor(fraction * (this.max + 1)));
        if (percent <= this.lastPercent)
            return;
        this.lastReport = Date.now();
        this.lastPercent = percent;
        // A refused write: the job is no longer running (cancelled), so the work stops too.
        this.reporting = this.reporting.then(() => this.write(percent)).catch(() => (this.stopped = true));
    }
    settled() {
        return this.reporting;
    }
}
exports.JobProgress = JobProgress;
//# sourceMappingURL=job-progress.js.map