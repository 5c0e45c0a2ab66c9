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
exports.once = once;
exports.linuxTar = linuxTar;
exports.linuxDataset = linuxDataset;
exports.writeChanged = writeChanged;
exports.sha256File = sha256File;
exports.mib = mib;
// File datasets: the Linux source tar and its 1%-changed copy. Both are generated once into the
// data directory and reused; each is written under a temporary name and renamed when complete, so
// an interrupted run never leaves a truncated file that a later run would trust.
const node_child_process_1 = require("node:child_process");
const node_crypto_1 = require("node:crypto");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const config_1 = require("./config");
const exec_1 = require("./exec");
const prng_1 = require("./prng");
/** Calls make(tmp) and renames tmp to file, unless file already exists. */
async function once(file, log, make) {
    if (fs.existsSync(file)) {
        log(`reusing ${file}`);
        return;
    }
    const tmp = `${file}.partial`;
    fs.rmSync(tmp, { force: true });
    const started = Date.now();
    log(`generating ${file}`);
    await make(tmp);
    fs.renameSync(tmp, file);
    log(`generated ${file} (${mib(fs.statSync(file).size)} MiB in ${seconds(started)} s)`);
}
/** The whole Linux source tar (data/linux.tar), decompressed once; the tree dataset comes from it. */
async function linuxTar(dataDir, log) {
    const tar = path.join(dataDir, 'linux.tar');
    await once(tar, log, decompress);
    return tar;
}
async function linuxDataset(dataDir, quick, log) {
    const base = path.join(dataDir, quick ? 'linux-200mib.tar' : 'linux.tar');
    const changed = base.replace(/\.tar$/, '-1pct.tar');
    await once(base, log, (tmp) => (quick ? decompressPrefix(tmp, config_1.QUICK_TAR_BYTES) : decompress(tmp)));
    await once(changed, log, (tmp) => writeChanged(base, tmp));
    return {
        key: 'linux',
        name: 'linux.tar',
        base,
        changed,
        changeNote: `${config_1.CHANGE_EDITS} evenly spread edits (seeded jitter) overwrite ${config_1.CHANGE_FRACTION * 100}% of the bytes ` +
            `with random data; every second edit also inserts ${config_1.CHANGE_INSERT_BYTES} random bytes (shifting the rest)`,
    };
}
function xzPath() {
    return (0, exec_1.which)('xz') ?? 'xz';
}
async function decompress(out) {
    const fd = fs.openSync(out, 'w');
    try {
        const r = await (0, exec_1.run)(xzPath(), ['-dc', config_1.LINUX_SOURCE_XZ], { stdout: fd, stderr: 'inherit' });
        if (r.code !== 0)
            throw new Error(`xz -dc ${config_1.LINUX_SOURCE_XZ} ${(0, exec_1.describeExit)(r)}`);
    }
    finally {
        fs.closeSync(fd);
    }
}
/** The first `limit` bytes of the tar, without decompressing the rest of it. */
async function decompressPrefix(out, limit) {
    const xz = (0, node_child_process_1.spawn)(xzPath(), ['-dc', config_1.LINUX_SOURCE_XZ], { stdio: ['ignore', 'pipe', 'ignore'] });
    const fh = await fs.promises.open(out, 'w');
    let written = 0;
    try {
        for await (const chunk of xz.stdout) {
            const piece = chunk.subarray(0, limit - written);
            await fh.write(piece);
            written += piece.length;
            if (written >= limit)
                break;
        }
    }
    finally {
        await fh.close();
        // Stopping xz early is the point; its SIGTERM exit is expected.
        xz.kill();
    }
    if (written < limit)
        throw new Error(`${config_1.LINUX_SOURCE_XZ} decompressed to only ${written} bytes`);
}
/**
 * Writes a copy of `src` with CHANGE_FRACTION of it rewritten: the file is cut into CHANGE_EDITS
 * equal slots, each gets one region of size*fraction/edits bytes (≈136 KB for the full tar) at a
 * seeded random offset, overwritten with random bytes. Odd edits also insert CHANGE_INSERT_BYTES,
 * which a content-defined chunker must absorb and a fixed-block one cannot. Models the scattered
 * edits of a source tree between two releases, deterministically.
 */
async function writeChanged(src, out) {
    const size = fs.statSync(src).size;
    const ks = new prng_1.Keystream(config_1.CHANGE_SEED);
    const slot = Math.floor(size / config_1.CHANGE_EDITS);
    const region = Math.floor((size * config_1.CHANGE_FRACTION) / config_1.CHANGE_EDITS);
    const input = await fs.promises.open(src, 'r');
    const output = await fs.promises.open(out, 'w');
    const buf = Buffer.alloc(4 * config_1.MiB);
    let pos = 0;
    const copyTo = async (end) => {
        while (pos < end) {
            const { bytesRead } = await input.read(buf, 0, Math.min(buf.length, end - pos), pos);
            if (bytesRead === 0)
                throw new Error(`${src} shrank while being copied`);
            await output.write(buf.subarray(0, bytesRead));
            pos += bytesRead;
        }
    };
    try {
        for (let i = 0; i < config_1.CHANGE_EDITS; i++) {
            const offset = i * slot + ks.below(slot - region);
            await copyTo(offset);
            await output.write(ks.bytes(region));
            if (i % 2 === 1)
                await output.write(ks.bytes(config_1.CHANGE_INSERT_BYTES));
            pos += region;
        }
        await copyTo(size);
    }
    finally {
        await input.close();
        await output.close();
    }
}
/**
 * Reads the whole file once: warms the page cache so that every tool starts from the same warm
 * cache, and yields the SHA-256 that restores are checked against.
 */
async function sha256File(file) {
    const hash = (0, node_crypto_1.createHash)('sha256');
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * config_1.MiB })) {
        hash.update(chunk);
    }
    return hash.digest('hex');
}
function mib(bytes) {
    return (bytes / config_1.MiB).toFixed(1);
}
function seconds(since) {
    return ((Date.now() - since) / 1000).toFixed(1);
}
//# sourceMappingURL=datasets.js.map