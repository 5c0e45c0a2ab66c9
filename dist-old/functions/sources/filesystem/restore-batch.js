"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RestoreBatchWriter = exports.CHUNK_FIELDS = exports.Chunk = exports.PieceFlag = exports.PIECE_FIELDS = exports.Piece = void 0;
const crypto_1 = require("../../repository/crypto");
const nano_times_1 = require("./nano-times");
/** Where a piece's numbers are, from its first. */
exports.Piece = {
    fid: 0,
    flags: 1,
    mode: 2,
    chunks: 3,
    size: 4,
    finishMode: 5,
    uid: 6,
    gid: 7,
    /** The modification time in whole seconds and nanoseconds: a double holds no more than µs of it. */
    mtimeSeconds: 8,
    mtimeNanos: 9,
};
exports.PIECE_FIELDS = 10;
/** Bits of a piece's flags. */
exports.PieceFlag = { starts: 1, replace: 2, abandon: 4, finish: 8, owner: 16 };
/** Where a chunk's numbers are, from its first. */
exports.Chunk = { range: 0, offset: 1, storedLength: 2, rawLength: 3, codec: 4 };
exports.CHUNK_FIELDS = 5;
/** Packs pieces and their chunks, in order, into a RestoreBatch. */
class RestoreBatchWriter {
    pieces;
    chunks;
    ids;
    paths = '';
    piece = 0;
    chunk = 0;
    /** The one buffer under the three arrays: moved to the worker with the batch, not copied. */
    buffer;
    constructor(pieceCount, chunkCount) {
        const piecesBytes = pieceCount * exports.PIECE_FIELDS * 8;
        const chunksBytes = chunkCount * exports.CHUNK_FIELDS * 8;
        this.buffer = new ArrayBuffer(piecesBytes + chunksBytes + chunkCount * crypto_1.CHUNK_ID_BYTES);
        this.pieces = new Float64Array(this.buffer, 0, pieceCount * exports.PIECE_FIELDS);
        this.chunks = new Float64Array(this.buffer, piecesBytes, chunkCount * exports.CHUNK_FIELDS);
        this.ids = new Uint8Array(this.buffer, piecesBytes + chunksBytes, chunkCount * crypto_1.CHUNK_ID_BYTES);
    }
    /** The next piece, whose `chunkCount` chunks are the next ones added. */
    addPiece(piece, chunkCount) {
        const at = this.piece++ * exports.PIECE_FIELDS;
        const p = this.pieces;
        let flags = 0;
        if (piece.path !== undefined) {
            flags |= exports.PieceFlag.starts;
            if (piece.replace)
                flags |= exports.PieceFlag.replace;
            p[at + exports.Piece.mode] = piece.mode ?? 0o600;
            this.paths += `${piece.path}\0`;
        }
        if (piece.abandon)
            flags |= exports.PieceFlag.abandon;
        const finish = piece.finish;
        if (finish) {
            flags |= exports.PieceFlag.finish;
            p[at + exports.Piece.size] = finish.size;
            p[at + exports.Piece.finishMode] = finish.mode;
            const { seconds, nanos } = (0, nano_times_1.splitNanos)(finish.mtimeNs);
            p[at + exports.Piece.mtimeSeconds] = seconds;
            p[at + exports.Piece.mtimeNanos] = nanos;
            if (finish.uid !== undefined && finish.gid !== undefined) {
                flags |= exports.PieceFlag.owner;
                p[at + exports.Piece.uid] = finish.uid;
                p[at + exports.Piece.gid] = finish.gid;
            }
        }
        p[at + exports.Piece.fid] = piece.fid;
        p[at + exports.Piece.flags] = flags;
        p[at + exports.Piece.chunks] = chunkCount;
    }
    addChunk(range, entry) {
        const at = this.chunk * exports.CHUNK_FIELDS;
        const c = this.chunks;
        c[at + exports.Chunk.range] = range;
        c[at + exports.Chunk.offset] = entry.offset;
        c[at + exports.Chunk.storedLength] = entry.storedLength;
        c[at + exports.Chunk.rawLength] = entry.rawLength;
        c[at + exports.Chunk.codec] = entry.codec;
        this.ids.set(entry.id, this.chunk * crypto_1.CHUNK_ID_BYTES);
        this.chunk++;
    }
    batch(seq, ranges) {
        if (this.piece * exports.PIECE_FIELDS !== this.pieces.length || this.chunk * exports.CHUNK_FIELDS !== this.chunks.length)
            throw new Error('a restore batch was packed with fewer pieces or chunks than it was made for');
        return { seq, ranges, pieces: this.pieces, paths: this.paths, chunks: this.chunks, ids: this.ids };
    }
}
exports.RestoreBatchWriter = RestoreBatchWriter;
//# sourceMappingURL=restore-batch.js.map