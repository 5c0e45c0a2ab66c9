import { hostname } from 'node:os';
import { InputError } from '../errors';
import { Chunker, chunkStream } from '../../repository/chunker';
import { CONTENT_LIST_MAX_ENTRIES, encodeContentList, type ContentRef } from '../../repository/content-list';
import { newUlid } from '../../repository/ids';
import { PackClass } from '../../repository/pack';
import { STREAM_CHECKSUM_ALGORITHM, StreamChecksum } from '../../repository/crypto';
import { loadChunkIndex, ChunkReader } from '../../repository/reader';
import type { Repository } from '../../repository/repository';
import type { BackupType, SnapshotManifest, StreamContent, TargetType } from '../../repository/snapshot';
import { RepositoryWriter } from '../../repository/writer';
import { collectYoungGarbage } from '../../repository/young-gc';
import { ChunkWorkers, type EncodedChunk } from '../../repository/chunk-workers';
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

/**
 * Saves a manifest, the last write of a backup (after it, the snapshot exists). The manifest's
 * own stored size is part of final_size_bytes; recording it can change it by a digit, so settle
 * on the fixed point (two or three rounds; compression could in theory flip-flop).
 */
export async function commitSnapshot(
  repo: Repository,
  manifest: SnapshotManifest,
  storedBytes: number,
): Promise<void> {
  let manifestBytes = 0;
  for (let round = 0; round < 8; round++) {
    manifest.stats.final_size_bytes = storedBytes + manifestBytes;
    const sealed = repo.sealedSnapshotSize(manifest);
    if (sealed === manifestBytes) break;
    manifestBytes = sealed;
  }
  await repo.saveSnapshot(manifest);
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
 * then the index and last the manifest. Memory is bounded by the chunker window, the chunks in
 * flight to the workers and two open packs, whatever the size of the stream.
 */
export async function backupStream(
  repo: Repository,
  source: AsyncIterable<Buffer>,
  request: StreamBackupRequest,
): Promise<StreamBackupResult> {
  validateBackupName(request.name);
  const started = new Date();
  const parent = await chooseParent(repo, request.name, request.backupType);
  const writer = new RepositoryWriter(repo);
  const workers = new ChunkWorkers(repo.keys.id, repo.config.compression);
  try {
    if (parent?.content.kind === 'stream') await learnParent(repo, parent.content, writer, workers);
    return await runBackup(repo, source, request, { started, parent, writer, workers });
  } finally {
    await workers.close();
  }
}

/** The parent's chunks exist already: neither compress nor store them again. */
async function learnParent(
  repo: Repository,
  parent: StreamContent,
  writer: RepositoryWriter,
  workers: ChunkWorkers,
): Promise<void> {
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  let batch: string[] = [];
  for await (const ref of readContentLists(reader, parent, (listId) => writer.markKnown(listId))) {
    writer.markKnown(ref.id);
    batch.push(ref.id.toString('hex'));
    if (batch.length >= 4096) {
      workers.markKnown(batch);
      batch = [];
    }
  }
  workers.markKnown(batch);
}

interface BackupContext {
  started: Date;
  parent: SnapshotManifest | undefined;
  writer: RepositoryWriter;
  workers: ChunkWorkers;
}

/** Chunks in flight to the workers; each holds at most one max-size chunk. */
const CHUNKS_IN_FLIGHT = 6;

async function runBackup(
  repo: Repository,
  source: AsyncIterable<Buffer>,
  request: StreamBackupRequest,
  { started, parent, writer, workers }: BackupContext,
): Promise<StreamBackupResult> {
  const backupType: BackupType = parent ? request.backupType : 'full';
  const checksum = new StreamChecksum();
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

  // Workers answer in any order; results are taken in stream order, so lists keep the order.
  const inFlight: Promise<EncodedChunk>[] = [];
  const settleOldest = async () => {
    const encoded = await inFlight.shift()!;
    refs.push({ id: encoded.id, rawLength: encoded.rawLength });
    checksum.add(encoded.digest);
    const isNew =
      !encoded.known &&
      (await writer.putEncoded(
        encoded.id,
        encoded.rawLength,
        encoded.codec,
        encoded.payload,
        PackClass.data,
      ));
    if (isNew) {
      data.chunksNew++;
      data.bytesNew += encoded.rawLength;
    } else {
      data.chunksReused++;
      data.bytesReused += encoded.rawLength;
    }
    if (refs.length === CONTENT_LIST_MAX_ENTRIES) await flushList();
  };

  const chunker = new Chunker(repo.chunkerParams, repo.gear());
  try {
    for await (const chunk of chunkStream(source, chunker)) {
      size += chunk.length;
      chunkCount++;
      // chunk.data moves to a worker here; it must not be touched afterwards.
      const pending = workers.encode(chunk.data);
      pending.catch(() => undefined);
      inFlight.push(pending);
      if (inFlight.length >= CHUNKS_IN_FLIGHT) await settleOldest();
      if (chunkCount % 2 === 0) collectYoungGarbage();
      request.onProgress?.(size);
    }
    while (inFlight.length > 0) await settleOldest();
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
    checksum_algorithm: STREAM_CHECKSUM_ALGORITHM,
    checksum_value: checksum.hex(),
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
  await commitSnapshot(repo, manifest, stats.storedBytes);
  return { manifest, requestedType: request.backupType, durationMs: Date.now() - started.getTime() };
}
