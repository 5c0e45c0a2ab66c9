"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MALLOC_ARENAS = void 0;
exports.limitMallocArenas = limitMallocArenas;
exports.mallocArenaCount = mallocArenaCount;
const native_addon_1 = require("./native-addon");
/**
 * The cap on glibc's malloc arenas, which the Lambda functions and Fargate tasks get as
 * MALLOC_ARENA_MAX. A first backup of the Linux source tree ended with 12 arenas: those of the
 * worker threads, V8's and libuv's held 34 MiB, less than 1 MiB of it in use. With two, its peak
 * resident memory was 243-250 MiB against 260-266 without (tmpfs, three rounds each, in turns), in
 * the same time; a restore of it peaked at 242-252 MiB against 252-265, in 3% more time (five
 * rounds each; within the run-to-run spread).
 */
exports.MALLOC_ARENAS = 2;
let loaded;
/** Loaded on first use: the CDK app reads MALLOC_ARENAS and has no use for the addon. */
function addon() {
    loaded ??= { addon: (0, native_addon_1.loadNativeAddon)(__dirname, 'malloc-arenas.node') };
    return loaded.addon;
}
/**
 * Caps glibc's malloc arenas at `arenas` for the threads that start after this call (malloc-arenas.c
 * says why). Does nothing, and returns false, where the addon is not built, the C library is not
 * glibc, or the operator chose for the process (MALLOC_ARENA_MAX or GLIBC_TUNABLES).
 */
function limitMallocArenas(arenas = exports.MALLOC_ARENAS, env = process.env) {
    if (env['MALLOC_ARENA_MAX'] || env['GLIBC_TUNABLES']?.includes('arena_max'))
        return false;
    return addon()?.limit(arenas) ?? false;
}
/** The arenas glibc has made so far; undefined where that cannot be told (no addon, not glibc). */
function mallocArenaCount() {
    const count = addon()?.count();
    return count === undefined || count < 0 ? undefined : count;
}
//# sourceMappingURL=malloc-arenas.js.map