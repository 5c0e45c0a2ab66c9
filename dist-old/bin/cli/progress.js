"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TreeProgress = exports.ByteProgress = void 0;
exports.eta = eta;
const cli_progress_1 = require("cli-progress");
const output_1 = require("./output");
/**
 * Bytes and rate on stderr while a long run goes on, only when a person is watching (a TTY);
 * nothing at all when piped, so logs and scripts stay clean.
 */
class ByteProgress {
    bar;
    started = Date.now();
    last = 0;
    constructor(label, total, enabled = Boolean(process.stderr.isTTY)) {
        if (!enabled)
            return;
        this.bar = new cli_progress_1.SingleBar({
            stream: process.stderr,
            format: total
                ? `${label} {bar} {percentage}% | {done} of {all} | {rate}/s | ETA {eta_formatted}`
                : `${label} {done} | {rate}/s`,
            hideCursor: true,
            clearOnComplete: true,
            barsize: 24,
        });
        this.bar.start(total ?? 0, 0, { done: '0 B', all: total ? (0, output_1.formatBytes)(total) : '', rate: '0 B' });
    }
    update(bytes) {
        if (!this.bar)
            return;
        const now = Date.now();
        if (now - this.last < 200)
            return;
        this.last = now;
        const rate = bytes / Math.max((now - this.started) / 1000, 0.001);
        this.bar.update(bytes, { done: (0, output_1.formatBytes)(bytes), rate: (0, output_1.formatBytes)(rate) });
    }
    stop() {
        this.bar?.stop();
    }
}
exports.ByteProgress = ByteProgress;
/** Seconds left as `42s` or `3m05s` (rounded up: never `1m60s`). */
function eta(seconds) {
    const whole = Math.ceil(seconds);
    return whole < 60 ? `${whole}s` : `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}
/**
 * Files, bytes, rate and (once the total is known) percentage and ETA, on stderr when it is a
 * TTY; the caller prints the final summary line.
 */
class TreeProgress {
    bar;
    started = Date.now();
    last = 0;
    total;
    files = 0;
    bytes = 0;
    constructor(label, total, enabled = Boolean(process.stderr.isTTY)) {
        if (!enabled)
            return;
        this.total = total;
        this.bar = new cli_progress_1.SingleBar({
            stream: process.stderr,
            format: `${label} {files}, {done}{all} | {rate}/s{remaining}`,
            hideCursor: true,
            clearOnComplete: true,
        });
        this.bar.start(total ?? 0, 0, this.payload(0));
    }
    get visible() {
        return this.bar !== undefined;
    }
    /** The expected total of bytes, when known (from a scan or an earlier backup): enables the ETA. */
    setTotal(bytes) {
        this.total = bytes;
        this.bar?.setTotal(bytes);
    }
    payload(elapsed) {
        const rate = this.bytes / Math.max(elapsed, 0.001);
        let remaining = '';
        if (this.total && rate > 0 && elapsed > 1) {
            remaining = ` | ETA ${eta(Math.max(0, (this.total - this.bytes) / rate))}`;
        }
        return {
            files: (0, output_1.count)(this.files, 'file'),
            done: (0, output_1.formatBytes)(this.bytes),
            all: this.total ? ` of ${(0, output_1.formatBytes)(this.total)}` : '',
            rate: (0, output_1.formatBytes)(rate),
            // Not "eta": cli-progress fills that token itself, from the bar's own total.
            remaining,
        };
    }
    update(files, bytes) {
        this.files = files;
        this.bytes = bytes;
        if (!this.bar)
            return;
        const now = Date.now();
        if (now - this.last < 200)
            return;
        this.last = now;
        this.bar.update(Math.min(bytes, this.total ?? bytes), this.payload((now - this.started) / 1000));
    }
    stop() {
        this.bar?.stop();
    }
}
exports.TreeProgress = TreeProgress;
//# sourceMappingURL=progress.js.map