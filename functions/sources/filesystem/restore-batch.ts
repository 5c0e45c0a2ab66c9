import { CHUNK_ID_BYTES } from '../../repository/crypto';
import type { PackEntry } from '../../repository/pack';
import { splitNanos } from './nano-times';

/**
 * A restore batch as it crosses to a restore worker (restore-workers.ts to restore-worker.ts):
 * its pieces and chunks packed into typed arrays, not an object each. Posted as objects (a piece
 * and two objects per chunk, a thousand small files to a batch), the batches took 0.7 s of the
 * main thread's 11.5 s in a profiled restore of the Linux source tree, and each worker about
 * 0.2 s to rebuild them; the objects were garbage on both sides as well.
 */
export interface RestoreBatch {
  seq: number;
  ranges: RangeData[];
  /** PIECE_FIELDS numbers per piece (the Piece offsets), in order. */
  pieces: Float64Array;
  /**
   * The paths of the pieces that start a file, in order, each followed by a NUL (no path holds
   * one): a path's bytes as latin1 characters, since a string crosses threads without a buffer.
   */
  paths: string;
  /** CHUNK_FIELDS numbers per chunk (the Chunk offsets): the pieces' chunks, piece after piece. */
  chunks: Float64Array;
  /** The chunks' ids, CHUNK_ID_BYTES each, in the same order. */
  ids: Uint8Array;
}

/** Bytes of a pack from `start`, covering the records the pieces name, as the worker receives it. */
export interface RangeData {
  data: Uint8Array;
  start: number;
  packId: Uint8Array;
  key: Uint8Array;
  object: string;
}

export interface RestoreBatchReply {
  seq: number;
  /** Files finished in this batch, with their byte counts. */
  finished: { fid: number; bytes: number }[];
  /** Files that failed (damage or I/O); the main thread retries or reports them. */
  failed: { fid: number; problem: string; integrity: boolean }[];
}

/** The metadata a file gets once all its bytes are written. */
export interface FileFinish {
  size: number;
  mode: number;
  uid?: number;
  gid?: number;
  mtimeNs: bigint;
}

/**
 * Part of a file, as the main thread gathers it. The first piece of a file has its path (bytes as
 * latin1 characters), mode and whether it replaces an entry; the last one has its finish.
 */
export interface FilePiece {
  fid: number;
  path?: string;
  mode?: number;
  replace?: boolean;
  /** The file failed elsewhere: remove what was written of it. */
  abandon?: boolean;
  finish?: FileFinish;
}

/** Where a piece's numbers are, from its first. */
export const Piece = {
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
} as const;
export const PIECE_FIELDS = 10;

/** Bits of a piece's flags. */
export const PieceFlag = { starts: 1, replace: 2, abandon: 4, finish: 8, owner: 16 } as const;

/** Where a chunk's numbers are, from its first. */
export const Chunk = { range: 0, offset: 1, storedLength: 2, rawLength: 3, codec: 4 } as const;
export const CHUNK_FIELDS = 5;

/** Packs pieces and their chunks, in order, into a RestoreBatch. */
export class RestoreBatchWriter {
  private readonly pieces: Float64Array;
  private readonly chunks: Float64Array;
  private readonly ids: Uint8Array;
  private paths = '';
  private piece = 0;
  private chunk = 0;

  /** The one buffer under the three arrays: moved to the worker with the batch, not copied. */
  readonly buffer: ArrayBuffer;

  constructor(pieceCount: number, chunkCount: number) {
    const piecesBytes = pieceCount * PIECE_FIELDS * 8;
    const chunksBytes = chunkCount * CHUNK_FIELDS * 8;
    this.buffer = new ArrayBuffer(piecesBytes + chunksBytes + chunkCount * CHUNK_ID_BYTES);
    this.pieces = new Float64Array(this.buffer, 0, pieceCount * PIECE_FIELDS);
    this.chunks = new Float64Array(this.buffer, piecesBytes, chunkCount * CHUNK_FIELDS);
    this.ids = new Uint8Array(this.buffer, piecesBytes + chunksBytes, chunkCount * CHUNK_ID_BYTES);
  }

  /** The next piece, whose `chunkCount` chunks are the next ones added. */
  addPiece(piece: FilePiece, chunkCount: number): void {
    const at = this.piece++ * PIECE_FIELDS;
    const p = this.pieces;
    let flags = 0;
    if (piece.path !== undefined) {
      flags |= PieceFlag.starts;
      if (piece.replace) flags |= PieceFlag.replace;
      p[at + Piece.mode] = piece.mode ?? 0o600;
      this.paths += `${piece.path}\0`;
    }
    if (piece.abandon) flags |= PieceFlag.abandon;
    const finish = piece.finish;
    if (finish) {
      flags |= PieceFlag.finish;
      p[at + Piece.size] = finish.size;
      p[at + Piece.finishMode] = finish.mode;
      const { seconds, nanos } = splitNanos(finish.mtimeNs);
      p[at + Piece.mtimeSeconds] = seconds;
      p[at + Piece.mtimeNanos] = nanos;
      if (finish.uid !== undefined && finish.gid !== undefined) {
        flags |= PieceFlag.owner;
        p[at + Piece.uid] = finish.uid;
        p[at + Piece.gid] = finish.gid;
      }
    }
    p[at + Piece.fid] = piece.fid;
    p[at + Piece.flags] = flags;
    p[at + Piece.chunks] = chunkCount;
  }

  addChunk(range: number, entry: PackEntry): void {
    const at = this.chunk * CHUNK_FIELDS;
    const c = this.chunks;
    c[at + Chunk.range] = range;
    c[at + Chunk.offset] = entry.offset;
    c[at + Chunk.storedLength] = entry.storedLength;
    c[at + Chunk.rawLength] = entry.rawLength;
    c[at + Chunk.codec] = entry.codec;
    this.ids.set(entry.id, this.chunk * CHUNK_ID_BYTES);
    this.chunk++;
  }

  batch(seq: number, ranges: RangeData[]): RestoreBatch {
    if (this.piece * PIECE_FIELDS !== this.pieces.length || this.chunk * CHUNK_FIELDS !== this.chunks.length)
      throw new Error('a restore batch was packed with fewer pieces or chunks than it was made for');
    return { seq, ranges, pieces: this.pieces, paths: this.paths, chunks: this.chunks, ids: this.ids };
  }
}
