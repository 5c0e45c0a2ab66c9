/**
 * Worker-thread entry (see restore-workers.ts): verifies records read from packs and writes them
 * into files, with synchronous system calls (a small file costs a handful of them; through the
 * libuv pool each would cost a round trip). Files arrive in pieces, in order, always to the same
 * worker; a file is created by its first piece and finished (size, mode, owner, times) by its last.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  ftruncateSync,
  futimesSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { PackEntry, PackHeader } from '../../repository/pack';
import { ChunkIdHasher } from '../../repository/crypto';
import { verifyRecord } from '../../repository/verify-record';
import { YoungGcPacer } from '../../repository/young-gc';
import { isZero } from './zeros';

export interface RestoreWorkerSetup {
  idKey: Uint8Array;
  /** The process umask: a file created with its mode needs no chmod unless the umask cut bits. */
  umask: number;
}

export interface RangeData {
  /** Bytes of a pack from `start`, covering the records the pieces name. */
  data: Uint8Array;
  start: number;
  packId: Uint8Array;
  key: Uint8Array;
  object: string;
}

export interface FilePiece {
  fid: number;
  /**
   * Set on the first piece: where the file goes (its bytes as latin1 characters: a string crosses
   * threads without a buffer of its own), its mode, and whether it replaces an entry.
   */
  path?: string;
  mode?: number;
  replace?: boolean;
  /** The file failed elsewhere: remove what was written of it. */
  abandon?: boolean;
  /** Set on the last piece: the metadata to apply. */
  finish?: { size: number; mode: number; uid?: number; gid?: number; mtime: number };
  chunks: { range: number; entry: PieceEntry }[];
}

/** A chunk's pack entry, its id as latin1 characters (as the path). */
export type PieceEntry = Omit<PackEntry, 'id'> & { id: string };

export interface RestoreBatch {
  seq: number;
  ranges: RangeData[];
  pieces: FilePiece[];
}

export interface RestoreBatchReply {
  seq: number;
  /** Files finished in this batch, with their byte counts. */
  finished: { fid: number; bytes: number }[];
  /** Files that failed (damage or I/O); the main thread retries or reports them. */
  failed: { fid: number; problem: string; integrity: boolean }[];
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
  const port = parentPort;
  if (!port) return;
  const setup = workerData as RestoreWorkerSetup;
  const ids = new ChunkIdHasher(Buffer.from(setup.idKey));
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

  port.on('message', (batch: RestoreBatch) => {
    const reply: RestoreBatchReply = { seq: batch.seq, finished: [], failed: [] };
    const ranges = batch.ranges.map((r) => ({
      ...r,
      bytes: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength),
      header: { packId: Buffer.from(r.packId), key: { key: Buffer.from(r.key) } } as PackHeader,
    }));
    for (const piece of batch.pieces) {
      if (failedFiles.has(piece.fid)) continue;
      if (piece.abandon) {
        abandon(piece.fid);
        continue;
      }
      try {
        let file = open.get(piece.fid);
        if (piece.path) {
          const path = Buffer.from(piece.path, 'latin1');
          // A replacement is written beside the old entry and renamed over it at the end, so the
          // old file stays whole until the new one is.
          const dir = path.subarray(0, path.lastIndexOf(0x2f) + 1);
          const tmp = piece.replace
            ? Buffer.concat([dir, Buffer.from(`.lifeboat-${process.pid}-${piece.fid}.tmp`)])
            : undefined;
          const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
          // Created with its permissions (not setuid/setgid/sticky, which only chmod sets).
          const mode = (piece.mode ?? 0o600) & 0o777;
          file = { fd: openSync(tmp ?? path, flags, mode), position: 0, end: 0, mode, path, tmp };
          open.set(piece.fid, file);
        }
        if (!file) throw new Error('piece of a file that was not started');
        for (const { range, entry } of piece.chunks) {
          const r = ranges[range]!;
          if (zeroChunks.has(entry.id)) {
            file.position += entry.rawLength;
            continue;
          }
          const record = r.bytes.subarray(
            entry.offset - r.start,
            entry.offset - r.start + entry.storedLength,
          );
          const id = Buffer.from(entry.id, 'latin1');
          // Decoded into the thread's scratch buffer: written at once, never kept.
          const checked = verifyRecord(r.header, { ...entry, id }, record, ids, true);
          if (checked.problem !== undefined) {
            const problem = `${r.object} at offset ${entry.offset}: ${checked.problem}`;
            throw Object.assign(new Error(problem), { integrity: true });
          }
          // Runs of zeros (sparse files, disk images) become holes: nothing is written.
          if (isZero(checked.data)) zeroChunks.add(entry.id);
          else {
            writeSync(file.fd, checked.data, 0, checked.data.length, file.position);
            file.end = file.position + checked.data.length;
          }
          file.position += checked.data.length;
          gc.add(record.length); // the decrypted copy is the garbage now, not the decoded data
        }
        if (piece.finish) {
          const f = piece.finish;
          if (file.position !== f.size)
            throw Object.assign(new Error(`chunks hold ${file.position} bytes, the file ${f.size}`), {
              integrity: true,
            });
          if (file.end < f.size) ftruncateSync(file.fd, f.size);
          if (f.uid !== undefined && f.gid !== undefined && (f.uid !== uid || f.gid !== gid))
            fchownSync(file.fd, f.uid, f.gid);
          if (f.mode !== (file.mode & ~setup.umask)) fchmodSync(file.fd, f.mode);
          futimesSync(file.fd, f.mtime, f.mtime);
          closeSync(file.fd);
          if (file.tmp) renameSync(file.tmp, file.path);
          open.delete(piece.fid);
          reply.finished.push({ fid: piece.fid, bytes: f.size });
        }
      } catch (error) {
        const e = error as Error & { integrity?: boolean; code?: string };
        abandon(piece.fid);
        reply.failed.push({
          fid: piece.fid,
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
