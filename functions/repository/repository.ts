import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  BackupNotFoundError,
  ExitCode,
  InputError,
  IntegrityError,
  LifeboatError,
  ObjectExistsError,
  ObjectNotFoundError,
  RepositoryExistsError,
  RepositoryNotFoundError,
  WriteOnlyKeyError,
  WrongKeyError,
} from '../core/errors';
import type { KeyProvider, KeySlot } from '../core/ports/key-provider';
import type { ObjectStore } from '../core/ports/object-store';
import {
  DEFAULT_CHUNKER as DEFAULT_CHUNKER_PARAMS,
  keyedGear,
  validateChunkerParams,
  type ChunkerParams,
} from './chunker';
import { canonicalJsonFile, parseCanonicalObject, parseStoredJson } from './canonical-json';
import { DEFAULT_COMPRESSION, type CompressionSettings } from './codec';
import {
  DEFAULT_PACK_BYTES,
  encodeConfig,
  newRepoId,
  parseConfig,
  verifyConfigMac,
  type ChunkerSettings,
  RepositoryConfigSchema,
  type RepositoryConfig,
} from './config';
import {
  deriveRepositoryKeys,
  KEY_BYTES,
  withDataKeys,
  writeOnlyKeys,
  writerKeyring,
  writingKey,
  type RepositoryKeys,
} from './crypto';
import { newDataKey, readDataKeys, readerKeyPair } from './data-keys';
import { latestGeneration, masterKeyChain, sealGenerationLink } from './generations';
import { newUlid, ULID_PATTERN, ulidBytes } from './ids';
import { CanonicalBase64, WrappedKeySchema } from './key-wrap';
import { decodeIndex, encodeIndex, type IndexEntry } from './index-object';
import { readAll } from './read';
import { SnapshotManifestSchema, type SnapshotManifest } from './snapshot';
import { openStreamObject, sealStreamObject, streamObjectSealedUnder, StreamType } from './stream-object';

export const CONFIG_KEY = 'config';
export const KEYS_PREFIX = 'keys/';
export const INDEX_PREFIX = 'index/';
export const SNAPSHOTS_PREFIX = 'snapshots/';

/** A writer slot wraps K_id ‖ K_gear ‖ K_cfg ‖ K_idx (FORMAT.md §3.7). */
const WRITER_KEYRING_BYTES = 4 * KEY_BYTES;

/** Entries per index object written by gc and replication. */
const ENTRIES_PER_INDEX = 100_000;

export const DEFAULT_CHUNKER: ChunkerSettings = { alg: 'fastcdc2020-keyed', ...DEFAULT_CHUNKER_PARAMS };

const KeySlotSchema = z.strictObject({
  v: z.literal(1),
  id: z.string(),
  repo_id: z.string(),
  kind: z.enum(['keyfile', 'passphrase', 'kms']),
  created_at: z.string(),
  kek_id: z.string().optional(),
  kdf: z
    .object({
      alg: z.literal('scrypt'),
      salt: CanonicalBase64,
      N: z.number().int(),
      r: z.number().int(),
      p: z.number().int(),
    })
    .optional(),
  kms: z
    .object({
      key_arn: z.string(),
      encryption_context: z.record(z.string(), z.string()),
      ciphertext_blob: CanonicalBase64,
    })
    .optional(),
  generation: z.number().int().min(1).optional(),
  role: z.literal('writer').optional(),
  reader_key: CanonicalBase64.optional(),
  wrapped: WrappedKeySchema.optional(),
});

export interface InitOptions {
  chunker?: ChunkerSettings;
  compression?: CompressionSettings;
  packBytes?: number;
}

function encodeSlot(slot: KeySlot): Buffer {
  const { v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key, wrapped } = slot;
  return canonicalJsonFile({
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

/** A slot that could be read, or why not; one damaged slot must not lock out the others. */
type SlotRead = { key: string; slot: KeySlot } | { key: string; damage: IntegrityError };

function parseSlot(key: string, bytes: Buffer): KeySlot {
  // Slots are written in one canonical form; any other byte sequence is damage.
  const kind = {
    what: 'key slot',
    schema: KeySlotSchema as z.ZodType<KeySlot>,
    nameOf: (slot: KeySlot) => slotKey(slot.id),
    nameField: 'id',
  };
  return parseCanonicalObject(key, bytes, kind, encodeSlot);
}

/** The config of a new repository; refuses now what a reader would refuse later. */
export function newConfig(options: InitOptions = {}): RepositoryConfig {
  const candidate = {
    format: 'lifeboat',
    version: 1,
    repo_id: newRepoId(),
    created_at: new Date().toISOString(),
    chunker: options.chunker ?? DEFAULT_CHUNKER,
    compression: options.compression ?? DEFAULT_COMPRESSION,
    pack_bytes: options.packBytes ?? DEFAULT_PACK_BYTES,
  };
  // Refuse now what a reader would refuse later: a repository must never be written unreadable.
  const valid = RepositoryConfigSchema.safeParse(candidate);
  if (!valid.success)
    throw new InputError(`Invalid repository settings: ${valid.error.issues[0]?.message ?? 'invalid'}.`);
  const config = valid.data;
  try {
    validateChunkerParams(config.chunker);
  } catch (error) {
    throw new InputError(`Invalid chunker settings: ${(error as Error).message}`);
  }
  return config;
}

/** A slot that opened, what it gave, and how to check the config with the keys derived from it. */
interface OpenedSlot {
  store: ObjectStore;
  config: RepositoryConfig;
  slot: KeySlot;
  provider: KeyProvider;
  /** The master key of the slot's generation, or a writer slot's keyring. */
  secret: Buffer;
  latest: number;
  verified: (keys: RepositoryKeys) => RepositoryKeys;
}

/** What a key rotation did: the new generation, the slots made for it, and those left behind. */
export interface RotationReport {
  generation: number;
  rewrapped: Array<{ from: KeySlot; to: KeySlot }>;
  left: KeySlot[];
}

export function slotKey(id: string): string {
  return `${KEYS_PREFIX}${id}.json`;
}

export function snapshotKey(id: string): string {
  return `${SNAPSHOTS_PREFIX}${id}`;
}

/** An open repository: its config and keys. Reading and writing data are in reader.ts and writer.ts. */
export class Repository {
  private constructor(
    readonly store: ObjectStore,
    readonly config: RepositoryConfig,
    readonly keys: RepositoryKeys,
    /**
     * The master keys this process reached, newest generation first; kept to add key slots and
     * rotate, never written anywhere in the clear.
     */
    private readonly masterKeys: readonly Buffer[],
    /** The slot this process opened the repository with, and the secret that opened it. */
    readonly openedSlot: KeySlot,
    private readonly openedWith: KeyProvider,
  ) {}

  static async exists(store: ObjectStore): Promise<boolean> {
    return (await store.head(CONFIG_KEY)) !== undefined;
  }

  static async init(
    store: ObjectStore,
    provider: KeyProvider,
    options: InitOptions = {},
  ): Promise<Repository> {
    if (await Repository.exists(store)) throw new RepositoryExistsError(store.location);
    const config = newConfig(options);
    // Slots without a config are left by an init that was interrupted; they protect nothing.
    for await (const stale of store.list(KEYS_PREFIX)) await store.delete(stale.key);
    const masterKey = randomBytes(KEY_BYTES);
    const keys = deriveRepositoryKeys(masterKey, Buffer.from(config.repo_id, 'hex'));
    const slot = await provider.createSlot(masterKey, config.repo_id);
    // The key slot first: a config without a slot would be a repository nobody can open.
    await store.put(slotKey(slot.id), encodeSlot(slot), { createOnly: true });
    await store.put(CONFIG_KEY, encodeConfig(config, keys), { createOnly: true });
    return new Repository(store, config, keys, [masterKey], slot, provider);
  }

  /**
   * Opens the repository with the first of the providers that holds a secret for one of its
   * slots (a passphrase, a key file, a KMS key), in the order given.
   */
  static async open(store: ObjectStore, providers: KeyProvider | KeyProvider[]): Promise<Repository> {
    let configBytes: Buffer;
    try {
      configBytes = await readAll(store, CONFIG_KEY);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new RepositoryNotFoundError(store.location);
      throw error;
    }
    const { config, mac } = parseConfig(configBytes);
    const configIsCanonical = (keys: RepositoryKeys) => encodeConfig(config, keys).equals(configBytes);
    const read = await Repository.readSlots(store);
    const slots = read.flatMap((r) => ('slot' in r ? [r.slot] : []));
    const firstDamage = read.flatMap((r) => ('damage' in r ? [r.damage] : []))[0];
    // Slots made for this config's repository id first; the others only tell whether the config
    // itself is damaged (a slot that opens under its own id proves the config's id changed).
    const usable = (Array.isArray(providers) ? providers : [providers]).filter((p) =>
      slots.some((s) => s.kind === p.kind),
    );
    if (usable.length === 0) {
      if (firstDamage) throw firstDamage;
      const kinds = (Array.isArray(providers) ? providers : [providers]).map((p) => p.kind);
      throw new WrongKeyError(
        `the repository has no ${kinds.join(' or ')} key slot (it has: ${[...new Set(slots.map((s) => s.kind))].join(', ') || 'none'})`,
      );
    }
    // A slot of a generation no link makes real was left by an interrupted rotation (§3.6).
    const latest = await latestGeneration(store);
    const candidates = usable
      .flatMap((provider) =>
        slots
          .filter((s) => s.kind === provider.kind && (s.generation ?? 0) <= latest)
          .map((slot) => ({ slot, provider })),
      )
      // The repository's own slots first; a key that reads before a write-only one (§3.7); then
      // the newest generation: a key that can write beats one a rotation left read-only.
      // Otherwise in the providers' order (stable sort).
      .sort(
        (a, b) =>
          Number(b.slot.repo_id === config.repo_id) - Number(a.slot.repo_id === config.repo_id) ||
          Number(a.slot.role === 'writer') - Number(b.slot.role === 'writer') ||
          (b.slot.generation ?? 0) - (a.slot.generation ?? 0),
      );
    const verified = (keys: RepositoryKeys): RepositoryKeys => {
      verifyConfigMac(config, mac, keys);
      if (!configIsCanonical(keys))
        throw new IntegrityError(CONFIG_KEY, 'config is not in canonical form (damaged)');
      return keys;
    };
    let lastError: unknown;
    let deniedError: unknown;
    for (const { slot, provider } of candidates) {
      try {
        // A slot opens under the repository id it records; if that differs from the config's,
        // the slot is intact and the config is what was damaged.
        const masterKey = await provider.openSlot(slot, slot.repo_id);
        if (slot.repo_id !== config.repo_id) {
          throw new IntegrityError(
            CONFIG_KEY,
            'repository id differs from the one its key slot was made for',
          );
        }
        const opened = { store, config, slot, provider, secret: masterKey, latest, verified };
        return slot.role === 'writer' ? Repository.asWriter(opened) : await Repository.asReader(opened);
      } catch (error) {
        // A KMS key this principal may not use for one slot may open another (a writer may
        // Decrypt only its writer slot, docs/OPERATIONS.md §4): try the rest, report it if none opens.
        const denied = error instanceof LifeboatError && error.exitCode === ExitCode.permission;
        if (!(error instanceof WrongKeyError) && !denied) throw error;
        if (denied) deniedError ??= error;
        else lastError ??= error;
      }
    }
    throw firstDamage ?? deniedError ?? lastError;
  }

  /** A write-only repository (FORMAT.md §3.7) from a writer slot's keyring. */
  private static asWriter(o: OpenedSlot): Repository {
    const generation = o.slot.generation ?? 0;
    if (o.secret.length !== WRITER_KEYRING_BYTES || !o.slot.reader_key)
      throw new IntegrityError(slotKey(o.slot.id), 'writer slot does not hold a writer keyring');
    const repoId = Buffer.from(o.config.repo_id, 'hex');
    o.verified(writeOnlyKeys(o.secret, repoId, undefined, generation, o.latest));
    // Every session of a write-only key seals under a data key of its own, stored before the
    // first object sealed under it (prepareWrite): nothing is ever written that its readers could
    // not open (§3.7). A slot a rotation left behind gets none: it cannot write.
    const dataKey =
      generation === o.latest
        ? newDataKey(Buffer.from(o.slot.reader_key, 'base64'), o.config.repo_id, generation)
        : undefined;
    const keys = writeOnlyKeys(o.secret, repoId, dataKey, generation, o.latest);
    const repository = new Repository(o.store, o.config, keys, [], o.slot, o.provider);
    repository.unstoredDataKey = dataKey;
    return repository;
  }

  /**
   * A repository opened with a master key: every generation it reaches (§3.6), and the data keys
   * of the write-only sessions of those generations (§3.7).
   */
  private static async asReader(o: OpenedSlot): Promise<Repository> {
    const repoId = Buffer.from(o.config.repo_id, 'hex');
    const chain = await masterKeyChain(o.store, o.config.repo_id, o.secret, o.slot.generation ?? 0);
    const keys = o.verified(deriveRepositoryKeys(chain, repoId, o.latest));
    const readers = new Map(chain.map((mk, i) => [chain.length - 1 - i, readerKeyPair(mk, repoId)]));
    const dataKeys = await readDataKeys(o.store, o.config.repo_id, readers);
    const opened = new Map(dataKeys.flatMap((d) => (d.key ? [[d.key.idHex, d.key.key] as const] : [])));
    const repository = new Repository(
      o.store,
      o.config,
      withDataKeys(keys, opened),
      chain,
      o.slot,
      o.provider,
    );
    repository.dataKeyDamage = dataKeys.flatMap((d) => (d.damage ? [d.damage] : []));
    return repository;
  }

  /** Data key objects that could not be read (FORMAT.md §3.7); `check` reports them. */
  dataKeyDamage: IntegrityError[] = [];
  /** A write-only session's data key, until prepareWrite stores it. */
  private unstoredDataKey: { name: string; bytes: Buffer } | undefined;
  private dataKeyStored: Promise<unknown> | undefined;

  /**
   * Call before storing anything sealed with these keys: a write-only session stores its data key
   * first (once), so that readers can open all it writes. Nothing to do for other keys.
   */
  async prepareWrite(): Promise<void> {
    writingKey(this.keys);
    const pending = this.unstoredDataKey;
    if (!pending) return;
    this.dataKeyStored ??= this.store.put(pending.name, pending.bytes, { createOnly: true });
    await this.dataKeyStored;
  }

  /** Refuses what only a key that reads may do (add or rotate keys, check, gc, replication). */
  assertReads(what: string): void {
    if (this.keys.writeOnly) throw new WriteOnlyKeyError(what);
  }

  /** This repository's config as stored: the bytes every copy of it must hold. */
  configBytes(): Buffer {
    return encodeConfig(this.config, this.keys);
  }

  /**
   * This repository in another store (a copy made by replication), opened with the keys already
   * held: its config must be byte-identical to this one's. Undefined when the store holds no
   * config yet; a different repository there is refused.
   */
  async mirrorIn(store: ObjectStore): Promise<Repository | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readAll(store, CONFIG_KEY);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
    if (!bytes.equals(this.configBytes()))
      throw new InputError(
        `${store.location} holds another repository (its config differs from this one's).`,
        'Replicate to an empty location, or to a copy made earlier from this same repository.',
      );
    return new Repository(store, this.config, this.keys, this.masterKeys, this.openedSlot, this.openedWith);
  }

  /** Every key slot, or the damage that makes it unreadable; `check` reports the damage. */
  static async readSlots(store: ObjectStore): Promise<SlotRead[]> {
    const out: SlotRead[] = [];
    for await (const info of store.list(KEYS_PREFIX)) {
      const bytes = await readAll(store, info.key);
      try {
        out.push({ key: info.key, slot: parseSlot(info.key, bytes) });
      } catch (error) {
        if (!(error instanceof IntegrityError)) throw error;
        out.push({ key: info.key, damage: error });
      }
    }
    return out;
  }

  /**
   * Protects the master key with one more secret (a key file, a passphrase, a KMS key). Only with
   * the newest generation's key: a slot for an older one could never write.
   */
  async addKeySlot(provider: KeyProvider): Promise<KeySlot> {
    this.assertReads('the master key');
    writingKey(this.keys);
    return this.storeNewSlot(provider, this.masterKeys[0]!, this.keys.generation, false);
  }

  /**
   * Makes and stores a slot for `provider`: of `masterKey`, the master key of `generation`, or,
   * for a writer, of the writer keyring with that generation's reader key (§3.7).
   */
  private async storeNewSlot(
    provider: KeyProvider,
    masterKey: Buffer,
    generation: number,
    writer: boolean,
  ): Promise<KeySlot> {
    const repoId = this.config.repo_id;
    const slot = writer
      ? await provider.createSlot(writerKeyring(this.keys), repoId, {
          generation,
          writer: { reader_key: readerKeyPair(masterKey, this.keys.repoId).publicKey.toString('base64') },
        })
      : await provider.createSlot(masterKey, repoId, { generation });
    await this.store.put(slotKey(slot.id), encodeSlot(slot), { createOnly: true });
    return slot;
  }

  /** This repository's key slots that parse (a damaged one is `check`'s to report). */
  private async ownSlots(): Promise<KeySlot[]> {
    return (await Repository.readSlots(this.store)).flatMap((r) =>
      'slot' in r && r.slot.repo_id === this.config.repo_id ? [r.slot] : [],
    );
  }

  /**
   * A writer slot (FORMAT.md §3.7): its secret backs up, deduplicating against everything stored,
   * but opens no backup. Index objects sealed before index keys existed are sealed again under
   * K_idx first, so that the writer deduplicates against them too.
   */
  async addWriterSlot(provider: KeyProvider): Promise<{ slot: KeySlot; indexesResealed: number }> {
    this.assertReads('the master key');
    writingKey(this.keys);
    const indexesResealed = await this.resealIndexesForWriters();
    const slot = await this.storeNewSlot(provider, this.masterKeys[0]!, this.keys.generation, true);
    return { slot, indexesResealed };
  }

  /** Seals every index object not under K_idx again under it (new objects first, then the old deleted). */
  private async resealIndexesForWriters(): Promise<number> {
    let count = 0;
    for (const id of await this.indexIds()) {
      const key = `${INDEX_PREFIX}${id}`;
      const sealed = await readAll(this.store, key);
      if (streamObjectSealedUnder(sealed, StreamType.index, ulidBytes(id), this.keys.idx)) continue;
      const entries = decodeIndex(
        openStreamObject(this.keys, StreamType.index, ulidBytes(id), sealed, key),
        key,
      );
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
  async rotateKey(
    holders: readonly KeyProvider[],
    kmsProvider: (keyArn: string) => KeyProvider,
  ): Promise<RotationReport> {
    this.assertReads('the master key');
    writingKey(this.keys);
    const repoId = this.config.repo_id;
    const generation = this.keys.latestGeneration + 1;
    const masterKey = randomBytes(KEY_BYTES);
    const slots = (await this.ownSlots()).filter((s) => (s.generation ?? 0) <= this.keys.latestGeneration);
    const providerFor = async (slot: KeySlot): Promise<KeyProvider | undefined> => {
      if (slot.kind === 'kms' && slot.kms) return kmsProvider(slot.kms.key_arn);
      if (slot.id === this.openedSlot.id) return this.openedWith;
      for (const holder of holders.filter((h) => h.kind === slot.kind)) {
        try {
          await holder.openSlot(slot, repoId);
          return holder;
        } catch (error) {
          if (!(error instanceof WrongKeyError)) throw error;
        }
      }
      return undefined;
    };
    const rewrapped: RotationReport['rewrapped'] = [];
    // Writer slots are made again with the new generation's reader key (§3.7).
    const remake = async (slot: KeySlot, provider: KeyProvider) => {
      const fresh = await this.storeNewSlot(provider, masterKey, generation, slot.role === 'writer');
      rewrapped.push({ from: slot, to: fresh });
      return fresh;
    };

    // 1. The opener's new slot, then the link that makes the generation real: a crash between the
    // two leaves a slot every reader skips, and the old keys still write.
    const mine = await remake(this.openedSlot, (await providerFor(this.openedSlot)) ?? this.openedWith);
    const link = sealGenerationLink(masterKey, this.masterKeys[0]!, repoId, generation);
    try {
      await this.store.put(link.key, link.bytes, { createOnly: true });
    } catch (error) {
      await this.store.delete(slotKey(mine.id));
      if (error instanceof ObjectExistsError)
        throw new LifeboatError(
          'ROTATION_CONFLICT',
          `Another rotation made key generation ${generation} at the same time; this one was undone.`,
          'Run `lifeboat key list` to see the keys now, and rotate again if you still want a new key.',
        );
      throw error;
    }
    // 2. Every other slot whose secret is at hand.
    const left: KeySlot[] = [];
    for (const slot of slots.filter((s) => s.id !== this.openedSlot.id)) {
      const provider = await providerFor(slot);
      if (provider) await remake(slot, provider);
      else left.push(slot);
    }
    // 3. Only now the replaced slots: until here, every old key still worked as before.
    for (const { from } of rewrapped) await this.store.delete(slotKey(from.id));
    return { generation, rewrapped, left };
  }

  /**
   * Removes a key slot. Never the last one that opens this repository, and never the one this
   * process opened it with (open with another key to remove that one): a mistake here would
   * lock everyone out of every backup.
   */
  async removeKeySlot(id: string): Promise<void> {
    const mine = await this.ownSlots();
    const target = mine.find((s) => s.id === id.toUpperCase());
    // Writer slots open no backup (§3.7): the last slot that reads must stay.
    const readers = mine.filter((s) => s.role !== 'writer');
    if (!target)
      throw new InputError(
        `No key slot ${id} in this repository.`,
        'List the slots with `lifeboat key list`.',
      );
    if (target.role !== 'writer' && readers.length === 1)
      throw new InputError(
        `Key slot ${target.id} is the repository's only key that reads; removing it would make every backup unreadable.`,
        'Add another key first (`lifeboat key add`), then remove this one.',
      );
    if (target.id === this.openedSlot.id)
      throw new InputError(
        `Key slot ${target.id} is the key this command opened the repository with.`,
        'Run `lifeboat key remove` with another key (LIFEBOAT_KEY_FILE, LIFEBOAT_PASSPHRASE or a KMS slot) to remove this one.',
      );
    await this.store.delete(slotKey(target.id));
  }

  get chunkerParams(): ChunkerParams {
    const { min, avg, max, level } = this.config.chunker;
    return { min, avg, max, level };
  }

  /** The keyed gear table: chunk boundaries depend on the repository key. */
  gear(): BigUint64Array {
    return keyedGear(this.keys.gear);
  }

  sealObject(type: StreamType, id: string, plaintext: Buffer): Buffer {
    return sealStreamObject(this.keys, type, ulidBytes(id), plaintext);
  }

  async readObject(type: StreamType, key: string, id: string): Promise<Buffer> {
    return openStreamObject(this.keys, type, ulidBytes(id), await readAll(this.store, key), key);
  }

  /** What saveSnapshot would store, in bytes (compression makes it depend on the content). */
  sealedSnapshotSize(manifest: SnapshotManifest): number {
    return this.sealObject(StreamType.snapshot, manifest.id, Buffer.from(JSON.stringify(manifest))).length;
  }

  async saveSnapshot(manifest: SnapshotManifest): Promise<number> {
    await this.prepareWrite();
    const sealed = this.sealObject(StreamType.snapshot, manifest.id, Buffer.from(JSON.stringify(manifest)));
    await this.store.put(snapshotKey(manifest.id), sealed, { createOnly: true });
    return sealed.length;
  }

  async loadSnapshot(id: string): Promise<SnapshotManifest> {
    const key = snapshotKey(id);
    const plain = await this.readObject(StreamType.snapshot, key, id);
    const parsed = SnapshotManifestSchema.safeParse(parseStoredJson(plain, key, 'manifest'));
    if (!parsed.success || parsed.data.id !== id || parsed.data.repo_id !== this.config.repo_id) {
      throw new IntegrityError(key, 'manifest content is not a snapshot of this repository');
    }
    return parsed.data;
  }

  /** The ids of the objects under a prefix, oldest first; anything else there is ignored. */
  private async idsUnder(prefix: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const info of this.store.list(prefix)) {
      const id = info.key.slice(prefix.length);
      if (ULID_PATTERN.test(id)) ids.push(id);
    }
    return ids.sort();
  }

  snapshotIds(): Promise<string[]> {
    return this.idsUnder(SNAPSHOTS_PREFIX);
  }

  /** Every snapshot, oldest first. */
  async listSnapshots(): Promise<SnapshotManifest[]> {
    const ids = await this.snapshotIds();
    return Promise.all(ids.map((id) => this.loadSnapshot(id)));
  }

  /** Resolves a full id, a unique id prefix (6+ characters) or latest:NAME. */
  async resolveSnapshot(reference: string): Promise<SnapshotManifest> {
    if (reference.startsWith('latest:') || reference === 'latest') {
      const name = reference === 'latest' ? undefined : reference.slice('latest:'.length);
      const all = await this.listSnapshots();
      const match = all.filter((s) => name === undefined || s.name === name).pop();
      if (!match) throw new BackupNotFoundError(reference);
      return match;
    }
    const wanted = reference.toUpperCase();
    if (wanted.length < 6) {
      throw new InputError(
        `Backup id prefix "${reference}" is too short.`,
        'Give at least 6 characters of the id (see `lifeboat snapshots`), or latest:NAME.',
      );
    }
    const ids = (await this.snapshotIds()).filter((id) => id.startsWith(wanted));
    if (ids.length === 1) return this.loadSnapshot(ids[0]!);
    if (ids.length > 1) {
      throw new LifeboatError(
        'AMBIGUOUS_ID',
        `"${reference}" matches ${ids.length} backups.`,
        'Give more characters of the id.',
        2,
      );
    }
    throw new BackupNotFoundError(reference);
  }

  indexIds(): Promise<string[]> {
    return this.idsUnder(INDEX_PREFIX);
  }

  async readIndex(id: string): Promise<IndexEntry[]> {
    const key = `${INDEX_PREFIX}${id}`;
    return decodeIndex(await this.readObject(StreamType.index, key, id), key);
  }

  /** An index object's plaintext (index-object.ts), for a ChunkIndex to take as it is. */
  readIndexPlaintext(id: string): Promise<Buffer> {
    return this.readObject(StreamType.index, `${INDEX_PREFIX}${id}`, id);
  }

  /** Sealed index objects for these entries, at most 100,000 each (objects stay a few MiB). */
  *sealIndexes(entries: IndexEntry[]): Generator<{ key: string; sealed: Buffer }> {
    for (let at = 0; at < entries.length; at += ENTRIES_PER_INDEX) {
      const id = this.newObjectId();
      const sealed = this.sealObject(
        StreamType.index,
        id,
        encodeIndex(entries.slice(at, at + ENTRIES_PER_INDEX)),
      );
      yield { key: `${INDEX_PREFIX}${id}`, sealed };
    }
  }

  newObjectId(): string {
    return newUlid();
  }
}
