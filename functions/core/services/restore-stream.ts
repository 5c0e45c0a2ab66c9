import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { IntegrityError } from '../errors';
import { ChunkReader, loadChunkIndex } from '../../repository/reader';
import type { Repository } from '../../repository/repository';
import type { SnapshotManifest } from '../../repository/snapshot';
import { readContentLists } from './content';

export interface StreamRestoreOptions {
  onProgress?: (bytesWritten: number) => void;
  /** Chunks fetched and decoded ahead of the writer. */
  readAhead?: number;
}

/**
 * Writes a stream snapshot to `sink` in order, fetching and decoding several chunks ahead.
 * Every chunk is checked against its keyed id before it is written, and the whole stream against
 * the SHA-256 recorded at backup time; any mismatch is an IntegrityError naming the object.
 */
export async function restoreStream(
  repo: Repository,
  manifest: SnapshotManifest,
  sink: Writable,
  options: StreamRestoreOptions = {},
): Promise<{ bytes: number; sha256: string }> {
  const readAhead = options.readAhead ?? 8;
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  const checksum = createHash('sha256');
  const queue: Promise<Buffer>[] = [];
  let written = 0;

  const writeNext = async () => {
    const data = await queue.shift()!;
    checksum.update(data);
    written += data.length;
    if (!sink.write(data)) await once(sink, 'drain');
    options.onProgress?.(written);
  };

  try {
    for await (const ref of readContentLists(reader, manifest)) {
      const pending = reader.read(ref.id);
      // Errors surface when the writer awaits it; keep them from being reported as unhandled first.
      pending.catch(() => undefined);
      queue.push(pending);
      if (queue.length >= readAhead) await writeNext();
    }
    while (queue.length > 0) await writeNext();
  } finally {
    for (const pending of queue) pending.catch(() => undefined);
  }
  const sha256 = checksum.digest('hex');
  if (written !== manifest.content.size || sha256 !== manifest.checksum_value) {
    throw new IntegrityError(
      `snapshot ${manifest.id}`,
      'restored stream does not match the checksum recorded at backup',
    );
  }
  return { bytes: written, sha256 };
}
