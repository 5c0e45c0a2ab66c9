/**
 * Worker-thread entry (see file-workers.ts): reads whole files and does the CPU work of a backup
 * on them (chunking, SHA-256, keyed id, compression). Several run at once, one per core. Where
 * the addon is built, native threads do this instead (file-reader.c): the same chunks and ids in
 * messages of the same shape, without an isolate each.
 * Payloads go into a ring shared with the main thread (ring-writer.ts), their places in messages
 * of a few MiB; the ring is the bound: a worker waits when the main thread falls behind.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkerParams } from '../../repository/chunker';
import { encodeSync, type CompressionSettings } from '../../repository/codec';
import { ChunkIdHasher } from '../../repository/crypto';
import { RingWriter } from '../../repository/ring-writer';
import { YoungGcPacer } from '../../repository/young-gc';
import { chunkFile, fileChunker } from './chunk-file';
import { capYoungGeneration } from '../../core/young-generation';

export interface FileWorkerSetup {
  index: number;
  idKey: Uint8Array;
  compression: CompressionSettings;
  chunker: ChunkerParams;
  gear: BigUint64Array;
  /** One Int32 per worker: bytes of its ring in use (placed, and not yet given back by the main thread). */
  outstanding: SharedArrayBuffer;
  /** This worker's ring for payloads. */
  ring: SharedArrayBuffer;
}

export interface FileJob {
  op: 'file';
  seq: number;
  /** The path's bytes as latin1 characters: a string crosses threads without a buffer of its own. */
  path: string;
  /**
   * The walk has not stat-ed this file (a new one: nothing to compare with). The worker's stat is
   * then the only one, and a hard-linked file (more than one name) is not read but reported in
   * `hardLink`: the walk decides whether another name already read it.
   */
  unstated?: boolean;
}

export interface EncodedFileChunk {
  /** The chunk id's bytes as 32 latin1 characters (see ChunkIdHasher). */
  id: string;
  rawLength: number;
  known: boolean;
  codec: number;
  /**
   * Where the codec byte and the payload after it start in the worker's ring, and their length
   * (absent for a known chunk): a record's plaintext, sealed as it is (RecordSealer's `framed`).
   */
  at?: number;
  length?: number;
}

/** A file's stat, as the tree records it. */
export interface FileStat {
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  dev: bigint;
  ino: bigint;
}

/** What the file looked like once read; `changed` when it moved under the reader. */
export interface FileReadDone extends FileStat {
  changed: boolean;
}

export interface FileChunksMessage {
  seq: number;
  chunks: EncodedFileChunk[];
  /** Bytes of the ring these chunks take; the main thread gives them back once it stored them. */
  bytes: number;
  done?: FileReadDone;
  /**
   * The file could not be read (it is skipped); errno code and message. `chunks` holds what was
   * read before the error: stored all the same (the worker counts them as known from then on).
   */
  error?: { code: string; message: string };
  /** An unstated job's file has more than one name: not read (see FileJob.unstated). */
  hardLink?: FileStat;
}

const FLUSH_BYTES = 4 * 1024 * 1024;
/**
 * Messages about finished files wait for this many before they are posted together (or for the
 * end of the jobs at hand, or a wait for the ring): a message each was 78,600 round trips through
 * the main thread's event loop for the Linux tree.
 */
const POST_MESSAGES = 32;
const GC_EVERY_BYTES = 8 * 1024 * 1024;
/** A file counts as this many bytes, so that small files trigger collections too (about every 128). */
const GC_FILE_WEIGHT = 64 * 1024;

function main(): void {
  capYoungGeneration(); // again: making this thread's isolate undid it
  const port = parentPort;
  if (!port) return;
  const setup = workerData as FileWorkerSetup;
  const ids = new ChunkIdHasher(Buffer.from(setup.idKey));
  const outstanding = new Int32Array(setup.outstanding);
  const chunker = fileChunker(setup.chunker, setup.gear);
  // Small files (most of a source tree) are read into this one buffer: no allocation per file.
  const smallBuffer = Buffer.allocUnsafe(setup.chunker.min + 1);
  const known = new Set<string>();
  const gc = new YoungGcPacer(GC_EVERY_BYTES);
  const ring = new RingWriter(setup.ring, outstanding, setup.index);

  let outgoing: FileChunksMessage[] = [];
  let outgoingBytes = 0;
  const post = () => {
    if (outgoing.length === 0) return;
    port.postMessage(outgoing);
    outgoing = [];
    outgoingBytes = 0;
  };
  const send = (message: FileChunksMessage) => {
    outgoing.push(message);
    outgoingBytes += message.bytes;
    if (outgoing.length >= POST_MESSAGES || outgoingBytes >= FLUSH_BYTES) post();
  };

  port.on('message', (jobs: FileJob[]) => {
    for (const job of jobs) readFile(job);
    post();
  });

  function readFile(job: FileJob): void {
    let pending: EncodedFileChunk[] = [];
    let pendingBytes = 0;
    const flush = (done?: FileReadDone) => {
      const message: FileChunksMessage = { seq: job.seq, chunks: pending, bytes: pendingBytes, done };
      pending = [];
      pendingBytes = 0;
      send(message);
    };
    // Before waiting for room in the ring: the chunks placed so far must reach the main thread.
    const flushPending = () => {
      if (pending.length > 0) flush();
      post();
    };
    const add = (data: Buffer) => {
      const id = ids.idOf(data);
      if (known.has(id)) {
        pending.push({ id, rawLength: data.length, known: true, codec: 0 });
      } else {
        known.add(id);
        const { codec, payload } = encodeSync(data, setup.compression, true);
        const { at, bytes } = ring.put(payload, flushPending, codec);
        pending.push({ id, rawLength: data.length, known: false, codec, at, length: 1 + payload.length });
        pendingBytes += bytes;
      }
      if (pendingBytes >= FLUSH_BYTES) flush();
    };

    let fd: number | undefined;
    let bytesRead = 0;
    try {
      fd = openSync(
        Buffer.from(job.path, 'latin1'),
        constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      );
      const before = fstatSync(fd, { bigint: true });
      if (!before.isFile()) throw Object.assign(new Error('no longer a regular file'), { code: 'ENOTFILE' });
      if (job.unstated && before.nlink > 1n) {
        send({ seq: job.seq, chunks: [], bytes: 0, hardLink: statOf(before, Number(before.size)) });
        return;
      }
      const size = readChunked(fd, before, add);
      bytesRead = size;
      const after = fstatSync(fd, { bigint: true });
      const changed =
        after.mtimeNs !== before.mtimeNs ||
        after.ctimeNs !== before.ctimeNs ||
        after.size !== before.size ||
        BigInt(size) !== after.size;
      flush({ ...statOf(after, size), changed });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      // Chunks already posted are stored; the file itself is skipped by the main thread.
      chunker.reset(); // discards the rest of the failed file
      // Chunks placed and not posted go with the error and are stored: this worker counts them
      // as known, and a later file holding one of them must find it in the repository.
      const message: FileChunksMessage = {
        seq: job.seq,
        chunks: pending,
        bytes: pendingBytes,
        error: { code: e.code ?? 'EIO', message: e.message },
      };
      pending = [];
      pendingBytes = 0;
      send(message);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    // Dead buffers and zstd contexts pile up otherwise: V8 sees few objects and does not know
    // about the native memory behind them. A young collection every few MiB or files is cheap.
    gc.add(bytesRead + GC_FILE_WEIGHT);
  }

  /** Reads to the end (a file can grow while read) and feeds chunks to `add`; returns the bytes read. */
  function readChunked(fd: number, stats: BigIntStats, add: (data: Buffer) => void): number {
    const min = setup.chunker.min;
    let total = 0;
    // Small files (most of a source tree) are one chunk: read into a buffer of their own, no chunker.
    if (stats.size <= BigInt(min)) {
      const own = smallBuffer;
      let n = 0;
      for (;;) {
        const got = readSync(fd, own, n, own.length - n, n);
        if (got === 0) break;
        n += got;
        if (n === own.length) break;
      }
      total = n;
      if (n <= Number(stats.size) && n <= min) {
        if (n > 0) add(own.subarray(0, n));
        return total;
      }
      // It grew past its size: chunk it like a large file, starting with what is read.
      chunker.write(own.subarray(0, n), add);
    }
    return chunkFile(fd, chunker, total, add);
  }
}

function statOf(st: BigIntStats, size: number): FileStat {
  return {
    size,
    mtimeNs: st.mtimeNs,
    ctimeNs: st.ctimeNs,
    mode: Number(st.mode),
    uid: Number(st.uid),
    gid: Number(st.gid),
    nlink: Number(st.nlink),
    dev: st.dev,
    ino: st.ino,
  };
}

main();
