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
exports.DEFAULT_COMPRESSION = exports.Codec = void 0;
exports.encode = encode;
exports.encodeSync = encodeSync;
exports.encodeInPlace = encodeInPlace;
exports.decodeSync = decodeSync;
const node_util_1 = require("node:util");
const zlib = __importStar(require("node:zlib"));
const zstd_context_1 = require("./zstd-context");
/** How a chunk's payload is encoded before encryption. The byte is stored in every record. */
exports.Codec = { none: 0, zstd: 1, gzip: 2 };
exports.DEFAULT_COMPRESSION = { alg: 'zstd', level: 3 };
const zstdCompress = (0, node_util_1.promisify)(zlib.zstdCompress);
const gzip = (0, node_util_1.promisify)(zlib.gzip);
function zstdOptions(length, level) {
    // Knowing the size lets zstd size its tables for one chunk: about a third faster here.
    // An output buffer that fits the result: the default (128 KiB) would be kept alive, as the
    // backing store of a small result, until the next collection.
    return {
        pledgedSrcSize: length,
        chunkSize: Math.max(64, length + (length >> 7) + 512),
        params: { [zlib.constants.ZSTD_c_compressionLevel]: level },
    };
}
/** Keeps the raw bytes when compression does not pay (random data): reading them back is then free. */
function choose(data, settings, payload) {
    return payload.length < data.length
        ? { codec: exports.Codec[settings.alg], payload }
        : { codec: exports.Codec.none, payload: data };
}
function worthTrying(data, settings) {
    return settings.alg !== 'none' && data.length >= 64;
}
/** On the libuv thread pool, for callers on the main thread (metadata). */
async function encode(data, settings) {
    if (!worthTrying(data, settings))
        return { codec: exports.Codec.none, payload: data };
    const payload = settings.alg === 'zstd'
        ? await zstdCompress(data, zstdOptions(data.length, settings.level))
        : await gzip(data, { level: settings.level });
    return choose(data, settings, payload);
}
/**
 * Synchronous, for worker threads: zstd through the thread's one reused context. With `scratch`,
 * nothing is allocated for zstd: the payload is `data` itself or the compressed bytes in the
 * thread's scratch buffer, valid only until the thread's next call.
 */
function encodeSync(data, settings, scratch = false) {
    if (!worthTrying(data, settings))
        return { codec: exports.Codec.none, payload: data };
    const payload = settings.alg === 'zstd'
        ? (0, zstd_context_1.zstdCompressReused)(data, settings.level, scratch)
        : zlib.gzipSync(data, { level: settings.level });
    return choose(data, settings, payload);
}
/**
 * As encodeSync, but a smaller result is written over the start of `data` and the payload is a
 * view of it: nothing is allocated per chunk (see chunk-ring.ts). `data` is overwritten.
 */
function encodeInPlace(data, settings) {
    const { codec, payload } = encodeSync(data, settings, true);
    if (payload === data)
        return { codec, payload };
    payload.copy(data, 0);
    return { codec, payload: data.subarray(0, payload.length) };
}
/**
 * Throws when the payload does not decode to exactly rawLength bytes; callers report an
 * IntegrityError. With `scratch`, zstd output is a view of the thread's scratch buffer, valid only
 * until the thread's next call.
 */
function decodeSync(codec, payload, rawLength, scratch = false) {
    // One output buffer of exactly the expected size: no concatenation, and it can move between threads.
    const limit = { maxOutputLength: Math.max(rawLength, 1), chunkSize: Math.max(rawLength, 64) };
    let raw;
    switch (codec) {
        case exports.Codec.none:
            raw = payload;
            break;
        case exports.Codec.zstd:
            raw = (0, zstd_context_1.zstdDecompressReused)(payload, rawLength, scratch);
            break;
        case exports.Codec.gzip:
            raw = zlib.gunzipSync(payload, limit);
            break;
        default:
            throw new Error(`unknown codec ${codec}`);
    }
    if (raw.length !== rawLength)
        throw new Error(`decoded ${raw.length} bytes, expected ${rawLength}`);
    return raw;
}
//# sourceMappingURL=codec.js.map