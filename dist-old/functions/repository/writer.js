"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RepositoryWriter = exports.RECORDS_PER_PACK = void 0;
const codec_1 = require("./codec");
const crypto_1 = require("./crypto");
const chunk_index_1 = require("./chunk-index");
const index_object_1 = require("./index-object");
const pack_writer_1 = require("./pack-writer");
const repository_1 = require("./repository");
const stream_object_1 = require("./stream-object");
const SYNC_ENCODE_BYTES = 128 * 1024;
/**
 * A pack is closed once it holds this many records, whatever its size. Tiny files make tiny
 * records: a tree of a million files of a few bytes put 668,544 records in one 32 MiB pack,
 * whose entries the main thread held (about 380 bytes of heap each) until the pack was finished,
 * and whose trailer of 30 MB a reader must open to read any one of them. At this count a trailer
 * is 737 KB.
 */
exports.RECORDS_PER_PACK = 16_384;
/** Index objects are written every this many packs, so that memory does not grow with the stream. */
const PACKS_PER_INDEX = 64;
/**
 * ...or once they hold this many entries (1 MiB of records): writing an index object holds its
 * records, their compressed copy, a zstd context sized for them and the sealed result at once.
 * At the end of a backup of the Linux source tree (78,700 chunks in one index) that was a spike of
 * about 30 MiB over the rest of the backup, and the peak of the whole run.
 */
const ENTRIES_PER_INDEX_OBJECT = 16_384;
/**
 * Stores chunks into packs: deduplicates by keyed id, compresses on the thread pool, seals and
 * streams packs to the store, and writes index objects for the packs it finished.
 * Nothing it writes is visible to readers until a snapshot names it, so a crash leaves only
 * unreferenced packs behind.
 */
class RepositoryWriter {
    repo;
    stats = {
        compressedBytes: 0,
        storedBytes: 0,
        packsWritten: 0,
    };
    /** Ids stored (or known to exist) in this session, as 32-byte records: not a string each. */
    known = new chunk_index_1.IdSet();
    existing;
    packs = new Map();
    pending = new Set();
    finishing = new Set();
    indexEntries = new index_object_1.IndexEntries();
    packsSinceIndex = 0;
    failure;
    aborted;
    compression;
    packBytes;
    packRecords;
    concurrency;
    store;
    constructor(repo, options = {}) {
        this.repo = repo;
        // A key that a rotation left behind reads but never writes (FORMAT.md §3.6): refuse here,
        // before a backup reads its parent or stores anything.
        (0, crypto_1.writingKey)(repo.keys);
        this.store = repo.store;
        this.compression = options.compression ?? repo.config.compression;
        this.packBytes = options.packBytes ?? repo.config.pack_bytes;
        this.packRecords = options.packRecords ?? exports.RECORDS_PER_PACK;
        this.concurrency = options.concurrency ?? 4;
    }
    chunkId(data) {
        return (0, crypto_1.chunkId)(this.repo.keys.id, data);
    }
    /** Chunks that exist already (for example the parent snapshot's) and need not be stored again. */
    markKnown(id) {
        this.known.add(id);
    }
    /**
     * Every chunk in this index exists already: deduplicate against the whole repository (file
     * backups with a parent) without copying its ids into another set.
     */
    useIndex(index) {
        this.existing = index;
    }
    /** True the first time an id is seen (neither known nor stored before in this session). */
    claim(id) {
        if (this.failure)
            throw this.failure;
        if (this.existing?.has(id))
            return false;
        return this.known.add(id);
    }
    /** Stores a chunk unless it is known, compressing it on the thread pool; returns whether it was new. */
    async put(id, data, packClass) {
        if (!this.claim(id))
            return false;
        while (this.pending.size >= this.concurrency)
            await Promise.race(this.pending);
        if (this.failure)
            throw this.failure;
        const task = this.store_(id, data, packClass).catch((error) => {
            this.failure ??= error;
        });
        this.pending.add(task);
        void task.finally(() => this.pending.delete(task));
        return true;
    }
    /**
     * Stores a chunk compressed elsewhere (by ChunkWorkers) unless its id is known already in this
     * session; returns whether it was new. `framed`: `payload` starts with the codec byte (see
     * RecordSealer.seal). A promise only when the chunk had to wait (a pack's body at its room, a
     * new pack, packs closing); wait for it before the next put. Once the writer has failed or was
     * aborted, it throws.
     */
    putEncoded(id, rawLength, codec, payload, packClass, framed = false) {
        if (!this.claim(id))
            return false;
        const appended = this.append(id, rawLength, codec, payload, packClass, framed);
        if (appended)
            return appended.then(() => this.stored());
        return this.stored();
    }
    /** True, unless a pack closing in the background has failed meanwhile. */
    stored() {
        if (this.failure)
            throw this.failure;
        return true;
    }
    async store_(id, data, packClass) {
        // Small chunks (trees, content lists) compress in microseconds: a trip to the thread pool
        // would cost several times more than the work.
        const { codec, payload } = data.length <= SYNC_ENCODE_BYTES
            ? (0, codec_1.encodeSync)(data, this.compression)
            : await (0, codec_1.encode)(data, this.compression);
        if (this.failure)
            return;
        await this.append(id, data.length, codec, payload, packClass);
    }
    /** A promise only when the record had to wait (see putEncoded). */
    append(id, rawLength, codec, payload, packClass, framed = false) {
        this.stats.compressedBytes += framed ? payload.length - 1 : payload.length;
        const pack = this.packs.get(packClass);
        if (!pack)
            return this.appendToNewPack(id, rawLength, codec, payload, packClass, framed);
        // After abort() nothing more is added: work still in flight (a worker's chunk arriving late).
        if (this.aborted)
            throw this.aborted;
        const added = pack.add(id, codec, payload, rawLength, framed);
        if (added)
            return added.then(() => this.closeIfFull(pack, packClass));
        return this.closeIfFull(pack, packClass);
    }
    async appendToNewPack(id, rawLength, codec, payload, packClass, framed) {
        await this.repo.prepareWrite();
        let pack = this.packs.get(packClass);
        // After abort() nothing starts a new pack: work still in flight (a worker's chunk arriving
        // late) would otherwise open an upload that nobody ends (an open file, a temporary object).
        if (this.aborted)
            throw this.aborted;
        if (!pack) {
            pack = new pack_writer_1.PackWriter(this.store, this.repo.keys, packClass);
            this.packs.set(packClass, pack);
        }
        await pack.add(id, codec, payload, rawLength, framed);
        await this.closeIfFull(pack, packClass);
    }
    closeIfFull(pack, packClass) {
        const full = pack.size >= this.packBytes || pack.records >= this.packRecords;
        if (full && this.packs.get(packClass) === pack) {
            this.packs.delete(packClass);
            return this.finishPack(pack);
        }
    }
    /**
     * Closes a pack in the background: its upload (and fsync) overlaps with new work instead of
     * stalling the pipeline. At most two close at once, which bounds memory; a failure is reported
     * by the next put or by flush.
     */
    async finishPack(pack) {
        while (this.finishing.size >= 2)
            await Promise.race(this.finishing);
        const done = pack
            .finish()
            .then((finished) => this.recordPack(finished))
            .catch((error) => {
            this.failure ??= error;
        });
        this.finishing.add(done);
        void done.finally(() => this.finishing.delete(done));
    }
    async recordPack(pack) {
        this.stats.packsWritten++;
        this.stats.storedBytes += pack.size;
        for (const e of pack.entries) {
            this.indexEntries.add({ ...e, packId: pack.packId, packClass: pack.packClass });
        }
        if (++this.packsSinceIndex >= PACKS_PER_INDEX || this.indexEntries.size >= ENTRIES_PER_INDEX_OBJECT)
            await this.writeIndex();
    }
    async writeIndex() {
        if (this.indexEntries.size === 0)
            return;
        const entries = this.indexEntries;
        this.indexEntries = new index_object_1.IndexEntries();
        this.packsSinceIndex = 0;
        await this.repo.prepareWrite();
        const id = this.repo.newObjectId();
        const sealed = this.repo.sealObject(stream_object_1.StreamType.index, id, entries.encode());
        await this.store.put(`${repository_1.INDEX_PREFIX}${id}`, sealed, { createOnly: true });
        this.stats.storedBytes += sealed.length;
    }
    /** Waits for every chunk, closes the packs and writes the index: after this, a snapshot may name the chunks. */
    async flush() {
        while (this.pending.size > 0)
            await Promise.race(this.pending);
        if (this.failure)
            throw this.failure;
        const open = [...this.packs.values()];
        this.packs.clear();
        for (const pack of open)
            await this.finishPack(pack);
        while (this.finishing.size > 0)
            await Promise.race(this.finishing);
        if (this.failure)
            throw this.failure;
        await this.writeIndex();
    }
    /** Stops after a failure: open packs are abandoned and never become visible. */
    abort() {
        this.aborted ??= new Error('The backup stopped; no more data is written.');
        this.failure ??= this.aborted;
        for (const pack of this.packs.values())
            pack.abort();
        this.packs.clear();
    }
}
exports.RepositoryWriter = RepositoryWriter;
//# sourceMappingURL=writer.js.map