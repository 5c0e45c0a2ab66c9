import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { CompressionSettings } from './codec';

/**
 * The CPU-heavy part of a backup, off the main thread: each worker computes a chunk's keyed id
 * and, unless that id is already known, compresses it. The main thread is left with reading,
 * chunking, sealing and writing, so both cores stay busy. Plain JavaScript evaluated in the worker:
 * it needs nothing but Node's crypto and zlib, and loads the same way from sources and from dist/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const zlib = require('node:zlib');
const idKey = Buffer.from(workerData.idKey);
const { alg, level } = workerData.compression;
const known = new Set();
require('node:v8').setFlagsFromString('--expose-gc');
const gc = require('node:vm').runInNewContext('gc');
let handled = 0;
const owned = (b) => (b.byteOffset === 0 && b.buffer.byteLength === b.length ? b : new Uint8Array(b));
function compress(data) {
  if (alg === 'none' || data.length < 64) return null;
  // Default 16 KiB output pieces: the result is then one exact-size buffer that moves back
  // without a copy, and the worker does not pile up a large dead buffer per chunk.
  const out = alg === 'zstd'
    ? zlib.zstdCompressSync(data, { pledgedSrcSize: data.length, params: { [zlib.constants.ZSTD_c_compressionLevel]: level } })
    : zlib.gzipSync(data, { level });
  return out.length < data.length ? out : null;
}
parentPort.on('message', (msg) => {
  if (msg.known) { for (const hex of msg.known) known.add(hex); return; }
  const data = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
  const id = createHmac('sha256', idKey).update(data).digest();
  const hex = id.toString('hex');
  if (known.has(hex)) { parentPort.postMessage({ seq: msg.seq, id, known: true }); return; }
  known.add(hex);
  const packed = compress(data);
  const payload = owned(packed ?? data);
  parentPort.postMessage({ seq: msg.seq, id, known: false, codec: packed ? (alg === 'zstd' ? 1 : 2) : 0, payload }, [payload.buffer]);
  if (++handled % 4 === 0) gc({ type: 'minor' });
});
`;

export interface EncodedChunk {
  id: Buffer;
  rawLength: number;
  /** True when the id was known already: nothing was compressed, there is nothing to store. */
  known: boolean;
  codec: number;
  payload: Buffer;
}

interface WorkerReply {
  seq: number;
  id: Uint8Array;
  known: boolean;
  codec?: number;
  payload?: Uint8Array;
}

interface Pending {
  rawLength: number;
  resolve: (value: EncodedChunk) => void;
  reject: (error: unknown) => void;
}

/** Moves a buffer's memory to a worker without copying, unless it shares memory with others (Node's pool). */
function transferable(data: Buffer): Uint8Array {
  return data.byteOffset === 0 && data.buffer.byteLength === data.length ? data : new Uint8Array(data);
}

export class ChunkWorkers {
  private readonly workers: Worker[];
  private readonly load: number[];
  private readonly pending = new Map<number, Pending & { worker: number }>();
  private seq = 0;
  private failure: unknown;

  constructor(
    idKey: Buffer,
    compression: CompressionSettings,
    count = Math.max(1, Math.min(availableParallelism(), 8)),
  ) {
    this.workers = Array.from(
      { length: count },
      () => new Worker(WORKER_SOURCE, { eval: true, workerData: { idKey, compression } }),
    );
    this.load = this.workers.map(() => 0);
    this.workers.forEach((worker, index) => {
      worker.on('message', (reply: WorkerReply) => this.settle(index, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`chunk worker exited with code ${code}`));
      });
    });
  }

  /** Ids that need not be compressed: chunks that exist already (the parent's). */
  markKnown(hexIds: string[]): void {
    for (const worker of this.workers) worker.postMessage({ known: hexIds });
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Hands a chunk to the least busy worker; `data` is moved there and must not be used again. */
  encode(data: Buffer): Promise<EncodedChunk> {
    if (this.failure) return Promise.reject(this.failure);
    const index = this.load.indexOf(Math.min(...this.load));
    const seq = this.seq++;
    this.load[index]!++;
    const message = { seq, data: transferable(data) };
    return new Promise<EncodedChunk>((resolve, reject) => {
      this.pending.set(seq, { rawLength: data.length, resolve, reject, worker: index });
      this.workers[index]!.postMessage(message, [message.data.buffer as ArrayBuffer]);
    });
  }

  private settle(index: number, reply: WorkerReply): void {
    const pending = this.pending.get(reply.seq);
    if (!pending) return;
    this.pending.delete(reply.seq);
    this.load[index]!--;
    const payload = reply.payload
      ? Buffer.from(reply.payload.buffer, reply.payload.byteOffset, reply.payload.byteLength)
      : Buffer.alloc(0);
    pending.resolve({
      id: Buffer.from(reply.id),
      rawLength: pending.rawLength,
      known: reply.known,
      codec: reply.codec ?? 0,
      payload,
    });
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
