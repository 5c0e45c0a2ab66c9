import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { InputError, IntegrityError } from '../errors';
import type { ByteSink } from '../ports/byte-sink';
import { ChunkWorkers, type VerifiedChunk } from '../../repository/chunk-workers';
import { StreamChecksum } from '../../repository/crypto';
import { ChunkReader, loadChunkIndex } from '../../repository/reader';
import type { Repository } from '../../repository/repository';
import type { SnapshotManifest } from '../../repository/snapshot';
import { collectYoungGarbage } from '../../repository/young-gc';
import { readContentLists } from './content';

export interface StreamRestoreOptions {
  onProgress?: (bytesWritten: number) => void;
  /** Chunks fetched and decoded ahead of the writer. */
  readAhead?: number;
  /** A pool to decode on (it must belong to this repository); by default one is made and closed. */
  workers?: ChunkWorkers;
}

/** A Node stream as a ByteSink. */
export function writableSink(stream: Writable): ByteSink {
  return {
    async write(data) {
      if (!stream.write(data)) await once(stream, 'drain');
    },
    async end() {},
    async abort() {},
  };
}

/**
 * Writes a stream snapshot to `sink` in order, fetching and decoding several chunks ahead.
 * Every chunk is checked against its keyed id before it is written, and the whole stream against
 * the checksum recorded at backup time; any mismatch is an IntegrityError naming the object.
 */
export async function restoreStream(
  repo: Repository,
  manifest: SnapshotManifest,
  sink: ByteSink,
  options: StreamRestoreOptions = {},
): Promise<{ bytes: number; checksum: string }> {
  const content = manifest.content;
  if (content.kind !== 'stream') {
    throw new InputError(
      `Backup ${manifest.id} is a file tree, not a stream.`,
      'Restore it into a directory with --target DIR.',
    );
  }
  const readAhead = options.readAhead ?? 6;
  const workers = options.workers ?? new ChunkWorkers(repo.keys.id, repo.config.compression);
  const checksum = new StreamChecksum();
  const queue: Promise<VerifiedChunk>[] = [];
  let written = 0;
  let chunks = 0;

  const writeNext = async () => {
    const { data, digest } = await queue.shift()!;
    checksum.add(digest);
    written += data.length;
    await sink.write(data);
    if (++chunks % 4 === 0) collectYoungGarbage();
    options.onProgress?.(written);
  };

  // Everything from here on releases the workers and the sink on failure: a thread left running
  // would keep the process alive after the error was reported.
  try {
    const reader = new ChunkReader(repo, await loadChunkIndex(repo), workers);
    for await (const ref of readContentLists(reader, content)) {
      const pending = reader.readVerified(ref.id);
      // Errors surface when the writer awaits it; keep them from being reported as unhandled first.
      pending.catch(() => undefined);
      queue.push(pending);
      if (queue.length >= readAhead) await writeNext();
    }
    while (queue.length > 0) await writeNext();
    await sink.end();
  } catch (error) {
    await sink.abort();
    throw error;
  } finally {
    for (const pending of queue) pending.catch(() => undefined);
    if (!options.workers) await workers.close();
  }
  const value = checksum.hex();
  if (written !== content.size || value !== manifest.checksum_value) {
    throw new IntegrityError(
      `snapshot ${manifest.id}`,
      'restored stream does not match the checksum recorded at backup',
    );
  }
  return { bytes: written, checksum: value };
}
