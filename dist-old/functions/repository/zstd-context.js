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
exports.ZstdDecompressor = exports.ZstdContext = void 0;
exports.zstdCompressReused = zstdCompressReused;
exports.zstdDecompressReused = zstdDecompressReused;
const node_util_1 = require("node:util");
const zlib = __importStar(require("node:zlib"));
const scratch_1 = require("./scratch");
const END = zlib.constants.ZSTD_e_end;
class ZstdContext {
    handle;
    state;
    owner;
    scratch = Buffer.allocUnsafeSlow(64 * 1024);
    constructor(handle, 
    /** Written by the native side after each call: [output bytes left, input bytes left]. */
    state, 
    /** Keeps the stream (and so the native context) alive as long as this object. */
    owner) {
        this.handle = handle;
        this.state = state;
        this.owner = owner;
    }
    /** Undefined when this Node's zlib internals are not the ones this class drives. */
    static create(level) {
        const stream = zlib.createZstdCompress({
            params: { [zlib.constants.ZSTD_c_compressionLevel]: level },
        });
        const parts = handleOf(stream);
        return parts && new ZstdContext(parts.handle, parts.state, stream);
    }
    /** One complete frame of `input`, in a buffer of its own (safe to keep or transfer). */
    compress(input) {
        const frame = this.compressToScratch(input);
        const result = Buffer.allocUnsafeSlow(frame.length);
        frame.copy(result);
        return result;
    }
    /** One complete frame of `input`, in this context's scratch buffer: valid until the next call. */
    compressToScratch(input) {
        // Big enough for any input at once: zstd's bound is length + length/256 + a small margin.
        const bound = input.length + (input.length >> 7) + 512;
        this.scratch = (0, scratch_1.grownScratch)(this.scratch, bound);
        const out = this.scratch;
        // No reset between frames: zstd starts a new frame by itself after an ended one, and a reset
        // would also drop the compression level (back to zstd's default) and clear the tables.
        let inOffset = 0;
        let inLeft = input.length;
        let produced = 0;
        for (;;) {
            const room = out.length - produced;
            this.handle.writeSync(END, input, inOffset, inLeft, out, produced, room);
            const [outLeft, inAfter] = this.state;
            produced += room - outLeft;
            inOffset += inLeft - inAfter;
            inLeft = inAfter;
            // The frame is complete when zstd stops with input consumed and output room to spare.
            if (inLeft === 0 && outLeft !== 0)
                break;
            if (outLeft === 0)
                throw new Error('zstd output exceeded its bound');
        }
        return out.subarray(0, produced);
    }
}
exports.ZstdContext = ZstdContext;
/**
 * One zstd decompression context per thread, reused for every frame: `zstdDecompressSync`
 * creates a context (and a window buffer) per call, which was a tenth of a restore worker's time
 * on a tree of small files, and more garbage to collect. Same handle as ZstdContext drives.
 */
class ZstdDecompressor {
    handle;
    state;
    owner;
    spare = Buffer.allocUnsafeSlow(1);
    constructor(handle, state, owner) {
        this.handle = handle;
        this.state = state;
        this.owner = owner;
    }
    static create() {
        const stream = zlib.createZstdDecompress();
        const parts = handleOf(stream);
        return parts && new ZstdDecompressor(parts.handle, parts.state, stream);
    }
    /** Whether the context can take another frame: zstd's errors close the native side for good. */
    get usable() {
        return !this.owner.destroyed;
    }
    /**
     * One complete frame of exactly `rawLength` bytes, into a buffer of its own or into the start
     * of `into` (then the result is a view of it). Throws when the frame is not valid zstd or holds
     * more or fewer bytes; the context must not be used after a throw (a frame left half read would
     * run into the next one).
     */
    decompress(input, rawLength, into) {
        if (into && into.length < rawLength)
            throw new Error('decompression buffer too small');
        const out = into ? into.subarray(0, rawLength) : Buffer.allocUnsafeSlow(rawLength);
        let inOffset = 0;
        let inLeft = input.length;
        let produced = 0;
        while (produced < rawLength) {
            const room = rawLength - produced;
            const [outLeft, inAfter] = this.write(input, inOffset, inLeft, out, produced, room);
            produced += room - outLeft;
            inOffset += inLeft - inAfter;
            inLeft = inAfter;
            if (inLeft === 0 && outLeft !== 0)
                break; // all read, and the output was not the limit
        }
        if (produced !== rawLength)
            throw new Error(`decoded ${produced} bytes, expected ${rawLength}`);
        // The output is full: one more call, into a spare byte, finishes the frame, and shows
        // whether it held more than rawLength bytes or something follows it.
        const [spareLeft, after] = this.write(input, inOffset, inLeft, this.spare, 0, 1);
        if (spareLeft === 0)
            throw new Error(`the zstd frame holds more than ${rawLength} bytes`);
        if (after !== 0)
            throw new Error('data follows the zstd frame');
        return out;
    }
    /** One call into zstd; returns [output bytes left, input bytes left]. */
    write(input, inOffset, inLength, output, outOffset, outLength) {
        this.handle.writeSync(END, input, inOffset, inLength, output, outOffset, outLength);
        if (!this.usable)
            throw new Error('the zstd frame is damaged');
        return [this.state[0], this.state[1]];
    }
}
exports.ZstdDecompressor = ZstdDecompressor;
function handleOf(stream) {
    // A damaged frame makes the stream emit 'error' (after closing it): ours to report, not a crash.
    stream.on('error', () => undefined);
    const { _handle: handle, _writeState: state } = stream;
    if (!isHandle(handle) || !node_util_1.types.isUint32Array(state) || state.length !== 2) {
        stream.destroy();
        return undefined;
    }
    return { handle, state };
}
function isHandle(value) {
    const candidate = value;
    return typeof candidate?.writeSync === 'function';
}
const contexts = new Map();
/**
 * zstd at `level`, through this thread's reused context when available. With `scratch`, the
 * result may be a view of the context's scratch buffer, valid only until the thread's next call.
 */
function zstdCompressReused(input, level, scratch = false) {
    let context = contexts.get(level);
    if (context === undefined) {
        context = ZstdContext.create(level) ?? null;
        contexts.set(level, context);
    }
    if (context) {
        try {
            return scratch ? context.compressToScratch(input) : context.compress(input);
        }
        catch (error) {
            // A frame left half done would corrupt the next one: start over with a fresh context.
            contexts.delete(level);
            throw error;
        }
    }
    return zlib.zstdCompressSync(input, {
        pledgedSrcSize: input.length,
        params: { [zlib.constants.ZSTD_c_compressionLevel]: level },
    });
}
let decompressor;
let decompressScratch = Buffer.alloc(0);
/**
 * A zstd frame of exactly `rawLength` bytes, through this thread's reused context when available.
 * With `scratch`, the result is a view of this thread's scratch buffer, valid only until the
 * thread's next such call: a restore that writes each chunk and drops it then allocates nothing
 * per chunk (1.3 GB of fresh buffers for the Linux tree, each a page-faulting allocation and
 * garbage for the collector).
 */
function zstdDecompressReused(input, rawLength, scratch = false) {
    if (decompressor === undefined)
        decompressor = ZstdDecompressor.create() ?? null;
    if (!decompressor) {
        return zlib.zstdDecompressSync(input, {
            maxOutputLength: Math.max(rawLength, 1),
            chunkSize: Math.max(rawLength, 64),
        });
    }
    if (scratch)
        decompressScratch = (0, scratch_1.grownScratch)(decompressScratch, rawLength);
    try {
        return decompressor.decompress(input, rawLength, scratch ? decompressScratch : undefined);
    }
    catch (error) {
        decompressor = undefined; // a fresh context for the next frame
        throw error;
    }
}
//# sourceMappingURL=zstd-context.js.map