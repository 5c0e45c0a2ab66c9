import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { Replies, startWorkers } from '../core/batch-slots';
import { IntegrityError } from '../core/errors';
import { workerScript } from '../core/worker-script';
import { prepareWorkerIsolates } from './worker-isolates';
import type { CompressionSettings } from './codec';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './chunk-worker';
import { owned } from './owned';
import type { ChunkRing } from './chunk-ring';
import type { PackEntry, PackHeader } from './pack';

export interface EncodedChunk {
  id: Buffer;
  /** SHA-256 of the chunk, for the stream checksum. */
  digest: Buffer;
  rawLength: number;
  /** True when the id was known already: nothing was compressed and there is nothing to store. */
  known: boolean;
  codec: number;
  /** For a chunk given in the shared ring, a view of the ring: valid until it is released. */
  payload: Buffer;
  /** Where the payload starts in the shared ring (chunk-ring.ts); release it once it is sealed. */
  ringStart?: number;
}

/** A chunk read back and checked against its id, with its SHA-256. */
export interface VerifiedChunk {
  data: Buffer;
  digest: Buffer;
}

/**
 * A pool of worker threads for the per-chunk CPU work: keyed id and compression when backing up,
 * decryption, decompression and id check when restoring. The main thread keeps reading, chunking,
 * sealing and writing, so every core is busy.
 */
export class ChunkWorkers {
  private readonly workers: Worker[];
  private readonly load: number[];
  private readonly replies = new Replies<WorkerReply>();
  private seq = 0;
  private failure: unknown;
  private ring: ChunkRing | undefined;

  constructor(
    idKey: Buffer,
    compression: CompressionSettings,
    count = Math.max(1, Math.min(availableParallelism(), 8)),
  ) {
    // Before the workers start: the settings apply to isolates created afterwards.
    prepareWorkerIsolates();
    const setup: WorkerSetup = { idKey, compression };
    const script = workerScript(__dirname, 'chunk-worker');
    this.workers = startWorkers(script, setup, count, this.replies, (error) => (this.failure ??= error));
    this.load = this.workers.map(() => 0);
  }

  /** Ids that need not be compressed: chunks that exist already (the parent's). */
  markKnown(ids: string[]): void {
    const request: WorkerRequest = { op: 'known', ids };
    for (const worker of this.workers) worker.postMessage(request);
  }

  /** Shares `ring` with the workers: encode then passes chunks that lie in it without moving memory. */
  shareRing(ring: ChunkRing): void {
    this.ring = ring;
    const request: WorkerRequest = { op: 'ring', memory: ring.memory };
    for (const worker of this.workers) worker.postMessage(request);
  }

  /**
   * Hands a chunk to the least busy worker; `data` moves there and must not be used again. A
   * chunk in the shared ring stays there: its payload comes back in the same place.
   */
  encode(data: Buffer): Promise<EncodedChunk> {
    const rawLength = data.length;
    const ring = this.ring?.holds(data) ? this.ring : undefined;
    const ringStart = ring ? data.byteOffset : undefined;
    const payload = ring ? undefined : owned(data);
    const request: WorkerRequest = ring
      ? { op: 'encodeShared', seq: 0, start: ringStart!, length: rawLength }
      : { op: 'encode', seq: 0, data: payload! };
    return this.send(request, payload).then((reply) => {
      if (reply.op !== 'encode') throw new Error('unexpected worker reply');
      const out = ring
        ? ring.view(ringStart!, reply.sharedPayloadLength ?? 0)
        : reply.payload
          ? Buffer.from(reply.payload.buffer, reply.payload.byteOffset, reply.payload.byteLength)
          : Buffer.alloc(0);
      return {
        ringStart,
        id: Buffer.from(reply.id),
        digest: Buffer.from(reply.digest),
        rawLength,
        known: reply.known,
        codec: reply.codec,
        payload: out,
      };
    });
  }

  /**
   * Decrypts, decompresses and checks one record; an IntegrityError names the pack and offset.
   * A record in shared memory is read there by the worker (leave it alone until this settles);
   * any other record moves to the worker and must not be used again.
   */
  decode(object: string, header: PackHeader, entry: PackEntry, record: Buffer): Promise<VerifiedChunk> {
    const shared = record.buffer instanceof SharedArrayBuffer;
    const sent = shared ? record : owned(record);
    const request: WorkerRequest = {
      op: 'decode',
      seq: 0,
      key: header.key.key,
      packId: header.packId,
      entry,
      record: sent,
    };
    return this.send(request, shared ? undefined : sent).then((reply) => {
      if (reply.op !== 'decode') throw new Error('unexpected worker reply');
      if (reply.problem || !reply.data || !reply.digest) {
        throw new IntegrityError(object, reply.problem ?? 'no data', entry.offset);
      }
      return {
        data: Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength),
        digest: Buffer.from(reply.digest),
      };
    });
  }

  /** To the least busy worker; `transfer`'s memory moves there. */
  private send(
    request: WorkerRequest & { seq: number },
    transfer: Uint8Array | undefined,
  ): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    const index = this.load.indexOf(Math.min(...this.load));
    request.seq = this.seq++;
    this.load[index]!++;
    const moved = transfer ? [transfer.buffer as ArrayBuffer] : [];
    return this.replies.post(this.workers[index]!, request, moved).finally(() => this.load[index]!--);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
