"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkRepository = checkRepository;
const tree_io_1 = require("./tree-io");
const errors_1 = require("../core/errors");
const content_list_1 = require("./content-list");
const crypto_1 = require("./crypto");
const generations_1 = require("./generations");
const pack_1 = require("./pack");
const pack_reader_1 = require("./pack-reader");
const read_1 = require("./read");
const chunk_index_1 = require("./chunk-index");
const reader_1 = require("./reader");
const repository_1 = require("./repository");
const verify_record_1 = require("./verify-record");
function describe(error, fallbackObject) {
    if (error instanceof errors_1.IntegrityError)
        return { severity: 'error', object: error.object, offset: error.offset, problem: error.problem };
    return {
        severity: 'error',
        object: fallbackObject,
        problem: error instanceof Error ? error.message : String(error),
    };
}
/**
 * Verifies the repository: every index, pack trailer and snapshot authenticates and agrees with
 * the others, and every chunk a snapshot names is indexed. With readData, every record of every
 * pack is also decrypted, decompressed and re-hashed against its id.
 */
async function checkRepository(repo, options = {}) {
    repo.assertReads('the repository');
    const problems = [];
    const report = {
        ok: true,
        problems,
        snapshots: 0,
        indexes: 0,
        packs: 0,
        chunks: 0,
        bytes_read: 0,
    };
    // 0. Key slots: one damaged slot does not stop the repository from opening, so say so here.
    for (const slot of await repository_1.Repository.readSlots(repo.store)) {
        if ('damage' in slot)
            problems.push(describe(slot.damage, slot.key));
    }
    // Key generation links (FORMAT.md §3.6): those up to the opening key's generation were opened
    // on the way in; a newer one is out of this key's reach, which the warning below says.
    for (const read of await (0, generations_1.readGenerationLinks)(repo.store)) {
        if (read.damage)
            problems.push(describe(read.damage, read.key));
    }
    for (const damage of repo.dataKeyDamage)
        problems.push(describe(damage, damage.object));
    if (repo.keys.generation < repo.keys.latestGeneration)
        problems.push({
            severity: 'warning',
            object: 'generations/',
            problem: `opened with a key of generation ${repo.keys.generation}; the repository's keys were rotated to generation ${repo.keys.latestGeneration}, and what was written since cannot be read with this key`,
        });
    // 1. Indexes.
    const index = new chunk_index_1.ChunkIndex();
    const byPack = new Map();
    for (const id of await repo.indexIds()) {
        report.indexes++;
        let entries;
        try {
            entries = await repo.readIndex(id);
        }
        catch (error) {
            problems.push(describe(error, `index/${id}`));
            continue;
        }
        for (const entry of entries) {
            index.add(entry);
            const key = (0, pack_1.packKey)(entry.packClass, entry.packId.toString('hex'));
            byPack.set(key, [...(byPack.get(key) ?? []), entry]);
        }
    }
    // 2. Packs: every stored pack opens; indexed ones agree with their trailer.
    const storedSizes = await (0, pack_1.storedPacks)(repo.store);
    const stored = [...storedSizes.keys()];
    for (const key of byPack.keys()) {
        if (!storedSizes.has(key))
            problems.push({ severity: 'error', object: key, problem: 'pack named by the index is missing' });
    }
    const opened = new Map();
    let done = 0;
    for (const key of stored) {
        report.packs++;
        try {
            const pack = await (0, pack_reader_1.openPack)(repo.store, repo.keys, key);
            opened.set(key, pack);
            const indexed = byPack.get(key);
            if (!indexed) {
                problems.push({
                    severity: 'warning',
                    object: key,
                    problem: 'pack is in no index (left by an interrupted backup; harmless)',
                });
            }
            else {
                for (const entry of indexed) {
                    if (!pack.entries.agrees(entry)) {
                        problems.push({
                            severity: 'error',
                            object: key,
                            offset: entry.offset,
                            problem: 'index entry disagrees with the pack trailer',
                        });
                    }
                }
            }
            if (options.readData && indexed) {
                report.bytes_read += await readPackData(repo, pack, problems);
            }
        }
        catch (error) {
            problems.push(describe(error, key));
        }
        options.onProgress?.(++done, stored.length);
    }
    // 3. Snapshots: each manifest opens and every chunk it names is indexed.
    const reader = new reader_1.ChunkReader(repo, index);
    // Trees shared between snapshots (most of them, between backups of one tree) are read once.
    const seenTrees = new Set();
    for (const id of await repo.snapshotIds()) {
        report.snapshots++;
        try {
            const manifest = await repo.loadSnapshot(id);
            const where = `snapshots/${id}`;
            const indexed = (ref) => {
                report.chunks++;
                if (!index.has(ref.id)) {
                    problems.push({
                        severity: 'error',
                        object: where,
                        problem: `names chunk ${ref.id.toString('hex')} that no index holds`,
                    });
                }
            };
            if (manifest.content.kind === 'tree') {
                await checkTree(reader, manifest, manifest.content, seenTrees, indexed, (problem) => problems.push({ severity: 'error', object: where, problem }));
                continue;
            }
            const content = manifest.content;
            let size = 0;
            let count = 0;
            for (const hex of content.lists) {
                const refs = (0, content_list_1.decodeContentList)(await reader.read(Buffer.from(hex, 'hex')), `content list ${hex}`);
                for (const ref of refs) {
                    count++;
                    size += ref.rawLength;
                    indexed(ref);
                }
            }
            if (size !== content.size || count !== content.chunk_count) {
                problems.push({
                    severity: 'error',
                    object: where,
                    problem: `content lists hold ${count} chunks and ${size} bytes, the manifest says ${content.chunk_count} and ${content.size}`,
                });
            }
        }
        catch (error) {
            problems.push(describe(error, `snapshots/${id}`));
        }
    }
    report.ok = problems.every((p) => p.severity !== 'error');
    return report;
}
/**
 * Reads every tree of a snapshot (each part checked against its keyed id), checks the root
 * against the manifest's checksum and that every file's chunks add up to its size.
 */
async function checkTree(reader, manifest, content, seen, indexed, problem) {
    const rootParts = content.tree.map((hex) => Buffer.from(hex, 'hex'));
    if ((await (0, tree_io_1.treeDigest)(reader, rootParts)).toString('hex') !== manifest.checksum_value) {
        problem('root tree does not match the checksum in the manifest');
    }
    const pending = [rootParts];
    for (let parts = pending.pop(); parts; parts = pending.pop()) {
        const key = parts.map((p) => p.toString('hex')).join('');
        if (seen.has(key))
            continue;
        seen.add(key);
        for (const part of parts)
            indexed({ id: part, rawLength: 0 });
        for (const node of await (0, tree_io_1.readTree)(reader, parts)) {
            if (node.type === 'dir')
                pending.push(node.subtree);
            if (node.type !== 'file')
                continue;
            if ('lists' in node.content)
                for (const id of node.content.lists)
                    indexed({ id, rawLength: 0 });
            let size = 0;
            for await (const ref of (0, tree_io_1.fileRefs)(reader, node.content)) {
                size += ref.rawLength;
                indexed(ref);
            }
            if (size !== node.size) {
                problem(`file ${node.name.toString()} has chunks of ${size} bytes, its size is ${node.size}`);
            }
        }
    }
}
/** Decrypts, decompresses and re-hashes every record of a pack. Returns the bytes read. */
async function readPackData(repo, pack, problems) {
    const bytes = await (0, read_1.readAll)(repo.store, pack.key);
    const ids = new crypto_1.ChunkIdHasher(repo.keys.id);
    for (const entry of pack.entries.values()) {
        const record = bytes.subarray(entry.offset, entry.offset + entry.storedLength);
        const checked = (0, verify_record_1.verifyRecord)(pack.header, entry, record, ids);
        if (checked.problem !== undefined) {
            problems.push({ severity: 'error', object: pack.key, offset: entry.offset, problem: checked.problem });
        }
    }
    return bytes.length;
}
//# sourceMappingURL=check.js.map