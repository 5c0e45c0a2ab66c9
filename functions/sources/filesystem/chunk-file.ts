import { readSync } from 'node:fs';
import { Chunker, type ChunkerParams, type ChunkVisitor } from '../../repository/chunker';

/**
 * What one read of a file asks for; also the chunker's room beyond its max-sized window, so each
 * file worker's chunker holds max + 1 MiB. With 4 MiB reads the Linux tree's backup peaked at
 * 182-184 MiB, with 1 MiB at 173-175, in the same time (tmpfs, three rounds each, in turns): the
 * windows of files larger than them are touched whole. Past max, each read moves the unchunked
 * tail (under max) back to the start: 3-4 MiB per MiB read, for the few files that large.
 */
export const READ_BYTES = 1024 * 1024;

/**
 * A chunker for whole files, read straight into its memory (`chunkFile`): no read buffer of their
 * own, and each chunk is hashed (and compressed) where it lies, not copied out first.
 */
export function fileChunker(params: ChunkerParams, gear: BigUint64Array): Chunker {
  return new Chunker(params, gear, { inputRoom: READ_BYTES });
}

/**
 * Reads `fd` from `position` to its end (a file can grow while read) into the chunker's memory;
 * every chunk goes to `visit` as a view, the tail's too once the end is reached. Stops early,
 * without the tail, as soon as `stopped()` says so. Returns the position reached.
 */
export function chunkFile(
  fd: number,
  chunker: Chunker,
  position: number,
  visit: ChunkVisitor,
  stopped: () => boolean = () => false,
): number {
  for (;;) {
    const space = chunker.space();
    const n = readSync(fd, space, 0, Math.min(space.length, READ_BYTES), position);
    if (n === 0) break;
    position += n;
    chunker.commit(n, visit);
    if (stopped()) return position;
  }
  chunker.flush(visit);
  return position;
}
