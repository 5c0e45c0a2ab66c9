"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runDebugChunk = runDebugChunk;
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const promises_1 = require("node:fs/promises");
const errors_1 = require("../../functions/core/errors");
const chunker_1 = require("../../functions/repository/chunker");
/** Unkeyed conformance mode: the published FastCDC-2020 vectors can be checked from the shell. */
async function runDebugChunk(file, options) {
    let seed;
    try {
        seed = BigInt(options.seed);
    }
    catch {
        throw new errors_1.InputError(`--seed ${options.seed} is not an integer.`);
    }
    if (seed < 0n || seed >= 1n << 64n)
        throw new errors_1.InputError('--seed must be between 0 and 2^64-1.');
    const params = { min: options.min, avg: options.avg, max: options.max, level: options.level };
    try {
        (0, chunker_1.validateChunkerParams)(params);
    }
    catch (error) {
        throw new errors_1.InputError(error.message);
    }
    await (0, promises_1.access)(file).catch(() => {
        throw new errors_1.InputError(`Cannot read ${file}.`, 'Check the path and that you may read the file.');
    });
    const chunker = new chunker_1.Chunker(params, (0, chunker_1.standardGear)(seed));
    const lines = [];
    for await (const chunk of (0, chunker_1.chunkStream)((0, node_fs_1.createReadStream)(file, { highWaterMark: 1024 * 1024 }), chunker)) {
        const sha = (0, node_crypto_1.createHash)('sha256').update(chunk.data).digest('hex');
        lines.push(`${chunk.offset}\t${chunk.length}\t${sha}\t${chunk.hash}`);
        if (lines.length >= 1024)
            process.stdout.write(`${lines.splice(0).join('\n')}\n`);
    }
    if (lines.length > 0)
        process.stdout.write(`${lines.join('\n')}\n`);
}
//# sourceMappingURL=debug.js.map