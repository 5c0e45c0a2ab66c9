"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Chunker = exports.DEFAULT_CHUNKER = void 0;
exports.validateChunkerParams = validateChunkerParams;
exports.chunkStream = chunkStream;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const gear_1 = require("./gear");
// Frozen: chunk boundaries (and so dedup) change if a caller mutates the shared default.
exports.DEFAULT_CHUNKER = Object.freeze({
    min: 256 * 1024,
    avg: 1024 * 1024,
    max: 4 * 1024 * 1024,
    level: 2,
});
const MAX_CHUNK_LIMIT = 64 * 1024 * 1024;
const MIN_CHUNK_LIMIT = 64;
function validateChunkerParams(p) {
    const { min, avg, max, level } = p;
    for (const [name, value] of Object.entries({ min, avg, max, level })) {
        if (!Number.isSafeInteger(value))
            throw new Error(`chunker ${name} must be an integer, got ${value}`);
    }
    if (min < MIN_CHUNK_LIMIT)
        throw new Error(`chunker min must be at least ${MIN_CHUNK_LIMIT}, got ${min}`);
    if (!(min < avg && avg < max)) {
        throw new Error(`chunker sizes must satisfy min < avg < max, got ${min} / ${avg} / ${max}`);
    }
    if (max > MAX_CHUNK_LIMIT)
        throw new Error(`chunker max must be at most ${MAX_CHUNK_LIMIT}, got ${max}`);
    if (level < 0 || level > 3)
        throw new Error(`chunker level must be 0..3, got ${level}`);
    (0, gear_1.selectMasks)(avg, level);
}
const wasmApi = globalThis.WebAssembly;
// Offsets fixed by fastcdc.wat.
const GEAR_OFFSET = 0;
const DATA_OFFSET = 4096;
const WASM_PAGE = 65536;
/**
 * Room for input beyond the max-sized window the cut needs, unless the caller chooses: larger means
 * the unconsumed tail is moved back to the start of the buffer less often.
 */
const DEFAULT_INPUT_ROOM = 8 * 1024 * 1024;
let wasmModule;
function loadModule() {
    wasmModule ??= new wasmApi.Module((0, node_fs_1.readFileSync)((0, node_path_1.join)(__dirname, 'fastcdc.wasm')));
    return wasmModule;
}
/**
 * Streaming FastCDC-2020. A cut is only searched once max bytes are buffered (or at the end of the
 * stream), which is what makes the boundaries independent of how the input was split into buffers.
 */
class Chunker {
    max;
    wasm;
    /** The module's memory, as a Buffer for Node's native copies (faster than TypedArray.set into shared memory). */
    bytes;
    limit;
    start = DATA_OFFSET;
    end = DATA_OFFSET;
    offset = 0;
    allocate;
    /** Bytes of input the memory holds beyond one max-sized window. */
    room;
    constructor(params, gear, options = {}) {
        validateChunkerParams(params);
        if (gear.length !== 256)
            throw new Error(`gear table must have 256 entries, got ${gear.length}`);
        const { maskS, maskL } = (0, gear_1.selectMasks)(params.avg, params.level);
        this.max = params.max;
        this.allocate = options.allocate ?? ((length) => Buffer.allocUnsafe(length));
        this.room = options.inputRoom ?? DEFAULT_INPUT_ROOM;
        if (!Number.isSafeInteger(this.room) || this.room < 1)
            throw new Error(`chunker input room must be positive, got ${this.room}`);
        this.limit = DATA_OFFSET + params.max + this.room;
        // Per-instance memory so that several chunkers (streams, worker tasks) never share state.
        const memory = new wasmApi.Memory({ initial: Math.ceil(this.limit / WASM_PAGE) });
        const instance = new wasmApi.Instance(loadModule(), { env: { memory } });
        this.wasm = instance.exports;
        this.bytes = Buffer.from(memory.buffer);
        const tables = new BigUint64Array(memory.buffer, GEAR_OFFSET, 512);
        tables.set(gear);
        for (let i = 0; i < 256; i++)
            tables[256 + i] = BigInt.asUintN(64, (tables[i] ?? 0n) << 1n);
        this.wasm.configure(params.min, params.avg, params.max, maskS, maskL);
    }
    /** Chunks of `data` and what came before it, each an owned copy (see ChunkerOptions.allocate). */
    push(data) {
        const chunks = [];
        this.copyIn(data, (start, length) => chunks.push(this.copied(start, length)));
        return chunks;
    }
    /** Flushes the tail of the stream and resets the chunker for a new stream. */
    finish() {
        const chunks = [];
        this.cutBuffered(true, (start, length) => chunks.push(this.copied(start, length)));
        this.reset();
        return chunks;
    }
    /** As `push`, without a copy: each chunk goes to `visit` as a view of the chunker's memory. */
    write(data, visit) {
        this.copyIn(data, (start, length) => visit(this.bytes.subarray(start, start + length)));
    }
    /**
     * Where the next bytes of the stream can be read to directly: a view of the chunker's memory,
     * at least its input room long. Pass the number of bytes placed there to `commit`.
     */
    space() {
        if (this.limit - this.end < this.room)
            this.compact();
        return this.bytes.subarray(this.end, this.limit);
    }
    /** Takes `length` bytes read into `space()`; each chunk they complete goes to `visit`. */
    commit(length, visit) {
        if (!Number.isSafeInteger(length) || length < 0 || this.end + length > this.limit)
            throw new Error(`cannot commit ${length} bytes to the chunker: more than its space`);
        this.end += length;
        this.cutBuffered(false, (start, n) => visit(this.bytes.subarray(start, start + n)));
    }
    /** As `finish`, without a copy: the tail's chunks go to `visit`, then the chunker is reset. */
    flush(visit) {
        this.cutBuffered(true, (start, length) => visit(this.bytes.subarray(start, start + length)));
        this.reset();
    }
    /** Drops whatever is buffered (the rest of a stream that failed part-way). */
    reset() {
        this.start = this.end = DATA_OFFSET;
        this.offset = 0;
    }
    copyIn(data, cut) {
        let pos = 0;
        while (pos < data.length) {
            if (this.end === this.limit)
                this.compact();
            const n = Math.min(data.length - pos, this.limit - this.end);
            data.copy(this.bytes, this.end, pos, pos + n);
            this.end += n;
            pos += n;
            this.cutBuffered(false, cut);
        }
    }
    copied(start, length) {
        const data = this.allocate(length);
        this.bytes.copy(data, 0, start, start + length);
        return { offset: this.offset - length, length, hash: BigInt.asUintN(64, this.wasm.hash.value), data };
    }
    /** Cuts every chunk the buffered bytes allow; `cut` sees each before the next is searched. */
    cutBuffered(eof, cut) {
        const { wasm, max } = this;
        const end = this.end;
        while (end - this.start >= max || (eof && end > this.start)) {
            const start = this.start;
            const length = wasm.cut(start, end - start);
            this.offset += length;
            this.start = start + length;
            cut(start, length);
        }
    }
    // After cutBuffered fewer than max bytes remain, so moving them to the front always frees room.
    compact() {
        this.bytes.copyWithin(DATA_OFFSET, this.start, this.end);
        this.end -= this.start - DATA_OFFSET;
        this.start = DATA_OFFSET;
    }
}
exports.Chunker = Chunker;
async function* chunkStream(source, chunker) {
    for await (const buffer of source)
        yield* chunker.push(buffer);
    yield* chunker.finish();
}
//# sourceMappingURL=fastcdc.js.map