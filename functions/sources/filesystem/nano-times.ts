import { futimesSync, lutimesSync, utimesSync } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import { loadNativeAddon } from '../../core/native-addon';

/**
 * An entry's times, set to the nanosecond where the small native addon beside this module
 * (nano-times.c, built by `npm run build` when a C compiler is there) can be loaded, and to the
 * microsecond through Node otherwise: Node's utimes calls take seconds as a double, which libuv
 * cuts to microseconds. A snapshot holds nanoseconds; `make`, `rsync` and git compare them.
 * Both set the access time to the modification time, as a restore always did.
 */
interface NanoTimesAddon {
  setFd(fd: number, seconds: number, nanos: number): number;
  setPath(path: Buffer, seconds: number, nanos: number, noFollow: boolean): number;
}

/** LIFEBOAT_NO_NANO_TIMES (any value) leaves the addon out: the tests of the fallback set it. */
const addon = process.env['LIFEBOAT_NO_NANO_TIMES']
  ? undefined
  : loadNativeAddon<NanoTimesAddon>(__dirname, 'nano-times.node');

/** Whether times are set to the nanosecond here (else to the microsecond). */
export const nanosecondTimes = addon !== undefined;

/** A time as whole seconds since the epoch and nanoseconds (0-999,999,999), two exact numbers. */
export interface SplitTime {
  seconds: number;
  nanos: number;
}

/** A time in nanoseconds since the epoch as a SplitTime. */
export function splitNanos(ns: bigint): SplitTime {
  let seconds = ns / 1_000_000_000n;
  let nanos = ns % 1_000_000_000n;
  if (nanos < 0n) {
    seconds -= 1n;
    nanos += 1_000_000_000n;
  }
  return { seconds: Number(seconds), nanos: Number(nanos) };
}

/**
 * Seconds as a double, which is what Node's utimes takes: exact to the microsecond, not the
 * nanosecond. libuv truncates to nanoseconds, and a double near 1.7e9 s is off by up to 0.12 µs,
 * so 0.4 µs are added to land inside the right microsecond instead of just below it.
 */
function asDouble({ seconds, nanos }: SplitTime): number {
  return (seconds * 1e6 + Math.floor(nanos / 1000)) / 1e6 + 4e-7;
}

function failed(errno: number, call: string, where: string): NodeJS.ErrnoException {
  const code = getSystemErrorName(-errno);
  return Object.assign(new Error(`${code}: cannot set the times of ${where} (${call})`), {
    errno: -errno,
    code,
    syscall: call,
  });
}

/** Sets the times of the open file `fd`. */
export function setFileTimes(fd: number, time: SplitTime): void {
  if (!addon) {
    const seconds = asDouble(time);
    return futimesSync(fd, seconds, seconds);
  }
  const errno = addon.setFd(fd, time.seconds, time.nanos);
  if (errno !== 0) throw failed(errno, 'futimens', `descriptor ${fd}`);
}

/**
 * Sets the times of the entry at `entry` (its bytes); with `noFollow`, those of a symbolic link
 * itself rather than of what it points to.
 */
export function setPathTimes(entry: Buffer, mtimeNs: bigint, noFollow = false): void {
  const time = splitNanos(mtimeNs);
  if (!addon) {
    const seconds = asDouble(time);
    return noFollow ? lutimesSync(entry, seconds, seconds) : utimesSync(entry, seconds, seconds);
  }
  const errno = addon.setPath(entry, time.seconds, time.nanos, noFollow);
  if (errno !== 0) throw failed(errno, 'utimensat', JSON.stringify(entry.toString('latin1')));
}
