"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.scanTreeSize = scanTreeSize;
const node_fs_1 = require("node:fs");
const nodePath = __importStar(require("node:path"));
const promises_1 = require("node:timers/promises");
const native_addon_1 = require("../../core/native-addon");
const exclude_1 = require("./exclude");
const paths_1 = require("./paths");
/** LIFEBOAT_NO_NATIVE_SCAN (any value) leaves the addon out: the tests of the fallback set it. */
const addon = process.env['LIFEBOAT_NO_NATIVE_SCAN']
    ? undefined
    : (0, native_addon_1.loadNativeAddon)(__dirname, 'tree-size.node');
/** How often a native scan asks `cancelled` whether to go on. */
const POLL_MS = 20;
/** How long one slice of the scan may hold the event loop before it lets the backup run. */
const SLICE_MS = 3;
/**
 * Counts the bytes of the regular files below `paths` (excludes applied, symlinks not followed),
 * for a progress bar's total and ETA. Only regular files are stat-ed: the directory listing's
 * entry types say which are directories. Unreadable entries count as nothing. Stops early when
 * `cancelled`, given the bytes counted so far, turns true.
 *
 * Without excludes it runs in tree-size.c, on one of libuv's threads, where the addon is built:
 * the Linux tree (on tmpfs, alone) in 94-156 ms, nearly all of it in the kernel. Otherwise it runs
 * beside the backup on the main thread in slices of a few milliseconds, with synchronous calls
 * (206-277 ms alone; a promise and a trip through the thread pool per entry had cost 3.4-3.8 CPU
 * seconds). A tree backup's main thread is its busiest: the first backup took 6.39 s with the
 * walk there, 6.18 with no walk at all (three rounds each, in turns).
 */
async function scanTreeSize(paths, excludes, 
/** Asked after each directory (natively, every POLL_MS), with the bytes counted so far: true stops the walk. */
cancelled) {
    if (addon && excludes.length === 0)
        return nativeScan(addon, paths, cancelled);
    const matcher = new exclude_1.ExcludeMatcher(excludes);
    let total = 0;
    const dirs = [];
    for (const root of paths) {
        const path = Buffer.from(nodePath.resolve(root));
        const st = statOf(path);
        if (st?.isFile())
            total += st.size;
        else if (st?.isDirectory())
            dirs.push(path);
    }
    let sliceEnd = performance.now() + SLICE_MS;
    while (dirs.length > 0 && !cancelled(total)) {
        const dir = dirs.pop();
        for (const entry of (0, paths_1.listDir)(dir, () => undefined)) {
            const name = Buffer.from(entry.name, 'latin1');
            const child = (0, paths_1.joinPath)(dir, name);
            if (!matcher.empty && matcher.excludes(child.toString(), name.toString()))
                continue;
            if (entry.kind === 'dir')
                dirs.push(child);
            else if (entry.kind === 'file' || entry.kind === 'unknown') {
                const st = statOf(child);
                if (st?.isFile())
                    total += st.size;
                else if (st?.isDirectory())
                    dirs.push(child);
            }
        }
        if (performance.now() >= sliceEnd) {
            await (0, promises_1.setImmediate)();
            sliceEnd = performance.now() + SLICE_MS;
        }
    }
    return total;
}
/** Vanished or unreadable entries count as nothing: the backup reports them. */
function statOf(path) {
    try {
        return (0, node_fs_1.lstatSync)(path, { throwIfNoEntry: false });
    }
    catch {
        return undefined;
    }
}
function nativeScan(tree, paths, cancelled) {
    // [0]: stop (set here); the 64-bit integer at byte 8: bytes counted so far (set by the addon).
    const shared = new Int32Array(new SharedArrayBuffer(16));
    const counted = new BigInt64Array(shared.buffer, 8, 1);
    if (cancelled(0))
        return Promise.resolve(0);
    return new Promise((resolve) => {
        const poll = setInterval(() => {
            if (cancelled(Number(Atomics.load(counted, 0))))
                Atomics.store(shared, 0, 1);
        }, POLL_MS);
        tree.scan(paths.map((root) => Buffer.from(nodePath.resolve(root))), shared, (bytes) => {
            clearInterval(poll);
            resolve(bytes);
        });
    });
}
//# sourceMappingURL=scan.js.map