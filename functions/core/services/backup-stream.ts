import { InputError, ObjectNotFoundError } from '../errors';
import { Chunker, chunkStream } from '../../repository/chunker';
import { CONTENT_LIST_MAX_ENTRIES, encodeContentList, type ContentRef } from '../../repository/content-list';
import { PackClass } from '../../repository/pack';
import { STREAM_CHECKSUM_ALGORITHM, StreamChecksum } from '../../repository/crypto';
import { loadChunkIndex, ChunkReader } from '../../repository/reader';
import type { Repository } from '../../repository/repository';
import type { BackupType, SnapshotManifest, StreamContent, TargetType } from '../../repository/snapshot';
import { RepositoryWriter } from '../../repository/writer';
import { ChunkWorkers, type EncodedChunk } from '../../repository/chunk-workers';
import { ChunkRing } from '../../repository/chunk-ring';
import { YoungGcPacer, StreamHeap } from '../../repository/young-gc';
import { readContentLists } from './content';
import { ChunkTally, commitBackup } from './snapshot-commit';

export interface StreamBackupRequest {
  name: string;
  backupType: BackupType;
  targetType?: TargetType;
  /** Called now and then with the bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  /** The snapshot's id (a workflow's backup id); a new one when absent. */
  snapshotId?: string;
  /** The parent the caller chose (an id, or null for none); absent: chosen by name and type. */
  parentId?: string | null;
  /**
   * The source's description for the manifest, asked for once the stream has ended (a dump's
   * table checksums are known only then); a failure here fails the backup.
   */
  describeSource?: () => Promise<NonNullable<SnapshotManifest['source']>>;
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
 * The parent of a backup: the manifest it deduplicates against, and the reference its own
 * manifest records. A write-only key reads no manifest (FORMAT.md §3.7): it records the id the
 * caller (the catalog) names and deduplicates against the whole index instead.
 */
export async function resolveParent(
  repo: Repository,
  request: { name: string; backupType: BackupType; parentId?: string | null },
): Promise<{ manifest: SnapshotManifest | undefined; ref: { id: string } | undefined }> {
  if (repo.keys.writeOnly)
    return { manifest: undefined, ref: request.parentId ? { id: request.parentId } : undefined };
  const manifest =
    request.parentId === undefined
      ? await chooseParent(repo, request.name, request.backupType)
      : await loadParent(repo, request.parentId);
  return { manifest, ref: manifest };
}

/** The named parent, when the repository still holds it (else the backup is a full one). */
export async function loadParent(repo: Repository, id: string | null): Promise<SnapshotManifest | undefined> {
  if (id === null) return undefined;
  try {
    return await repo.loadSnapshot(id);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  }
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
  const writer = new RepositoryWriter(repo);
  const parent = await resolveParent(repo, request);
  if (repo.keys.writeOnly) writer.useIndex(await loadChunkIndex(repo));
  const workers = new ChunkWorkers(repo.keys.id, repo.config.compression);
  try {
    const learned = parent.manifest?.content;
    if (learned?.kind === 'stream') await learnParent(repo, learned, writer, workers);
    return await runBackup(repo, source, request, { started, parent: parent.ref, writer, workers });
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
  parent: { id: string } | undefined;
  writer: RepositoryWriter;
  workers: ChunkWorkers;
}

/** Chunks in flight to the workers; each holds at most one max-size chunk. */
const CHUNKS_IN_FLIGHT = 6;
/**
 * The shared ring holds this many max-size chunks (16 MiB by default): the chunks in flight are
 * about 1 MiB each; a chunk that finds no room uses memory of its own.
 */
const RING_CHUNKS = 4;
/**
 * A young collection every 4 MiB sealed. It was measured when each record's sealed bytes were new
 * buffers, which V8 frees only at a collection, in a backup that makes few JS objects to prompt
 * one: it kept peak RSS at 172-181 MiB on the Linux tar (16 MiB: 197-207, none: 204-206), at about
 * 50 collections. Records now go into staging buffers that come back once the store has written
 * them (staging-buffers.ts); it has not been measured again since.
 */
const GC_EVERY_SEALED_BYTES = 4 * 1024 * 1024;

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
  const tally = new ChunkTally();
  const flushList = async () => {
    const list = encodeContentList(refs);
    const id = writer.chunkId(list);
    await writer.put(id, list, PackClass.meta);
    lists.push(id.toString('hex'));
    refs = [];
  };

  // Workers answer in any order; results are taken in stream order, so lists keep the order.
  const inFlight: Promise<EncodedChunk>[] = [];
  const ring = new ChunkRing(RING_CHUNKS * repo.chunkerParams.max);
  workers.shareRing(ring);
  const gc = new YoungGcPacer(GC_EVERY_SEALED_BYTES);
  const heap = new StreamHeap();
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
    // Sealed into its pack (or not needed): its place in the ring can take the next chunk.
    if (encoded.ringStart !== undefined) ring.release(encoded.ringStart);
    gc.add(isNew ? encoded.payload.length : 0);
    heap.chunkDone(encoded.rawLength);
    tally.count(isNew, encoded.rawLength);
    if (refs.length === CONTENT_LIST_MAX_ENTRIES) await flushList();
  };

  const chunker = new Chunker(repo.chunkerParams, repo.gear(), {
    allocate: (length) => ring.take(length) ?? Buffer.allocUnsafe(length),
  });
  try {
    for await (const chunk of chunkStream(source, chunker)) {
      size += chunk.length;
      chunkCount++;
      // chunk.data moves to a worker here; it must not be touched afterwards.
      const pending = workers.encode(chunk.data);
      pending.catch(() => undefined);
      inFlight.push(pending);
      if (inFlight.length >= CHUNKS_IN_FLIGHT) await settleOldest();
      request.onProgress?.(size);
    }
    while (inFlight.length > 0) await settleOldest();
    if (refs.length > 0 || lists.length === 0) await flushList();
    await writer.flush();
  } catch (error) {
    writer.abort();
    throw error;
  }
  const sourceInfo = await request.describeSource?.();

  const manifest = await commitBackup(repo, writer, {
    id: request.snapshotId,
    name: request.name,
    targetType: request.targetType ?? 'application',
    backupType,
    parent,
    started,
    content: { kind: 'stream', size, chunk_count: chunkCount, lists },
    checksumAlgorithm: STREAM_CHECKSUM_ALGORITHM,
    checksumValue: checksum.hex(),
    originalBytes: size,
    tally,
    source: sourceInfo,
  });
  return { manifest, requestedType: request.backupType, durationMs: Date.now() - started.getTime() };
}
