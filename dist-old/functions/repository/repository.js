"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Repository = exports.DEFAULT_CHUNKER = exports.SNAPSHOTS_PREFIX = exports.INDEX_PREFIX = exports.KEYS_PREFIX = exports.CONFIG_KEY = void 0;
exports.newConfig = newConfig;
exports.slotKey = slotKey;
exports.snapshotKey = snapshotKey;
const node_crypto_1 = require("node:crypto");
const zod_1 = require("zod");
const errors_1 = require("../core/errors");
const chunker_1 = require("./chunker");
const canonical_json_1 = require("./canonical-json");
const codec_1 = require("./codec");
const config_1 = require("./config");
const crypto_1 = require("./crypto");
const data_keys_1 = require("./data-keys");
const generations_1 = require("./generations");
const ids_1 = require("./ids");
const key_wrap_1 = require("./key-wrap");
const index_object_1 = require("./index-object");
const read_1 = require("./read");
const snapshot_1 = require("./snapshot");
const stream_object_1 = require("./stream-object");
exports.CONFIG_KEY = 'config';
exports.KEYS_PREFIX = 'keys/';
exports.INDEX_PREFIX = 'index/';
exports.SNAPSHOTS_PREFIX = 'snapshots/';
/** A writer slot wraps K_id ‖ K_gear ‖ K_cfg ‖ K_idx (FORMAT.md §3.7). */
const WRITER_KEYRING_BYTES = 4 * crypto_1.KEY_BYTES;
/** Entries per index object written by gc and replication. */
const ENTRIES_PER_INDEX = 100_000;
exports.DEFAULT_CHUNKER = { alg: 'fastcdc2020-keyed', ...chunker_1.DEFAULT_CHUNKER };
const KeySlotSchema = zod_1.z.strictObject({
    v: zod_1.z.literal(1),
    id: zod_1.z.string(),
    repo_id: zod_1.z.string(),
    kind: zod_1.z.enum(['keyfile', 'passphrase', 'kms']),
    created_at: zod_1.z.string(),
    kek_id: zod_1.z.string().optional(),
    kdf: zod_1.z
        .object({
        alg: zod_1.z.literal('scrypt'),
        salt: key_wrap_1.CanonicalBase64,
        N: zod_1.z.number().int(),
        r: zod_1.z.number().int(),
        p: zod_1.z.number().int(),
    })
        .optional(),
    kms: zod_1.z
        .object({
        key_arn: zod_1.z.string(),
        encryption_context: zod_1.z.record(zod_1.z.string(), zod_1.z.string()),
        ciphertext_blob: key_wrap_1.CanonicalBase64,
    })
        .optional(),
    generation: zod_1.z.number().int().min(1).optional(),
    role: zod_1.z.literal('writer').optional(),
    reader_key: key_wrap_1.CanonicalBase64.optional(),
    wrapped: key_wrap_1.WrappedKeySchema.optional(),
});
function encodeSlot(slot) {
    const { v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key, wrapped } = slot;
    return (0, canonical_json_1.canonicalJsonFile)({
        v,
        id,
        repo_id,
        kind,
        created_at,
        kek_id,
        kdf,
        kms,
        generation,
        role,
        reader_key,
        wrapped,
    });
}
function parseSlot(key, bytes) {
    // Slots are written in one canonical form; any other byte sequence is damage.
    const kind = {
        what: 'key slot',
        schema: KeySlotSchema,
        nameOf: (slot) => slotKey(slot.id),
        nameField: 'id',
    };
    return (0, canonical_json_1.parseCanonicalObject)(key, bytes, kind, encodeSlot);
}
/** The config of a new repository; refuses now what a reader would refuse later. */
function newConfig(options = {}) {
    const candidate = {
        format: 'lifeboat',
        version: 1,
        repo_id: (0, config_1.newRepoId)(),
        created_at: new Date().toISOString(),
        chunker: options.chunker ?? exports.DEFAULT_CHUNKER,
        compression: options.compression ?? codec_1.DEFAULT_COMPRESSION,
        pack_bytes: options.packBytes ?? config_1.DEFAULT_PACK_BYTES,
    };
    // Refuse now what a reader would refuse later: a repository must never be written unreadable.
    const valid = config_1.RepositoryConfigSchema.safeParse(candidate);
    if (!valid.success)
        throw new errors_1.InputError(`Invalid repository settings: ${valid.error.issues[0]?.message ?? 'invalid'}.`);
    const config = valid.data;
    try {
        (0, chunker_1.validateChunkerParams)(config.chunker);
    }
    catch (error) {
        throw new errors_1.InputError(`Invalid chunker settings: ${error.message}`);
    }
    return config;
}
function slotKey(id) {
    return `${exports.KEYS_PREFIX}${id}.json`;
}
function snapshotKey(id) {
    return `${exports.SNAPSHOTS_PREFIX}${id}`;
}
/** An open repository: its config and keys. Reading and writing data are in reader.ts and writer.ts. */
class Repository {
    store;
    config;
    keys;
    masterKeys;
    openedSlot;
    openedWith;
    constructor(store, config, keys, 
    /**
     * The master keys this process reached, newest generation first; kept to add key slots and
     * rotate, never written anywhere in the clear.
     */
    masterKeys, 
    /** The slot this process opened the repository with, and the secret that opened it. */
    openedSlot, openedWith) {
        this.store = store;
        this.config = config;
        this.keys = keys;
        this.masterKeys = masterKeys;
        this.openedSlot = openedSlot;
        this.openedWith = openedWith;
    }
    static async exists(store) {
        return (await store.head(exports.CONFIG_KEY)) !== undefined;
    }
    static async init(store, provider, options = {}) {
        if (await Repository.exists(store))
            throw new errors_1.RepositoryExistsError(store.location);
        const config = newConfig(options);
        // Slots without a config are left by an init that was interrupted; they protect nothing.
        for await (const stale of store.list(exports.KEYS_PREFIX))
            await store.delete(stale.key);
        const masterKey = (0, node_crypto_1.randomBytes)(crypto_1.KEY_BYTES);
        const keys = (0, crypto_1.deriveRepositoryKeys)(masterKey, Buffer.from(config.repo_id, 'hex'));
        const slot = await provider.createSlot(masterKey, config.repo_id);
        // The key slot first: a config without a slot would be a repository nobody can open.
        await store.put(slotKey(slot.id), encodeSlot(slot), { createOnly: true });
        await store.put(exports.CONFIG_KEY, (0, config_1.encodeConfig)(config, keys), { createOnly: true });
        return new Repository(store, config, keys, [masterKey], slot, provider);
    }
    /**
     * Opens the repository with the first of the providers that holds a secret for one of its
     * slots (a passphrase, a key file, a KMS key), in the order given.
     */
    static async open(store, providers) {
        let configBytes;
        try {
            configBytes = await (0, read_1.readAll)(store, exports.CONFIG_KEY);
        }
        catch (error) {
            if (error instanceof errors_1.ObjectNotFoundError)
                throw new errors_1.RepositoryNotFoundError(store.location);
            throw error;
        }
        const { config, mac } = (0, config_1.parseConfig)(configBytes);
        const configIsCanonical = (keys) => (0, config_1.encodeConfig)(config, keys).equals(configBytes);
        const read = await Repository.readSlots(store);
        const slots = read.flatMap((r) => ('slot' in r ? [r.slot] : []));
        const firstDamage = read.flatMap((r) => ('damage' in r ? [r.damage] : []))[0];
        // Slots made for this config's repository id first; the others only tell whether the config
        // itself is damaged (a slot that opens under its own id proves the config's id changed).
        const usable = (Array.isArray(providers) ? providers : [providers]).filter((p) => slots.some((s) => s.kind === p.kind));
        if (usable.length === 0) {
            if (firstDamage)
                throw firstDamage;
            const kinds = (Array.isArray(providers) ? providers : [providers]).map((p) => p.kind);
            throw new errors_1.WrongKeyError(`the repository has no ${kinds.join(' or ')} key slot (it has: ${[...new Set(slots.map((s) => s.kind))].join(', ') || 'none'})`);
        }
        // A slot of a generation no link makes real was left by an interrupted rotation (§3.6).
        const latest = await (0, generations_1.latestGeneration)(store);
        const candidates = usable
            .flatMap((provider) => slots
            .filter((s) => s.kind === provider.kind && (s.generation ?? 0) <= latest)
            .map((slot) => ({ slot, provider })))
            // The repository's own slots first; a key that reads before a write-only one (§3.7); then
            // the newest generation: a key that can write beats one a rotation left read-only.
            // Otherwise in the providers' order (stable sort).
            .sort((a, b) => Number(b.slot.repo_id === config.repo_id) - Number(a.slot.repo_id === config.repo_id) ||
            Number(a.slot.role === 'writer') - Number(b.slot.role === 'writer') ||
            (b.slot.generation ?? 0) - (a.slot.generation ?? 0));
        const verified = (keys) => {
            (0, config_1.verifyConfigMac)(config, mac, keys);
            if (!configIsCanonical(keys))
                throw new errors_1.IntegrityError(exports.CONFIG_KEY, 'config is not in canonical form (damaged)');
            return keys;
        };
        let lastError;
        let deniedError;
        for (const { slot, provider } of candidates) {
            try {
                // A slot opens under the repository id it records; if that differs from the config's,
                // the slot is intact and the config is what was damaged.
                const masterKey = await provider.openSlot(slot, slot.repo_id);
                if (slot.repo_id !== config.repo_id) {
                    throw new errors_1.IntegrityError(exports.CONFIG_KEY, 'repository id differs from the one its key slot was made for');
                }
                const opened = { store, config, slot, provider, secret: masterKey, latest, verified };
                return slot.role === 'writer' ? Repository.asWriter(opened) : await Repository.asReader(opened);
            }
            catch (error) {
                // A KMS key this principal may not use for one slot may open another (a writer may
                // Decrypt only its writer slot, docs/OPERATIONS.md §4): try the rest, report it if none opens.
                const denied = error instanceof errors_1.LifeboatError && error.exitCode === errors_1.ExitCode.permission;
                if (!(error instanceof errors_1.WrongKeyError) && !denied)
                    throw error;
                if (denied)
                    deniedError ??= error;
                else
                    lastError ??= error;
            }
        }
        throw firstDamage ?? deniedError ?? lastError;
    }
    /** A write-only repository (FORMAT.md §3.7) from a writer slot's keyring. */
    static asWriter(o) {
        const generation = o.slot.generation ?? 0;
        if (o.secret.length !== WRITER_KEYRING_BYTES || !o.slot.reader_key)
            throw new errors_1.IntegrityError(slotKey(o.slot.id), 'writer slot does not hold a writer keyring');
        const repoId = Buffer.from(o.config.repo_id, 'hex');
        o.verified((0, crypto_1.writeOnlyKeys)(o.secret, repoId, undefined, generation, o.latest));
        // Every session of a write-only key seals under a data key of its own, stored before the
        // first object sealed under it (prepareWrite): nothing is ever written that its readers could
        // not open (§3.7). A slot a rotation left behind gets none: it cannot write.
        const dataKey = generation === o.latest
            ? (0, data_keys_1.newDataKey)(Buffer.from(o.slot.reader_key, 'base64'), o.config.repo_id, generation)
            : undefined;
        const keys = (0, crypto_1.writeOnlyKeys)(o.secret, repoId, dataKey, generation, o.latest);
        const repository = new Repository(o.store, o.config, keys, [], o.slot, o.provider);
        repository.unstoredDataKey = dataKey;
        return repository;
    }
    /**
     * A repository opened with a master key: every generation it reaches (§3.6), and the data keys
     * of the write-only sessions of those generations (§3.7).
     */
    static async asReader(o) {
        const repoId = Buffer.from(o.config.repo_id, 'hex');
        const chain = await (0, generations_1.masterKeyChain)(o.store, o.config.repo_id, o.secret, o.slot.generation ?? 0);
        const keys = o.verified((0, crypto_1.deriveRepositoryKeys)(chain, repoId, o.latest));
        const readers = new Map(chain.map((mk, i) => [chain.length - 1 - i, (0, data_keys_1.readerKeyPair)(mk, repoId)]));
        const dataKeys = await (0, data_keys_1.readDataKeys)(o.store, o.config.repo_id, readers);
        const opened = new Map(dataKeys.flatMap((d) => (d.key ? [[d.key.idHex, d.key.key]] : [])));
        const repository = new Repository(o.store, o.config, (0, crypto_1.withDataKeys)(keys, opened), chain, o.slot, o.provider);
        repository.dataKeyDamage = dataKeys.flatMap((d) => (d.damage ? [d.damage] : []));
        return repository;
    }
    /** Data key objects that could not be read (FORMAT.md §3.7); `check` reports them. */
    dataKeyDamage = [];
    /** A write-only session's data key, until prepareWrite stores it. */
    unstoredDataKey;
    dataKeyStored;
    /**
     * Call before storing anything sealed with these keys: a write-only session stores its data key
     * first (once), so that readers can open all it writes. Nothing to do for other keys.
     */
    async prepareWrite() {
        (0, crypto_1.writingKey)(this.keys);
        const pending = this.unstoredDataKey;
        if (!pending)
            return;
        this.dataKeyStored ??= this.store.put(pending.name, pending.bytes, { createOnly: true });
        await this.dataKeyStored;
    }
    /** Refuses what only a key that reads may do (add or rotate keys, check, gc, replication). */
    assertReads(what) {
        if (this.keys.writeOnly)
            throw new errors_1.WriteOnlyKeyError(what);
    }
    /** This repository's config as stored: the bytes every copy of it must hold. */
    configBytes() {
        return (0, config_1.encodeConfig)(this.config, this.keys);
    }
    /**
     * This repository in another store (a copy made by replication), opened with the keys already
     * held: its config must be byte-identical to this one's. Undefined when the store holds no
     * config yet; a different repository there is refused.
     */
    async mirrorIn(store) {
        let bytes;
        try {
            bytes = await (0, read_1.readAll)(store, exports.CONFIG_KEY);
        }
        catch (error) {
            if (error instanceof errors_1.ObjectNotFoundError)
                return undefined;
            throw error;
        }
        if (!bytes.equals(this.configBytes()))
            throw new errors_1.InputError(`${store.location} holds another repository (its config differs from this one's).`, 'Replicate to an empty location, or to a copy made earlier from this same repository.');
        return new Repository(store, this.config, this.keys, this.masterKeys, this.openedSlot, this.openedWith);
    }
    /** Every key slot, or the damage that makes it unreadable; `check` reports the damage. */
    static async readSlots(store) {
        const out = [];
        for await (const info of store.list(exports.KEYS_PREFIX)) {
            const bytes = await (0, read_1.readAll)(store, info.key);
            try {
                out.push({ key: info.key, slot: parseSlot(info.key, bytes) });
            }
            catch (error) {
                if (!(error instanceof errors_1.IntegrityError))
                    throw error;
                out.push({ key: info.key, damage: error });
            }
        }
        return out;
    }
    /**
     * Protects the master key with one more secret (a key file, a passphrase, a KMS key). Only with
     * the newest generation's key: a slot for an older one could never write.
     */
    async addKeySlot(provider) {
        this.assertReads('the master key');
        (0, crypto_1.writingKey)(this.keys);
        return this.storeNewSlot(provider, this.masterKeys[0], this.keys.generation, false);
    }
    /**
     * Makes and stores a slot for `provider`: of `masterKey`, the master key of `generation`, or,
     * for a writer, of the writer keyring with that generation's reader key (§3.7).
     */
    async storeNewSlot(provider, masterKey, generation, writer) {
        const repoId = this.config.repo_id;
        const slot = writer
            ? await provider.createSlot((0, crypto_1.writerKeyring)(this.keys), repoId, {
                generation,
                writer: { reader_key: (0, data_keys_1.readerKeyPair)(masterKey, this.keys.repoId).publicKey.toString('base64') },
            })
            : await provider.createSlot(masterKey, repoId, { generation });
        await this.store.put(slotKey(slot.id), encodeSlot(slot), { createOnly: true });
        return slot;
    }
    /** This repository's key slots that parse (a damaged one is `check`'s to report). */
    async ownSlots() {
        return (await Repository.readSlots(this.store)).flatMap((r) => 'slot' in r && r.slot.repo_id === this.config.repo_id ? [r.slot] : []);
    }
    /**
     * A writer slot (FORMAT.md §3.7): its secret backs up, deduplicating against everything stored,
     * but opens no backup. Index objects sealed before index keys existed are sealed again under
     * K_idx first, so that the writer deduplicates against them too.
     */
    async addWriterSlot(provider) {
        this.assertReads('the master key');
        (0, crypto_1.writingKey)(this.keys);
        const indexesResealed = await this.resealIndexesForWriters();
        const slot = await this.storeNewSlot(provider, this.masterKeys[0], this.keys.generation, true);
        return { slot, indexesResealed };
    }
    /** Seals every index object not under K_idx again under it (new objects first, then the old deleted). */
    async resealIndexesForWriters() {
        let count = 0;
        for (const id of await this.indexIds()) {
            const key = `${exports.INDEX_PREFIX}${id}`;
            const sealed = await (0, read_1.readAll)(this.store, key);
            if ((0, stream_object_1.streamObjectSealedUnder)(sealed, stream_object_1.StreamType.index, (0, ids_1.ulidBytes)(id), this.keys.idx))
                continue;
            const entries = (0, index_object_1.decodeIndex)((0, stream_object_1.openStreamObject)(this.keys, stream_object_1.StreamType.index, (0, ids_1.ulidBytes)(id), sealed, key), key);
            for (const fresh of this.sealIndexes(entries))
                await this.store.put(fresh.key, fresh.sealed, { createOnly: true });
            await this.store.delete(key);
            count++;
        }
        return count;
    }
    /**
     * Rotates the repository key (FORMAT.md §3.6): a new master key seals everything written from
     * now on, and every old backup stays readable through the generation link. Each slot whose
     * secret is at hand is made again for the new generation and the old one removed: KMS slots
     * always (a new slot needs only GenerateDataKey on the same key), the slot this process opened
     * with, and key file or passphrase slots that one of `holders` opens. The others are left:
     * they still read every backup made before the rotation, but cannot write.
     */
    async rotateKey(holders, kmsProvider) {
        this.assertReads('the master key');
        (0, crypto_1.writingKey)(this.keys);
        const repoId = this.config.repo_id;
        const generation = this.keys.latestGeneration + 1;
        const masterKey = (0, node_crypto_1.randomBytes)(crypto_1.KEY_BYTES);
        const slots = (await this.ownSlots()).filter((s) => (s.generation ?? 0) <= this.keys.latestGeneration);
        const providerFor = async (slot) => {
            if (slot.kind === 'kms' && slot.kms)
                return kmsProvider(slot.kms.key_arn);
            if (slot.id === this.openedSlot.id)
                return this.openedWith;
            for (const holder of holders.filter((h) => h.kind === slot.kind)) {
                try {
                    await holder.openSlot(slot, repoId);
                    return holder;
                }
                catch (error) {
                    if (!(error instanceof errors_1.WrongKeyError))
                        throw error;
                }
            }
            return undefined;
        };
        const rewrapped = [];
        // Writer slots are made again with the new generation's reader key (§3.7).
        const remake = async (slot, provider) => {
            const fresh = await this.storeNewSlot(provider, masterKey, generation, slot.role === 'writer');
            rewrapped.push({ from: slot, to: fresh });
            return fresh;
        };
        // 1. The opener's new slot, then the link that makes the generation real: a crash between the
        // two leaves a slot every reader skips, and the old keys still write.
        const mine = await remake(this.openedSlot, (await providerFor(this.openedSlot)) ?? this.openedWith);
        const link = (0, generations_1.sealGenerationLink)(masterKey, this.masterKeys[0], repoId, generation);
        try {
            await this.store.put(link.key, link.bytes, { createOnly: true });
        }
        catch (error) {
            await this.store.delete(slotKey(mine.id));
            if (error instanceof errors_1.ObjectExistsError)
                throw new errors_1.LifeboatError('ROTATION_CONFLICT', `Another rotation made key generation ${generation} at the same time; this one was undone.`, 'Run `lifeboat key list` to see the keys now, and rotate again if you still want a new key.');
            throw error;
        }
        // 2. Every other slot whose secret is at hand.
        const left = [];
        for (const slot of slots.filter((s) => s.id !== this.openedSlot.id)) {
            const provider = await providerFor(slot);
            if (provider)
                await remake(slot, provider);
            else
                left.push(slot);
        }
        // 3. Only now the replaced slots: until here, every old key still worked as before.
        for (const { from } of rewrapped)
            await this.store.delete(slotKey(from.id));
        return { generation, rewrapped, left };
    }
    /**
     * Removes a key slot. Never the last one that opens this repository, and never the one this
     * process opened it with (open with another key to remove that one): a mistake here would
     * lock everyone out of every backup.
     */
    async removeKeySlot(id) {
        const mine = await this.ownSlots();
        const target = mine.find((s) => s.id === id.toUpperCase());
        // Writer slots open no backup (§3.7): the last slot that reads must stay.
        const readers = mine.filter((s) => s.role !== 'writer');
        if (!target)
            throw new errors_1.InputError(`No key slot ${id} in this repository.`, 'List the slots with `lifeboat key list`.');
        if (target.role !== 'writer' && readers.length === 1)
            throw new errors_1.InputError(`Key slot ${target.id} is the repository's only key that reads; removing it would make every backup unreadable.`, 'Add another key first (`lifeboat key add`), then remove this one.');
        if (target.id === this.openedSlot.id)
            throw new errors_1.InputError(`Key slot ${target.id} is the key this command opened the repository with.`, 'Run `lifeboat key remove` with another key (LIFEBOAT_KEY_FILE, LIFEBOAT_PASSPHRASE or a KMS slot) to remove this one.');
        await this.store.delete(slotKey(target.id));
    }
    get chunkerParams() {
        const { min, avg, max, level } = this.config.chunker;
        return { min, avg, max, level };
    }
    /** The keyed gear table: chunk boundaries depend on the repository key. */
    gear() {
        return (0, chunker_1.keyedGear)(this.keys.gear);
    }
    sealObject(type, id, plaintext) {
        return (0, stream_object_1.sealStreamObject)(this.keys, type, (0, ids_1.ulidBytes)(id), plaintext);
    }
    async readObject(type, key, id) {
        return (0, stream_object_1.openStreamObject)(this.keys, type, (0, ids_1.ulidBytes)(id), await (0, read_1.readAll)(this.store, key), key);
    }
    /** What saveSnapshot would store, in bytes (compression makes it depend on the content). */
    sealedSnapshotSize(manifest) {
        return this.sealObject(stream_object_1.StreamType.snapshot, manifest.id, Buffer.from(JSON.stringify(manifest))).length;
    }
    async saveSnapshot(manifest) {
        await this.prepareWrite();
        const sealed = this.sealObject(stream_object_1.StreamType.snapshot, manifest.id, Buffer.from(JSON.stringify(manifest)));
        await this.store.put(snapshotKey(manifest.id), sealed, { createOnly: true });
        return sealed.length;
    }
    async loadSnapshot(id) {
        const key = snapshotKey(id);
        const plain = await this.readObject(stream_object_1.StreamType.snapshot, key, id);
        const parsed = snapshot_1.SnapshotManifestSchema.safeParse((0, canonical_json_1.parseStoredJson)(plain, key, 'manifest'));
        if (!parsed.success || parsed.data.id !== id || parsed.data.repo_id !== this.config.repo_id) {
            throw new errors_1.IntegrityError(key, 'manifest content is not a snapshot of this repository');
        }
        return parsed.data;
    }
    /** The ids of the objects under a prefix, oldest first; anything else there is ignored. */
    async idsUnder(prefix) {
        const ids = [];
        for await (const info of this.store.list(prefix)) {
            const id = info.key.slice(prefix.length);
            if (ids_1.ULID_PATTERN.test(id))
                ids.push(id);
        }
        return ids.sort();
    }
    snapshotIds() {
        return this.idsUnder(exports.SNAPSHOTS_PREFIX);
    }
    /** Every snapshot, oldest first. */
    async listSnapshots() {
        const ids = await this.snapshotIds();
        return Promise.all(ids.map((id) => this.loadSnapshot(id)));
    }
    /** Resolves a full id, a unique id prefix (6+ characters) or latest:NAME. */
    async resolveSnapshot(reference) {
        if (reference.startsWith('latest:') || reference === 'latest') {
            const name = reference === 'latest' ? undefined : reference.slice('latest:'.length);
            const all = await this.listSnapshots();
            const match = all.filter((s) => name === undefined || s.name === name).pop();
            if (!match)
                throw new errors_1.BackupNotFoundError(reference);
            return match;
        }
        const wanted = reference.toUpperCase();
        if (wanted.length < 6) {
            throw new errors_1.InputError(`Backup id prefix "${reference}" is too short.`, 'Give at least 6 characters of the id (see `lifeboat snapshots`), or latest:NAME.');
        }
        const ids = (await this.snapshotIds()).filter((id) => id.startsWith(wanted));
        if (ids.length === 1)
            return this.loadSnapshot(ids[0]);
        if (ids.length > 1) {
            throw new errors_1.LifeboatError('AMBIGUOUS_ID', `"${reference}" matches ${ids.length} backups.`, 'Give more characters of the id.', 2);
        }
        throw new errors_1.BackupNotFoundError(reference);
    }
    indexIds() {
        return this.idsUnder(exports.INDEX_PREFIX);
    }
    async readIndex(id) {
        const key = `${exports.INDEX_PREFIX}${id}`;
        return (0, index_object_1.decodeIndex)(await this.readObject(stream_object_1.StreamType.index, key, id), key);
    }
    /** An index object's plaintext (index-object.ts), for a ChunkIndex to take as it is. */
    readIndexPlaintext(id) {
        return this.readObject(stream_object_1.StreamType.index, `${exports.INDEX_PREFIX}${id}`, id);
    }
    /** Sealed index objects for these entries, at most 100,000 each (objects stay a few MiB). */
    *sealIndexes(entries) {
        for (let at = 0; at < entries.length; at += ENTRIES_PER_INDEX) {
            const id = this.newObjectId();
            const sealed = this.sealObject(stream_object_1.StreamType.index, id, (0, index_object_1.encodeIndex)(entries.slice(at, at + ENTRIES_PER_INDEX)));
            yield { key: `${exports.INDEX_PREFIX}${id}`, sealed };
        }
    }
    newObjectId() {
        return (0, ids_1.newUlid)();
    }
}
exports.Repository = Repository;
//# sourceMappingURL=repository.js.map