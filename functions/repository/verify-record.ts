import { decodeSync } from './codec';
import type { ChunkIdHasher } from './crypto';
import { openRecord, type PackEntry, type PackHeader } from './pack';

export type RecordCheck = { data: Buffer; digest: Buffer; problem?: undefined } | { problem: string };

/**
 * Everything a reader checks of one record: it authenticates, its codec byte matches the entry,
 * it decodes to exactly the raw length, and its content hashes to its id. The one definition
 * used by restores (on the main thread or a worker) and by `check --read-data`. With `scratch`,
 * the data may be a view of one of the thread's scratch buffers (the opened record's or zstd's),
 * valid only until its next call: for a caller that writes the data out and drops it.
 */
export function verifyRecord(
  header: PackHeader,
  entry: PackEntry,
  record: Buffer,
  ids: ChunkIdHasher,
  scratch = false,
): RecordCheck {
  const opened = openRecord(header, entry, record, scratch);
  if (!opened)
    return { problem: `record of chunk ${entry.id.toString('hex').slice(0, 16)} does not authenticate` };
  if (opened.codec !== entry.codec) return { problem: 'record codec differs from the index' };
  let data: Buffer;
  try {
    data = decodeSync(opened.codec, opened.payload, entry.rawLength, scratch);
  } catch (error) {
    return { problem: `record does not decompress (${(error as Error).message})` };
  }
  if (!ids.matches(data, entry.id)) return { problem: 'chunk content does not match its id' };
  return { data, digest: ids.lastDigest() };
}
