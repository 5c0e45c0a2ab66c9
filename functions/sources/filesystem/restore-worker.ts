/**
 * Worker-thread entry (see restore-workers.ts): verifies records read from packs and writes them
 * into files, with synchronous system calls (a small file costs a handful of them; through the
 * libuv pool each would cost a round trip). Files arrive in pieces, in order, always to the same
 * worker; a file is created by its first piece and finished (size, mode, owner, times) by its last.
 * Where the addon is built, native threads do this instead (file-writer.c), with the same checks,
 * files and replies (restore-writers.test.ts compares the two).
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  ftruncateSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { PackEntry, PackHeader } from '../../repository/pack';
import { CHUNK_ID_BYTES, ChunkIdHasher } from '../../repository/crypto';
import { verifyRecord } from '../../repository/verify-record';
import { YoungGcPacer } from '../../repository/young-gc';
import {
  Chunk,
  CHUNK_FIELDS,
  Piece,
  PIECE_FIELDS,
  PieceFlag,
  type RestoreBatch,
  type RestoreBatchReply,
} from './restore-batch';
import { isZero } from './zeros';
import { setFileTimes } from './nano-times';
import { capYoungGeneration } from '../../core/young-generation';

export interface RestoreWorkerSetup {
  idKey: Uint8Array;
  /** The process umask: a file created with its mode needs no chmod unless the umask cut bits. */
  umask: number;
}

interface OpenFile {
  fd: number;
  position: number;
  /** End of the last bytes written; shorter than the size when the file ends in a hole. */
  end: number;
  mode: number;
  path: Buffer;
  tmp?: Buffer;
}

function main(): void {
  capYoungGeneration(); // again: making this thread's isolate undid it
  const port = parentPort;
  if (!port) return;
  const setup = workerData as RestoreWorkerSetup;
  const hasher = new ChunkIdHasher(Buffer.from(setup.idKey));
  const open = new Map<number, OpenFile>();
  const failedFiles = new Set<number>();
  const zeroChunks = new Set<string>();
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  const gc = new YoungGcPacer(8 * 1024 * 1024);

  const abandon = (fid: number) => {
    const file = open.get(fid);
    open.delete(fid);
    failedFiles.add(fid);
    if (!file) return;
    try {
      closeSync(file.fd);
    } catch {
      // already closed
    }
    rmSync(file.tmp ?? file.path, { force: true });
  };

  // One entry object serves every chunk: verifyRecord reads it and keeps nothing of it.
  const entry: PackEntry = {
    id: Buffer.alloc(CHUNK_ID_BYTES),
    offset: 0,
    storedLength: 0,
    rawLength: 0,
    codec: 0,
  };

  port.on('message', (batch: RestoreBatch) => {
    const reply: RestoreBatchReply = { seq: batch.seq, finished: [], failed: [] };
    const ranges = batch.ranges.map((r) => ({
      ...r,
      bytes: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength),
      header: { packId: Buffer.from(r.packId), key: { key: Buffer.from(r.key) } } as PackHeader,
    }));
    const p = batch.pieces;
    const c = batch.chunks;
    const ids = Buffer.from(batch.ids.buffer, batch.ids.byteOffset, batch.ids.byteLength);
    const paths = batch.paths.split('\0');
    let nextPath = 0;
    let nextChunk = 0;
    for (let at = 0; at < p.length; at += PIECE_FIELDS) {
      const fid = p[at + Piece.fid]!;
      const flags = p[at + Piece.flags]!;
      const firstChunk = nextChunk;
      nextChunk += p[at + Piece.chunks]!;
      const startPath = flags & PieceFlag.starts ? paths[nextPath++] : undefined;
      if (failedFiles.has(fid)) continue;
      if (flags & PieceFlag.abandon) {
        abandon(fid);
        continue;
      }
      try {
        let file = open.get(fid);
        if (startPath !== undefined) {
          const path = Buffer.from(startPath, 'latin1');
          // A replacement is written beside the old entry and renamed over it at the end, so the
          // old file stays whole until the new one is.
          const dir = path.subarray(0, path.lastIndexOf(0x2f) + 1);
          const tmp =
            flags & PieceFlag.replace
              ? Buffer.concat([dir, Buffer.from(`.lifeboat-${process.pid}-${fid}.tmp`)])
              : undefined;
          const openFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
          // Created with its permissions (not setuid/setgid/sticky, which only chmod sets).
          const mode = p[at + Piece.mode]! & 0o777;
          file = { fd: openSync(tmp ?? path, openFlags, mode), position: 0, end: 0, mode, path, tmp };
          open.set(fid, file);
        }
        if (!file) throw new Error('piece of a file that was not started');
        for (let k = firstChunk; k < nextChunk; k++) {
          const ck = k * CHUNK_FIELDS;
          const r = ranges[c[ck + Chunk.range]!]!;
          entry.offset = c[ck + Chunk.offset]!;
          entry.storedLength = c[ck + Chunk.storedLength]!;
          entry.rawLength = c[ck + Chunk.rawLength]!;
          entry.codec = c[ck + Chunk.codec]!;
          ids.copy(entry.id, 0, k * CHUNK_ID_BYTES, (k + 1) * CHUNK_ID_BYTES);
          if (zeroChunks.size > 0 && zeroChunks.has(entry.id.toString('latin1'))) {
            file.position += entry.rawLength;
            continue;
          }
          const record = r.bytes.subarray(
            entry.offset - r.start,
            entry.offset - r.start + entry.storedLength,
          );
          // Decoded into the thread's scratch buffer: written at once, never kept.
          const checked = verifyRecord(r.header, entry, record, hasher, true);
          if (checked.problem !== undefined) {
            const problem = `${r.object} at offset ${entry.offset}: ${checked.problem}`;
            throw Object.assign(new Error(problem), { integrity: true });
          }
          // Runs of zeros (sparse files, disk images) become holes: nothing is written.
          if (isZero(checked.data)) zeroChunks.add(entry.id.toString('latin1'));
          else {
            writeSync(file.fd, checked.data, 0, checked.data.length, file.position);
            file.end = file.position + checked.data.length;
          }
          file.position += checked.data.length;
          gc.add(record.length); // the decrypted copy is the garbage now, not the decoded data
        }
        if (flags & PieceFlag.finish) {
          const size = p[at + Piece.size]!;
          const mode = p[at + Piece.finishMode]!;
          if (file.position !== size)
            throw Object.assign(new Error(`chunks hold ${file.position} bytes, the file ${size}`), {
              integrity: true,
            });
          if (file.end < size) ftruncateSync(file.fd, size);
          if (flags & PieceFlag.owner) {
            const fileUid = p[at + Piece.uid]!;
            const fileGid = p[at + Piece.gid]!;
            if (fileUid !== uid || fileGid !== gid) fchownSync(file.fd, fileUid, fileGid);
          }
          if (mode !== (file.mode & ~setup.umask)) fchmodSync(file.fd, mode);
          setFileTimes(file.fd, { seconds: p[at + Piece.mtimeSeconds]!, nanos: p[at + Piece.mtimeNanos]! });
          closeSync(file.fd);
          if (file.tmp) renameSync(file.tmp, file.path);
          open.delete(fid);
          reply.finished.push({ fid, bytes: size });
        }
      } catch (error) {
        const e = error as Error & { integrity?: boolean; code?: string };
        abandon(fid);
        reply.failed.push({
          fid,
          problem: e.code ? `${e.code}: ${e.message}` : e.message,
          integrity: e.integrity === true,
        });
      }
      // A piece's objects and system calls leave garbage too: a little. Counted as 256 KiB, the
      // forced collections cost 0.5 s of a 6.5 s restore of the Linux tree, for no less memory.
      gc.add(16 * 1024);
    }
    port.postMessage(reply);
  });
}

main();
