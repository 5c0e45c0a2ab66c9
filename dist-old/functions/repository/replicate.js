"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.replicateSnapshot = replicateSnapshot;
const node_crypto_1 = require("node:crypto");
const errors_1 = require("../core/errors");
const pack_1 = require("./pack");
const data_keys_1 = require("./data-keys");
const generations_1 = require("./generations");
const reachable_1 = require("./reachable");
const read_1 = require("./read");
const reader_1 = require("./reader");
const repository_1 = require("./repository");
function sha256Of(bytes) {
    return (0, node_crypto_1.createHash)('sha256').update(bytes).digest('hex');
}
/**
 * Copies one object, streaming, and returns the SHA-256 of what was sent. Create-only: an object
 * of that name already there was put by an earlier copy (names are unique per content).
 */
async function copyObject(source, destination, key, onBytes) {
    const hash = (0, node_crypto_1.createHash)('sha256');
    const stream = await source.get(key);
    async function* tee() {
        for await (const piece of stream) {
            hash.update(piece);
            onBytes(piece.length);
            yield piece;
        }
    }
    try {
        const { size } = await destination.put(key, tee(), { createOnly: true });
        return { sha256: hash.digest('hex'), size };
    }
    catch (error) {
        stream.destroy();
        if (error instanceof errors_1.ObjectExistsError)
            return 'present';
        throw error;
    }
}
/** Reads an object back from the destination and checks it is what was sent. */
async function verifyCopy(destination, key, sent) {
    const hash = (0, node_crypto_1.createHash)('sha256');
    let size = 0;
    for await (const piece of await destination.get(key)) {
        hash.update(piece);
        size += piece.length;
    }
    if (size !== sent.size || hash.digest('hex') !== sent.sha256)
        throw new errors_1.IntegrityError(`${destination.location}/${key}`, 'the copy read back differs from what was sent (replication aborted; the snapshot was not copied)');
}
/** Runs `work` over the items, at most `limit` at a time; the first failure stops the rest. */
async function eachLimited(items, limit, work) {
    let next = 0;
    let failed = false;
    const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (!failed && next < items.length) {
            const item = items[next++];
            try {
                await work(item);
            }
            catch (error) {
                failed = true;
                throw error;
            }
        }
    });
    await Promise.all(lanes);
}
/**
 * Makes snapshot `id` of `source` restorable from `destination`: a copy of the same repository
 * (same config and key slots, so the same keys open it), holding exactly the packs the snapshot
 * needs that it lacks. Order keeps the copy consistent whatever is interrupted: key slots, then
 * config (a new copy exists only once it can be opened); packs, each read back and checked; an
 * index of the new packs; the snapshot last, so a snapshot listed at the destination is whole.
 */
async function replicateSnapshot(source, destination, id, options = {}) {
    source.assertReads('the repository');
    const manifest = await source.loadSnapshot(id);
    const report = {
        snapshot: id,
        destination: destination.location,
        created: false,
        packs_needed: 0,
        packs_copied: 0,
        packs_present: 0,
        bytes_copied: 0,
        index_entries_written: 0,
        key_slots_copied: 0,
        verified: false,
    };
    // 1. The repository itself: key generation links, then key slots (new ones too, so that every
    // key opens the copy; a slot whose link is not there yet would be skipped), then the config.
    let mirror = await source.mirrorIn(destination);
    // Data keys of write-only backups too (FORMAT.md §3.7): before any pack sealed under one.
    for (const prefix of [generations_1.GENERATIONS_PREFIX, data_keys_1.DATA_KEYS_PREFIX, repository_1.KEYS_PREFIX]) {
        for await (const object of source.store.list(prefix)) {
            if (await destination.head(object.key))
                continue;
            const bytes = await (0, read_1.readAll)(source.store, object.key);
            await destination.put(object.key, bytes, { createOnly: true }).catch((error) => {
                if (!(error instanceof errors_1.ObjectExistsError))
                    throw error;
            });
            if (prefix === repository_1.KEYS_PREFIX)
                report.key_slots_copied++;
        }
    }
    if (!mirror) {
        await destination.put(repository_1.CONFIG_KEY, source.configBytes(), { createOnly: true });
        mirror = (await source.mirrorIn(destination));
        report.created = true;
    }
    // 2. Which packs the snapshot needs: one copy of each chunk, preferring packs already there.
    const index = await (0, reader_1.loadChunkIndex)(source);
    const live = new Set();
    await (0, reachable_1.markSnapshot)(new reader_1.ChunkReader(source, index), manifest, live);
    const present = await (0, pack_1.storedPacks)(destination);
    const destIndexed = new Set();
    for (const entries of (await (0, reader_1.loadChunkIndex)(mirror)).values())
        for (const e of entries)
            destIndexed.add((0, pack_1.packKey)(e.packClass, e.packId.toString('hex')));
    const chosen = new Set();
    for (const hex of live) {
        const copies = index.get(Buffer.from(hex, 'hex'));
        if (!copies?.length)
            throw new errors_1.IntegrityError(`snapshot ${id}`, `chunk ${hex} is in no index of the source repository`);
        const keys = copies.map((e) => (0, pack_1.packKey)(e.packClass, e.packId.toString('hex')));
        if (keys.some((k) => chosen.has(k) || (present.has(k) && destIndexed.has(k))))
            continue;
        chosen.add(keys.find((k) => present.has(k)) ?? keys[0]);
    }
    report.packs_needed = chosen.size;
    // 3. The packs the destination lacks, streamed, then read back and compared.
    const sizes = await (0, pack_1.storedPacks)(source.store);
    const toCopy = [...chosen].filter((k) => !present.has(k));
    const total = toCopy.reduce((sum, k) => sum + (sizes.get(k) ?? 0), 0);
    await eachLimited(toCopy, options.concurrency ?? 2, async (key) => {
        const sent = await copyObject(source.store, destination, key, (n) => {
            report.bytes_copied += n;
            options.onProgress?.(report.bytes_copied, total);
        });
        if (sent === 'present') {
            report.packs_present++;
            return;
        }
        await verifyCopy(destination, key, sent);
        report.packs_copied++;
    });
    report.packs_present += chosen.size - toCopy.length;
    // 4. An index for the packs the destination's indexes do not name yet.
    const newEntries = [...index.values()].flat().filter((e) => {
        const key = (0, pack_1.packKey)(e.packClass, e.packId.toString('hex'));
        return chosen.has(key) && !destIndexed.has(key);
    });
    for (const { key, sealed } of source.sealIndexes(newEntries)) {
        await destination.put(key, sealed, { createOnly: true });
        await verifyCopy(destination, key, { sha256: sha256Of(sealed), size: sealed.length });
    }
    report.index_entries_written = newEntries.length;
    // 5. The snapshot: the copy's commit point. It must open at the destination with the keys.
    const key = (0, repository_1.snapshotKey)(id);
    const bytes = await (0, read_1.readAll)(source.store, key);
    if (await destination.head(key)) {
        if (!(await (0, read_1.readAll)(destination, key)).equals(bytes))
            throw new errors_1.IntegrityError(`${destination.location}/${key}`, 'a different snapshot of this id is already there');
    }
    else {
        await destination.put(key, bytes, { createOnly: true });
    }
    const copied = await mirror.loadSnapshot(id);
    if (copied.checksum_value !== manifest.checksum_value)
        throw new errors_1.IntegrityError(`${destination.location}/${key}`, 'the copied snapshot does not match the source');
    report.verified = true;
    return report;
}
//# sourceMappingURL=replicate.js.map