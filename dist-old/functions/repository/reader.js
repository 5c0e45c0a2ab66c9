"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ChunkReader = void 0;
exports.loadChunkIndex = loadChunkIndex;
const errors_1 = require("../core/errors");
const crypto_1 = require("./crypto");
const chunk_index_1 = require("./chunk-index");
const pack_1 = require("./pack");
const pack_bodies_1 = require("./pack-bodies");
const pack_reader_1 = require("./pack-reader");
const read_1 = require("./read");
const range_buffers_1 = require("./range-buffers");
const range_plan_1 = require("./range-plan");
const index_object_1 = require("./index-object");
const repository_1 = require("./repository");
const verify_record_1 = require("./verify-record");
/**
 * Index objects read ahead of the one being added: enough to overlap a cloud store's latency,
 * and few enough that their copies do not pile up. Reading all of them at once held every
 * object's sealed, compressed and plain copies beside the table they were copied into: an
 * incremental backup of a million files peaked at 401-404 MiB that way, at 360-372 this way.
 */
const INDEX_READ_AHEAD = 8;
/**
 * Every index object of the repository, oldest first: a chunk's first copy is its oldest. With
 * `only`, the entries of that pack class alone: PackClass.meta for a reader of trees and content
 * lists (ls, diff), which then holds a few thousand entries where a million files have a million.
 */
async function loadChunkIndex(repo, only) {
    const index = new chunk_index_1.ChunkIndex();
    const ids = await repo.indexIds();
    // A key that a rotation left behind cannot open the indexes written since; they describe only
    // packs sealed under newer keys, which it could not read either (FORMAT.md §3.6).
    const read = (id) => repo.readIndexPlaintext(id).catch((error) => {
        if (error instanceof errors_1.NewerKeyGenerationError)
            return undefined;
        throw error;
    });
    const ahead = [];
    let next = 0;
    for (const id of ids) {
        while (next < ids.length && ahead.length < INDEX_READ_AHEAD) {
            const reading = read(ids[next++]);
            // Awaited in turn below; a failure before its turn must not count as unhandled meanwhile.
            reading.catch(() => undefined);
            ahead.push(reading);
        }
        const plain = await ahead.shift();
        if (plain)
            index.addIndexObject(plain, `${repository_1.INDEX_PREFIX}${id}`, only);
    }
    return index;
}
/** Whether `b` is in `a` at `at`, compared in JavaScript (a call into C++ costs more for 16 bytes). */
function sameBytes(a, at, b) {
    for (let i = 0; i < b.length; i++)
        if (a[at + i] !== b[i])
            return false;
    return true;
}
/**
 * Reads chunks back: one ranged read per record, decrypts, decompresses and checks that the
 * content hashes to its id. A damaged copy is skipped in favour of another copy when one exists.
 */
class ChunkReader {
    repo;
    index;
    workers;
    packs = new Map();
    /** The pack of the last chunk locateOpened found (see there). */
    lastPack;
    /** Metadata packs (tree objects, content lists) are read whole once a walk keeps asking. */
    metadata;
    ids;
    /** What batched reads read their ranges into (readBatch). */
    buffers = new range_buffers_1.RangeBuffers();
    constructor(repo, index, 
    /** When given, records are decoded on worker threads. */
    workers) {
        this.repo = repo;
        this.index = index;
        this.workers = workers;
        this.metadata = new pack_bodies_1.PackBodies(repo.store);
    }
    /** Each pack's header and trailer are checked once, before its first record is used. */
    pack(key) {
        let slot = this.packs.get(key);
        if (!slot) {
            const opening = (0, pack_reader_1.openPack)(this.repo.store, this.repo.keys, key);
            const fresh = { opening };
            opening.then((opened) => void (fresh.opened = opened), () => undefined);
            slot = fresh;
            this.packs.set(key, slot);
            // Bounded cache: a huge restore touches many packs; an evicted one is simply opened again.
            if (this.packs.size > 1024)
                this.packs.delete(this.packs.keys().next().value);
        }
        return slot.opening;
    }
    /**
     * locate for many chunks, settled as Promise.allSettled settles: those whose first copy is in a
     * pack already open are answered at once, not through a promise each (a restore locates every
     * chunk it writes, 78,700 for the Linux source tree).
     */
    async locateAll(ids) {
        const results = new Array(ids.length);
        const waits = [];
        ids.forEach((id, i) => {
            const now = this.locateOpened(id);
            if (now)
                results[i] = { status: 'fulfilled', value: now };
            else
                waits.push(this.locate(id).then((value) => void (results[i] = { status: 'fulfilled', value }), (reason) => void (results[i] = { status: 'rejected', reason })));
        });
        await Promise.all(waits);
        return results;
    }
    /**
     * What locate finds, when the first copy's pack is open and agrees; otherwise undefined. A
     * backup's consecutive chunks share a pack, so the pack last found is compared first: its name
     * is not made again (hex, then a map lookup) and the entry is read in place, sharing the id and
     * pack id buffers it would otherwise copy. That was most of what locating cost a restore.
     */
    locateOpened(id) {
        const record = this.index.firstRecord(id);
        if (!record)
            return undefined;
        const { slab, at } = record;
        const packClass = slab[at + index_object_1.PACK_CLASS_AT];
        let last = this.lastPack;
        if (!last || last.packClass !== packClass || !sameBytes(slab, at + index_object_1.PACK_ID_AT, last.packId)) {
            const object = (0, pack_1.packKey)(packClass, slab.toString('hex', at + index_object_1.PACK_ID_AT, at + index_object_1.PACK_ID_AT + 16));
            const pack = this.packs.get(object)?.opened;
            if (!pack)
                return undefined;
            last = this.lastPack = { packClass, packId: pack.header.packId, object, pack };
        }
        const entry = (0, index_object_1.entryInPlace)(slab, at, id, last.packId);
        if (!last.pack.entries.agrees(entry))
            return undefined;
        return { object: last.object, pack: last.pack, entry };
    }
    /**
     * Where the first copy of a chunk is, after checking that its pack opens and that the index
     * agrees with the pack's trailer: for readers that fetch many records in one ranged read.
     */
    async locate(id) {
        const copies = this.index.get(id) ?? [];
        let firstError;
        for (const entry of copies) {
            const object = (0, pack_1.packKey)(entry.packClass, entry.packId.toString('hex'));
            try {
                const pack = await this.pack(object);
                if (!pack.entries.agrees(entry))
                    throw new errors_1.IntegrityError(object, 'index entry disagrees with the pack trailer', entry.offset);
                return { object, pack, entry };
            }
            catch (error) {
                firstError ??= error;
            }
        }
        throw (firstError ??
            new errors_1.IntegrityError(`chunk ${id.toString('hex')}`, 'no pack holds this chunk (index is missing an entry)'));
    }
    /**
     * Reads several chunks with as few requests as their packs allow: a backup's consecutive chunks
     * are consecutive records of a pack, so a batch of them usually comes in one ranged read (one
     * GET of a cloud store instead of one per chunk). Returns a promise per id, in order. A chunk
     * that the batched read cannot give (its pack does not open, the read fails, the record does not
     * check) is read again on its own, which tries its other copies and reports the first failure.
     */
    readBatch(ids) {
        const fetched = this.fetchBatch(ids);
        return ids.map((id, i) => fetched.then((chunks) => chunks[i] ?? this.readVerified(id)).catch(() => this.readVerified(id)));
    }
    /** Per id, its chunk from a planned read; none where the record is not in a data pack that opens. */
    async fetchBatch(ids) {
        const settled = await this.locateAll(ids);
        // Metadata records come through the metadata cache (readCopy); the rest are planned.
        const planned = settled.flatMap((r, i) => r.status === 'fulfilled' && r.value.entry.packClass !== pack_1.PackClass.meta ? [{ i, located: r.value }] : []);
        const { reads, readOf } = (0, range_plan_1.planReads)(planned.map((p) => p.located));
        const membersOf = reads.map(() => []);
        planned.forEach((p, n) => membersOf[readOf[n]].push(p));
        const chunks = new Array(ids.length);
        reads.forEach((read, r) => {
            const members = membersOf[r];
            const decoded = this.decodeRead(read, members.map((m) => m.located));
            members.forEach((m, k) => (chunks[m.i] = decoded.then((list) => list[k])));
        });
        return chunks;
    }
    /**
     * Reads one planned range into a pooled buffer and decodes its records there; the buffer goes
     * back to the pool once every record is decoded.
     */
    async decodeRead(read, records) {
        const length = read.end - read.start;
        const buffer = this.buffers.take(length);
        let decoded = [];
        try {
            const got = await this.repo.store.readInto(read.object, { offset: read.start, length }, new Uint8Array(buffer, 0, length));
            decoded = records.map(({ object, pack, entry }) => {
                const from = entry.offset - read.start;
                if (from + entry.storedLength > got) {
                    return Promise.reject(new errors_1.IntegrityError(object, 'pack is truncated', entry.offset));
                }
                return this.decode(object, pack, entry, Buffer.from(buffer, from, entry.storedLength));
            });
            return decoded;
        }
        finally {
            void Promise.allSettled(decoded).then(() => this.buffers.give(buffer));
        }
    }
    async read(id) {
        return (await this.readVerified(id)).data;
    }
    async readVerified(id) {
        const copies = this.index.get(id);
        if (!copies || copies.length === 0) {
            throw new errors_1.IntegrityError(`chunk ${id.toString('hex')}`, 'no pack holds this chunk (index is missing an entry)');
        }
        let firstError;
        for (const entry of copies) {
            try {
                return await this.readCopy(id, entry);
            }
            catch (error) {
                firstError ??= error;
            }
        }
        throw firstError;
    }
    async readCopy(id, entry) {
        const key = (0, pack_1.packKey)(entry.packClass, entry.packId.toString('hex'));
        const pack = await this.pack(key);
        if (!pack.entries.agrees(entry))
            throw new errors_1.IntegrityError(key, 'index entry disagrees with the pack trailer', entry.offset);
        let record;
        try {
            const range = { offset: entry.offset, length: entry.storedLength };
            record =
                entry.packClass === pack_1.PackClass.meta
                    ? await this.metadata.read(pack, range)
                    : await (0, read_1.readAll)(this.repo.store, key, range);
        }
        catch (error) {
            if (error instanceof errors_1.ObjectNotFoundError)
                throw new errors_1.IntegrityError(key, 'pack is missing');
            throw error;
        }
        if (record.length !== entry.storedLength)
            throw new errors_1.IntegrityError(key, 'pack is truncated', entry.offset);
        return this.decode(key, pack, { ...entry, id }, record);
    }
    /** Decrypts, decompresses and checks a record, on a worker when there are workers. */
    async decode(object, pack, entry, record) {
        if (this.workers)
            return this.workers.decode(object, pack.header, entry, record);
        const checked = (0, verify_record_1.verifyRecord)(pack.header, entry, record, (this.ids ??= new crypto_1.ChunkIdHasher(this.repo.keys.id)));
        if (checked.problem !== undefined)
            throw new errors_1.IntegrityError(object, checked.problem, entry.offset);
        return { data: checked.data, digest: checked.digest };
    }
}
exports.ChunkReader = ChunkReader;
//# sourceMappingURL=reader.js.map