import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { InputError } from '../errors';
import { Chunker, chunkStream } from '../../repository/chunker';
import { CONTENT_LIST_MAX_ENTRIES, encodeContentList, type ContentRef } from '../../repository/content-list';
import { newUlid } from '../../repository/ids';
import { PackClass } from '../../repository/pack';
import { loadChunkIndex, ChunkReader } from '../../repository/reader';
import type { Repository } from '../../repository/repository';
import type { BackupType, SnapshotManifest, TargetType } from '../../repository/snapshot';
import { RepositoryWriter } from '../../repository/writer';
import { readContentLists } from './content';

export interface StreamBackupRequest {
  name: string;
  backupType: BackupType;
  targetType?: TargetType;
  /** Called now and then with the bytes read so far. */
  onProgress?: (bytesRead: number) => void;
}

export interface StreamBackupResult {
  manifest: SnapshotManifest;
  /** The type actually made: an incremental without any earlier backup is a full one. */
  requestedType: BackupType;
  durationMs: number;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/;

export function validateBackupName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new InputError(
      `Invalid backup name "${name}".`,
      'Use 1-200 characters: letters, digits and . _ : @ + - (starting with a letter or digit).',
    );
  }
}

/** Parent by backup type: incremental = latest of the name, differential = latest full, full = none. */
export async function chooseParent(
  repo: Repository,
  name: string,
  type: BackupType,
): Promise<SnapshotManifest | undefined> {
  if (type === 'full') return undefined;
  const same = (await repo.listSnapshots()).filter((s) => s.name === name);
  const candidates = type === 'differential' ? same.filter((s) => s.backup_type === 'full') : same;
  return candidates.pop();
}

/**
 * One streaming pass: chunk → id → dedup against the parent → compress → encrypt → pack → store,
 * then the index and last the manifest. Memory is bounded by the chunker window, the compression
 * queue and two open packs, whatever the size of the stream.
 */
export async function backupStream(
  repo: Repository,
  source: AsyncIterable<Buffer>,
  request: StreamBackupRequest,
): Promise<StreamBackupResult> {
  validateBackupName(request.name);
  const started = new Date();
  const parent = await chooseParent(repo, request.name, request.backupType);
  const backupType: BackupType = parent ? request.backupType : 'full';
  const writer = new RepositoryWriter(repo);
  if (parent) {
    const reader = new ChunkReader(repo, await loadChunkIndex(repo));
    for await (const ref of readContentLists(reader, parent, (listId) => writer.markKnown(listId)))
      writer.markKnown(ref.id);
  }

  const checksum = createHash('sha256');
  const lists: string[] = [];
  let refs: ContentRef[] = [];
  let size = 0;
  let chunkCount = 0;
  const data = { chunksNew: 0, chunksReused: 0, bytesNew: 0, bytesReused: 0 };
  const flushList = async () => {
    const list = encodeContentList(refs);
    const id = writer.chunkId(list);
    await writer.put(id, list, PackClass.meta);
    lists.push(id.toString('hex'));
    refs = [];
  };

  const chunker = new Chunker(repo.chunkerParams, repo.gear());
  try {
    for await (const chunk of chunkStream(source, chunker)) {
      checksum.update(chunk.data);
      size += chunk.length;
      chunkCount++;
      const id = writer.chunkId(chunk.data);
      refs.push({ id, rawLength: chunk.length });
      if (await writer.put(id, chunk.data, PackClass.data)) {
        data.chunksNew++;
        data.bytesNew += chunk.length;
      } else {
        data.chunksReused++;
        data.bytesReused += chunk.length;
      }
      if (refs.length === CONTENT_LIST_MAX_ENTRIES) await flushList();
      request.onProgress?.(size);
    }
    if (refs.length > 0 || lists.length === 0) await flushList();
    await writer.flush();
  } catch (error) {
    writer.abort();
    throw error;
  }

  const stats = writer.stats;
  const manifest: SnapshotManifest = {
    v: 1,
    id: newUlid(started.getTime()),
    repo_id: repo.config.repo_id,
    name: request.name,
    target_type: request.targetType ?? 'application',
    backup_type: backupType,
    parent_backup_id: parent?.id ?? null,
    host: hostname(),
    started_at: started.toISOString(),
    completed_at: new Date().toISOString(),
    chunker: repo.config.chunker,
    compression_algorithm: repo.config.compression.alg,
    content: { kind: 'stream', size, chunk_count: chunkCount, lists },
    checksum_algorithm: 'sha256',
    checksum_value: checksum.digest('hex'),
    stats: {
      original_size_bytes: size,
      compressed_size_bytes: stats.compressedBytes,
      final_size_bytes: 0,
      chunks_total: chunkCount,
      chunks_new: data.chunksNew,
      chunks_reused: data.chunksReused,
      bytes_new: data.bytesNew,
      bytes_reused: data.bytesReused,
      packs_written: stats.packsWritten,
    },
  };
  // The manifest's own size is part of what this backup stored; estimate it, then record it.
  manifest.stats.final_size_bytes = stats.storedBytes + JSON.stringify(manifest).length + 256;
  await repo.saveSnapshot(manifest);
  return { manifest, requestedType: request.backupType, durationMs: Date.now() - started.getTime() };
}
