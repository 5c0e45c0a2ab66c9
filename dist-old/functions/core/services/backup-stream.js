"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.validateBackupName = validateBackupName;
exports.chooseParent = chooseParent;
exports.resolveParent = resolveParent;
exports.loadParent = loadParent;
exports.backupStream = backupStream;
const errors_1 = require("../errors");
const chunker_1 = require("../../repository/chunker");
const content_list_1 = require("../../repository/content-list");
const pack_1 = require("../../repository/pack");
const crypto_1 = require("../../repository/crypto");
const reader_1 = require("../../repository/reader");
const writer_1 = require("../../repository/writer");
const chunk_workers_1 = require("../../repository/chunk-workers");
const chunk_ring_1 = require("../../repository/chunk-ring");
const young_gc_1 = require("../../repository/young-gc");
const content_1 = require("./content");
const snapshot_commit_1 = require("./snapshot-commit");
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/;
function validateBackupName(name) {
    if (!NAME_PATTERN.test(name)) {
        throw new errors_1.InputError(`Invalid backup name "${name}".`, 'Use 1-200 characters: letters, digits and . _ : @ + - (starting with a letter or digit).');
    }
}
/** Parent by backup type: incremental = latest of the name, differential = latest full, full = none. */
async function chooseParent(repo, name, type) {
    if (type === 'full')
        return undefined;
    const same = (await repo.listSnapshots()).filter((s) => s.name === name);
    const candidates = type === 'differential' ? same.filter((s) => s.backup_type === 'full') : same;
    return candidates.pop();
}
/**
 * The parent of a backup: the manifest it deduplicates against, and the reference its own
 * manifest records. A write-only key reads no manifest (FORMAT.md §3.7): it records the id the
 * caller (the catalog) names and deduplicates against the whole index instead.
 */
async function resolveParent(repo, request) {
    if (repo.keys.writeOnly)
        return { manifest: undefined, ref: request.parentId ? { id: request.parentId } : undefined };
    const manifest = request.parentId === undefined
        ? await chooseParent(repo, request.name, request.backupType)
        : await loadParent(repo, request.parentId);
    return { manifest, ref: manifest };
}
/** The named parent, when the repository still holds it (else the backup is a full one). */
async function loadParent(repo, id) {
    if (id === null)
        return undefined;
    try {
        return await repo.loadSnapshot(id);
    }
    catch (error) {
        if (error instanceof errors_1.ObjectNotFoundError)
            return undefined;
        throw error;
    }
}
/**
 * One streaming pass: chunk → id → dedup against the parent → compress → encrypt → pack → store,
 * then the index and last the manifest. Memory is bounded by the chunker window, the chunks in
 * flight to the workers and two open packs, whatever the size of the stream.
 */
async function backupStream(repo, source, request) {
    validateBackupName(request.name);
    const started = new Date();
    const writer = new writer_1.RepositoryWriter(repo);
    const parent = await resolveParent(repo, request);
    if (repo.keys.writeOnly)
        writer.useIndex(await (0, reader_1.loadChunkIndex)(repo));
    const workers = new chunk_workers_1.ChunkWorkers(repo.keys.id, repo.config.compression);
    try {
        const learned = parent.manifest?.content;
        if (learned?.kind === 'stream')
            await learnParent(repo, learned, writer, workers);
        return await runBackup(repo, source, request, { started, parent: parent.ref, writer, workers });
    }
    finally {
        await workers.close();
    }
}
/** The parent's chunks exist already: neither compress nor store them again. */
async function learnParent(repo, parent, writer, workers) {
    const reader = new reader_1.ChunkReader(repo, await (0, reader_1.loadChunkIndex)(repo));
    let batch = [];
    for await (const ref of (0, content_1.readContentLists)(reader, parent, (listId) => writer.markKnown(listId))) {
        writer.markKnown(ref.id);
        batch.push(ref.id.toString('hex'));
        if (batch.length >= 4096) {
            workers.markKnown(batch);
            batch = [];
        }
    }
    workers.markKnown(batch);
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
async function runBackup(repo, source, request, { started, parent, writer, workers }) {
    const backupType = parent ? request.backupType : 'full';
    const checksum = new crypto_1.StreamChecksum();
    const lists = [];
    let refs = [];
    let size = 0;
    let chunkCount = 0;
    const tally = new snapshot_commit_1.ChunkTally();
    const flushList = async () => {
        const list = (0, content_list_1.encodeContentList)(refs);
        const id = writer.chunkId(list);
        await writer.put(id, list, pack_1.PackClass.meta);
        lists.push(id.toString('hex'));
        refs = [];
    };
    // Workers answer in any order; results are taken in stream order, so lists keep the order.
    const inFlight = [];
    const ring = new chunk_ring_1.ChunkRing(RING_CHUNKS * repo.chunkerParams.max);
    workers.shareRing(ring);
    const gc = new young_gc_1.YoungGcPacer(GC_EVERY_SEALED_BYTES);
    const heap = new young_gc_1.StreamHeap();
    const settleOldest = async () => {
        const encoded = await inFlight.shift();
        refs.push({ id: encoded.id, rawLength: encoded.rawLength });
        checksum.add(encoded.digest);
        const isNew = !encoded.known &&
            (await writer.putEncoded(encoded.id, encoded.rawLength, encoded.codec, encoded.payload, pack_1.PackClass.data));
        // Sealed into its pack (or not needed): its place in the ring can take the next chunk.
        if (encoded.ringStart !== undefined)
            ring.release(encoded.ringStart);
        gc.add(isNew ? encoded.payload.length : 0);
        heap.chunkDone(encoded.rawLength);
        tally.count(isNew, encoded.rawLength);
        if (refs.length === content_list_1.CONTENT_LIST_MAX_ENTRIES)
            await flushList();
    };
    const chunker = new chunker_1.Chunker(repo.chunkerParams, repo.gear(), {
        allocate: (length) => ring.take(length) ?? Buffer.allocUnsafe(length),
    });
    try {
        for await (const chunk of (0, chunker_1.chunkStream)(source, chunker)) {
            size += chunk.length;
            chunkCount++;
            // chunk.data moves to a worker here; it must not be touched afterwards.
            const pending = workers.encode(chunk.data);
            pending.catch(() => undefined);
            inFlight.push(pending);
            if (inFlight.length >= CHUNKS_IN_FLIGHT)
                await settleOldest();
            request.onProgress?.(size);
        }
        while (inFlight.length > 0)
            await settleOldest();
        if (refs.length > 0 || lists.length === 0)
            await flushList();
        await writer.flush();
    }
    catch (error) {
        writer.abort();
        throw error;
    }
    const sourceInfo = await request.describeSource?.();
    const manifest = await (0, snapshot_commit_1.commitBackup)(repo, writer, {
        id: request.snapshotId,
        name: request.name,
        targetType: request.targetType ?? 'application',
        backupType,
        parent,
        started,
        content: { kind: 'stream', size, chunk_count: chunkCount, lists },
        checksumAlgorithm: crypto_1.STREAM_CHECKSUM_ALGORITHM,
        checksumValue: checksum.hex(),
        originalBytes: size,
        tally,
        source: sourceInfo,
    });
    return { manifest, requestedType: request.backupType, durationMs: Date.now() - started.getTime() };
}
//# sourceMappingURL=backup-stream.js.map