"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.nanosecondTimes = void 0;
exports.splitNanos = splitNanos;
exports.setFileTimes = setFileTimes;
exports.setPathTimes = setPathTimes;
const node_fs_1 = require("node:fs");
const node_util_1 = require("node:util");
const native_addon_1 = require("../../core/native-addon");
/** LIFEBOAT_NO_NANO_TIMES (any value) leaves the addon out: the tests of the fallback set it. */
const addon = process.env['LIFEBOAT_NO_NANO_TIMES']
    ? undefined
    : (0, native_addon_1.loadNativeAddon)(__dirname, 'nano-times.node');
/** Whether times are set to the nanosecond here (else to the microsecond). */
exports.nanosecondTimes = addon !== undefined;
/** A time in nanoseconds since the epoch as a SplitTime. */
function splitNanos(ns) {
    let seconds = ns / 1000000000n;
    let nanos = ns % 1000000000n;
    if (nanos < 0n) {
        seconds -= 1n;
        nanos += 1000000000n;
    }
    return { seconds: Number(seconds), nanos: Number(nanos) };
}
/**
 * Seconds as a double, which is what Node's utimes takes: exact to the microsecond, not the
 * nanosecond. libuv truncates to nanoseconds, and a double near 1.7e9 s is off by up to 0.12 µs,
 * so 0.4 µs are added to land inside the right microsecond instead of just below it.
 */
function asDouble({ seconds, nanos }) {
    return (seconds * 1e6 + Math.floor(nanos / 1000)) / 1e6 + 4e-7;
}
function failed(errno, call, where) {
    const code = (0, node_util_1.getSystemErrorName)(-errno);
    return Object.assign(new Error(`${code}: cannot set the times of ${where} (${call})`), {
        errno: -errno,
        code,
        syscall: call,
    });
}
/** Sets the times of the open file `fd`. */
function setFileTimes(fd, time) {
    if (!addon) {
        const seconds = asDouble(time);
        return (0, node_fs_1.futimesSync)(fd, seconds, seconds);
    }
    const errno = addon.setFd(fd, time.seconds, time.nanos);
    if (errno !== 0)
        throw failed(errno, 'futimens', `descriptor ${fd}`);
}
/**
 * Sets the times of the entry at `entry` (its bytes); with `noFollow`, those of a symbolic link
 * itself rather than of what it points to.
 */
function setPathTimes(entry, mtimeNs, noFollow = false) {
    const time = splitNanos(mtimeNs);
    if (!addon) {
        const seconds = asDouble(time);
        return noFollow ? (0, node_fs_1.lutimesSync)(entry, seconds, seconds) : (0, node_fs_1.utimesSync)(entry, seconds, seconds);
    }
    const errno = addon.setPath(entry, time.seconds, time.nanos, noFollow);
    if (errno !== 0)
        throw failed(errno, 'utimensat', JSON.stringify(entry.toString('latin1')));
}
//# sourceMappingURL=nano-times.js.map