/**
 * Worker-thread entry (see verify-workers.ts): reads restored files back, cuts them with the
 * repository's keyed chunker, hashes the chunks and compares their ids with the ones the snapshot
 * records, in order. The main thread walks the snapshot and hands out the files in batches.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkerParams } from '../../repository/chunker';
import { ChunkIdHasher } from '../../repository/crypto';
import { YoungGcPacer } from '../../repository/young-gc';
import { chunkFile, fileChunker } from './chunk-file';
import { capYoungGeneration } from '../../core/young-generation';

export interface VerifyWorkerSetup {
  idKey: Uint8Array;
  chunker: ChunkerParams;
  gear: BigUint64Array;
}

/** A restored file and what the snapshot says it holds. */
export interface ExpectedFile {
  path: Uint8Array;
  size: number;
  /** The chunks' ids, 32 bytes each, in order. */
  ids: Uint8Array;
  lengths: number[];
}

export interface VerifyBatch {
  seq: number;
  files: ExpectedFile[];
}

export interface VerifyBatchReply {
  seq: number;
  /** Per file of the batch, in order: what differs, or null when it holds exactly its chunks. */
  problems: (string | null)[];
}

const ID_BYTES = 32;

function main(): void {
  capYoungGeneration(); // again: making this thread's isolate undid it
  const port = parentPort;
  if (!port) return;
  const setup = workerData as VerifyWorkerSetup;
  const hasher = new ChunkIdHasher(Buffer.from(setup.idKey));
  // A file no longer than the smallest chunk is one chunk (most of a source tree): no chunker.
  const small = setup.chunker.min;
  const smallBuffer = Buffer.allocUnsafe(small + 1);
  const chunker = fileChunker(setup.chunker, setup.gear);
  const gc = new YoungGcPacer(8 * 1024 * 1024);

  /** Undefined when the file holds exactly the expected chunks; else what differs. */
  const compare = (file: ExpectedFile): string | undefined => {
    const ids = Buffer.from(file.ids.buffer, file.ids.byteOffset, file.ids.byteLength);
    let index = 0;
    const check = (data: Buffer): string | undefined => {
      if (index >= file.lengths.length)
        return `longer than the backed-up file (extra data at chunk ${index})`;
      const expected = ids.subarray(index * ID_BYTES, (index + 1) * ID_BYTES);
      if (!hasher.matches(data, expected) || data.length !== file.lengths[index])
        return `content differs from the backup (chunk ${index})`;
      index++;
      return undefined;
    };
    let fd: number;
    try {
      // Not following a link, not blocking on a FIFO: either is "not a regular file" below.
      fd = openSync(Buffer.from(file.path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return 'missing';
      if (code === 'ELOOP') return 'not a regular file';
      return `cannot be read back (${code ?? (error as Error).message})`;
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) return 'not a regular file';
      if (stats.size !== file.size) return `size differs (${stats.size} bytes, backup ${file.size})`;
      if (file.size <= small) {
        let position = 0;
        // Read to the end even so: a file that grew since the stat has more than its size.
        for (let n = -1; n !== 0; position += n)
          n = readSync(fd, smallBuffer, position, small + 1 - position, position);
        if (position > 0) {
          const bad = check(smallBuffer.subarray(0, position));
          if (bad) return bad;
        }
      } else {
        let bad: string | undefined;
        const visit = (data: Buffer) => {
          bad ??= check(data);
        };
        chunkFile(fd, chunker, 0, visit, () => bad !== undefined);
        if (bad) return bad;
      }
      if (index < file.lengths.length) return 'shorter than the backed-up file';
      // The bytes went into the thread's one buffer; a file leaves little garbage (its path,
      // digests, stat). Counting 64 KiB and its bytes per file forced a collection every 128
      // small files, which cost more than half a second on the Linux tree.
      gc.add(4 * 1024);
      return undefined;
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return `cannot be read back (${e.code ?? e.message})`;
    } finally {
      closeSync(fd);
      chunker.reset(); // the rest of a file that failed part-way
    }
  };

  port.on('message', (batch: VerifyBatch) => {
    const reply: VerifyBatchReply = { seq: batch.seq, problems: batch.files.map((f) => compare(f) ?? null) };
    port.postMessage(reply);
  });
}

main();
