/**
 * Worker-thread entry (see chunk-workers.ts): the CPU-heavy per-chunk work of backups and restores.
 * It uses the same format modules as the main thread, so there is one definition of a record.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeInPlace, encodeSync, type CompressionSettings } from './codec';
import { ChunkIdHasher } from './crypto';
import type { PackEntry, PackHeader } from './pack';
import { owned } from './owned';
import { verifyRecord } from './verify-record';
import { collectYoungGarbage, compactHeap, COMPACT_AFTER_PIECES } from './young-gc';
import { capYoungGeneration } from '../core/young-generation';

export interface WorkerSetup {
  idKey: Uint8Array;
  compression: CompressionSettings;
}

export type WorkerRequest =
  | { op: 'known'; ids: string[] }
  | { op: 'encode'; seq: number; data: Uint8Array }
  /** The shared ring (chunk-ring.ts) for encodeShared requests. */
  | { op: 'ring'; memory: SharedArrayBuffer }
  /** The chunk lies in the shared ring; the payload is written over the start of it. */
  | { op: 'encodeShared'; seq: number; start: number; length: number }
  | { op: 'decode'; seq: number; key: Uint8Array; packId: Uint8Array; entry: PackEntry; record: Uint8Array };

export type WorkerReply =
  | {
      seq: number;
      op: 'encode';
      id: Uint8Array;
      digest: Uint8Array;
      known: boolean;
      codec: number;
      payload?: Uint8Array;
      /** For encodeShared: the payload's length, at the chunk's start in the ring. */
      sharedPayloadLength?: number;
    }
  | { seq: number; op: 'decode'; data?: Uint8Array; digest?: Uint8Array; problem?: string };

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

function main(): void {
  capYoungGeneration(); // again: making this thread's isolate undid it
  const port = parentPort;
  if (!port) return;
  const setup = workerData as WorkerSetup;
  const ids = new ChunkIdHasher(Buffer.from(setup.idKey));
  const known = new Set<string>();
  let handled = 0;
  let ring: SharedArrayBuffer | undefined;

  const reply = (message: WorkerReply, transfer: Uint8Array | undefined) =>
    port.postMessage(message, transfer ? [transfer.buffer as ArrayBuffer] : []);

  /** The chunk's digest and keyed id, and whether this thread has seen the id already. */
  const identify = (seq: number, data: Buffer) => {
    const id = Buffer.from(ids.idOf(data), 'latin1');
    const hex = id.toString('hex');
    const isKnown = known.has(hex);
    known.add(hex);
    // Posted: in memory of their own, not a slice of Node's pool (which would be copied whole).
    return {
      seq,
      op: 'encode',
      id: owned(id),
      digest: owned(ids.lastDigest()),
      known: isKnown,
      codec: 0,
    } as const;
  };

  port.on('message', (request: WorkerRequest) => {
    if (request.op === 'known') {
      for (const hex of request.ids) known.add(hex);
      return;
    }
    if (request.op === 'ring') {
      ring = request.memory;
      return;
    }
    if (request.op === 'encodeShared') {
      // Nothing is allocated here, so there is no garbage to collect either.
      if (!ring) throw new Error('encodeShared before ring');
      const data = Buffer.from(ring, request.start, request.length);
      const answer = identify(request.seq, data);
      if (answer.known) {
        reply({ ...answer, sharedPayloadLength: 0 }, undefined);
      } else {
        const { codec, payload } = encodeInPlace(data, setup.compression);
        reply({ ...answer, codec, sharedPayloadLength: payload.length }, undefined);
      }
      return;
    }
    if (request.op === 'encode') {
      const data = asBuffer(request.data);
      const answer = identify(request.seq, data);
      if (answer.known) {
        reply(answer, undefined);
      } else {
        const { codec, payload } = encodeSync(data, setup.compression);
        const out = owned(payload);
        reply({ ...answer, codec, payload: out }, out);
      }
    } else {
      const header = {
        packId: Buffer.from(request.packId),
        key: { key: Buffer.from(request.key) },
      } as PackHeader;
      const entry = { ...request.entry, id: Buffer.from(request.entry.id) };
      const checked = verifyRecord(header, entry, asBuffer(request.record), ids);
      if (checked.problem !== undefined) {
        reply({ seq: request.seq, op: 'decode', problem: checked.problem }, undefined);
      } else {
        const out = owned(checked.data);
        reply({ seq: request.seq, op: 'decode', data: out, digest: owned(checked.digest) }, out);
      }
    }
    // Dead buffers would otherwise pile up: this thread allocates much memory but few objects.
    if (++handled % 2 === 0) collectYoungGarbage();
    // Once started up, as the main thread does.
    if (handled === COMPACT_AFTER_PIECES) compactHeap();
  });
}

main();
