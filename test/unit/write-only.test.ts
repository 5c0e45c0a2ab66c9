// Write-only keys (FORMAT.md §3.7) on real repositories in a local store, with real backups and
// restores compared byte for byte. KMS goes through the stand-in of test/helpers/fake-kms.ts
// (aws-sdk-client-mock: no local server implements KMS), which also plays the key policy.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { KeyFileProvider } from '../../functions/adapters/local/key-file';
import { LocalObjectStore } from '../../functions/adapters/local/object-store';
import {
  IntegrityError,
  KeyRotatedError,
  LifeboatError,
  WriteOnlyKeyError,
} from '../../functions/core/errors';
import { checkRepository } from '../../functions/repository/check';
import { writingKey } from '../../functions/repository/crypto';
import { newDataKey, readDataKeys, readerKeyPair } from '../../functions/repository/data-keys';
import { decodeIndex, encodeIndex } from '../../functions/repository/index-object';
import { ulidBytes } from '../../functions/repository/ids';
import { openPack } from '../../functions/repository/pack-reader';
import { loadChunkIndex } from '../../functions/repository/reader';
import { replicateSnapshot } from '../../functions/repository/replicate';
import { INDEX_PREFIX, Repository } from '../../functions/repository/repository';
import {
  openStreamObject,
  sealStreamObject,
  streamObjectSealedUnder,
  StreamType,
} from '../../functions/repository/stream-object';
import { randomData } from '../helpers/data';
import { allowDecrypt, FAKE_KMS_ARN, fakeKmsProvider, kms } from '../helpers/fake-kms';
import { backupBuffer, KeyFixture, restoreToBuffer } from '../helpers/repository';

const kmsProvider = fakeKmsProvider;

const fixture = new KeyFixture('lifeboat-write-only-');
let dir: string;
let store: LocalObjectStore;
let owner: KeyFileProvider;
let writer: KeyFileProvider;

beforeEach(async () => {
  await fixture.setUp();
  ({ dir, store, first: owner, second: writer } = fixture);
});
afterEach(() => fixture.tearDown());

const backup = (repo: Repository, data: Buffer, name = 'db') => backupBuffer(repo, data, name, 'full');
const restore = restoreToBuffer;
const listed = (prefix: string) => fixture.listed(prefix);

test('a writer key backs up, deduplicating against everything stored, and can read none of it', async () => {
  const repo = await Repository.init(store, owner);
  const first = randomData(3 * 1024 * 1024, 'first');
  const before = await backup(repo, first);
  const packsBefore = await listed('data/');
  const { slot } = await repo.addWriterSlot(writer);
  expect(slot).toMatchObject({ role: 'writer', kind: 'keyfile' });

  const w = await Repository.open(store, writer);
  expect(w.keys.writeOnly).toBe(true);
  // No key that opens a backup: no generation's encryption root, no data key but its own.
  expect(w.keys.readEnc).toEqual([]);
  expect(w.keys.dataKeys.size).toBe(0);
  expect(writingKey(w.keys).equals(writingKey(repo.keys))).toBe(false);
  // Opening writes nothing: the data key is stored with the first object sealed under it.
  expect(await listed('datakeys/')).toEqual([]);

  const second = Buffer.concat([first, randomData(2 * 1024 * 1024, 'second')]);
  const after = await backup(w, second);
  expect(after.stats.chunks_reused).toBeGreaterThan(0);
  const dataKeys = await listed('datakeys/');
  expect(dataKeys).toHaveLength(1);
  // What the writer sealed names its data key in the salt (the first 16 bytes).
  const keyId = ulidBytes(dataKeys[0]!.slice('datakeys/'.length, -'.json'.length));
  for (const key of (await listed('data/')).filter((k) => !packsBefore.includes(k))) {
    const header = readFileSync(path.join(dir, 'repo', key)).subarray(0, 104);
    expect(header.subarray(40, 56).equals(keyId)).toBe(true);
  }

  // The writer reads the index (to deduplicate) and nothing else: not a manifest, not a pack.
  expect((await loadChunkIndex(w)).size).toBeGreaterThan(0);
  for (const id of [before.id, after.id])
    await expect(w.loadSnapshot(id)).rejects.toBeInstanceOf(WriteOnlyKeyError);
  await expect(openPack(store, w.keys, packsBefore[0]!)).rejects.toBeInstanceOf(WriteOnlyKeyError);
  await expect(w.listSnapshots()).rejects.toBeInstanceOf(WriteOnlyKeyError);
  await expect(w.addKeySlot(owner)).rejects.toBeInstanceOf(WriteOnlyKeyError);
  await expect(w.rotateKey([writer], kmsProvider)).rejects.toBeInstanceOf(WriteOnlyKeyError);

  // The owner's key reads both, byte for byte, and the repository checks clean.
  const reader = await Repository.open(store, [owner, writer]);
  expect(reader.keys.writeOnly).toBe(false);
  expect((await restore(reader, before.id)).equals(first)).toBe(true);
  expect((await restore(reader, after.id)).equals(second)).toBe(true);
  const report = await checkRepository(reader, { readData: true });
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
});

test('index objects sealed before index keys existed are sealed again when a writer is added', async () => {
  const repo = await Repository.init(store, owner);
  const data = randomData(2 * 1024 * 1024, 'legacy');
  await backup(repo, data);
  // Make the index what an older writer left: sealed under the generation's K_enc.
  const [indexKey] = await listed(INDEX_PREFIX);
  const id = indexKey!.slice(INDEX_PREFIX.length);
  const legacyKeys = { ...repo.keys, idx: writingKey(repo.keys) };
  const entries = decodeIndex(
    openStreamObject(
      repo.keys,
      StreamType.index,
      ulidBytes(id),
      readFileSync(path.join(dir, 'repo', indexKey!)),
      indexKey!,
    ),
    indexKey!,
  );
  writeFileSync(
    path.join(dir, 'repo', indexKey!),
    sealStreamObject(legacyKeys, StreamType.index, ulidBytes(id), encodeIndex(entries)),
  );
  expect((await loadChunkIndex(repo)).size).toBe(entries.length);

  const { indexesResealed } = await repo.addWriterSlot(writer);
  expect(indexesResealed).toBe(1);
  for (const key of await listed(INDEX_PREFIX)) {
    const bytes = readFileSync(path.join(dir, 'repo', key));
    expect(
      streamObjectSealedUnder(
        bytes,
        StreamType.index,
        ulidBytes(key.slice(INDEX_PREFIX.length)),
        repo.keys.idx,
      ),
    ).toBe(true);
  }
  // So the writer deduplicates against that backup: the same data again stores no data chunk.
  const w = await Repository.open(store, writer);
  const again = await backup(w, data);
  expect(again.stats.chunks_new).toBe(0);
});

test('KMS: a writer principal that may Decrypt only writer slots backs up; it cannot open the repository to read', async () => {
  const repo = await Repository.init(store, kmsProvider(FAKE_KMS_ARN));
  const data = randomData(1024 * 1024, 'kms');
  const owned = await backup(repo, data);
  kms.resetHistory();
  await repo.addWriterSlot(kmsProvider(FAKE_KMS_ARN));
  // The writer slot says what it is in its encryption context, for the key policy to use.
  expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input.EncryptionContext).toEqual({
    repo_id: repo.config.repo_id,
    role: 'writer',
  });

  // The writer's key policy: Decrypt only under {role: writer}. The reader slot is refused.
  allowDecrypt((context) => context.role === 'writer');
  const w = await Repository.open(store, kmsProvider());
  expect(w.keys.writeOnly).toBe(true);
  const made = await backup(w, Buffer.concat([data, randomData(1024 * 1024, 'more')]));
  await expect(w.loadSnapshot(owned.id)).rejects.toBeInstanceOf(WriteOnlyKeyError);
  // It tried the reader slot first, was refused, and opened its writer slot.
  const contexts = kms.commandCalls(DecryptCommand).map((c) => c.args[0].input.EncryptionContext);
  expect(contexts).toEqual([
    { repo_id: repo.config.repo_id },
    { repo_id: repo.config.repo_id, role: 'writer' },
  ]);
  // A principal with no Decrypt at all is told which permission it lacks.
  allowDecrypt(() => false);
  const denied = await Repository.open(store, kmsProvider()).catch((e: unknown) => e);
  expect(denied).toBeInstanceOf(LifeboatError);
  expect((denied as LifeboatError).code).toBe('KMS');

  // The owner's principal reads everything.
  allowDecrypt(() => true);
  const reader = await Repository.open(store, kmsProvider());
  expect(reader.keys.writeOnly).toBe(false);
  expect((await restore(reader, made.id)).subarray(0, data.length).equals(data)).toBe(true);
});

test('rotation makes writer slots again for the new reader key; both generations restore', async () => {
  const repo = await Repository.init(store, owner);
  await repo.addWriterSlot(writer);
  const w0 = await Repository.open(store, writer);
  const a = randomData(700_000, 'gen0');
  const first = await backup(w0, a);

  const report = await repo.rotateKey([owner, writer], kmsProvider);
  expect(report.rewrapped.map((r) => [r.to.role ?? 'reader', r.to.generation])).toEqual(
    expect.arrayContaining([
      ['reader', 1],
      ['writer', 1],
    ]),
  );
  expect(report.left).toEqual([]);
  const w1 = await Repository.open(store, writer);
  expect(w1.keys.generation).toBe(1);
  const b = randomData(700_000, 'gen1');
  const second = await backup(w1, b);

  const reader = await Repository.open(store, owner);
  expect(reader.keys.dataKeys.size).toBe(2);
  expect((await restore(reader, first.id)).equals(a)).toBe(true);
  expect((await restore(reader, second.id)).equals(b)).toBe(true);
});

test('a writer slot a rotation left behind can no longer back up, and says so', async () => {
  const repo = await Repository.init(store, owner);
  await repo.addWriterSlot(writer);
  // The writer's key file is not at hand: its slot stays at generation 0.
  const report = await repo.rotateKey([owner], kmsProvider);
  expect(report.left.map((s) => s.role)).toEqual(['writer']);
  const stale = await Repository.open(store, writer);
  const failure = await backup(stale, randomData(100_000, 'late')).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(KeyRotatedError);
  expect((failure as Error).message).toContain('This write-only key belongs to key generation 0');
  expect(await listed('datakeys/')).toEqual([]);
});

test('replication carries the data keys; a damaged data key is reported by check', async () => {
  const repo = await Repository.init(store, owner);
  await repo.addWriterSlot(writer);
  const data = randomData(900_000, 'copy');
  const made = await backup(await Repository.open(store, writer), data);
  const reader = await Repository.open(store, owner);

  const copyStore = new LocalObjectStore(path.join(dir, 'copy'));
  await replicateSnapshot(reader, copyStore, made.id);
  const copy = await Repository.open(copyStore, owner);
  expect((await restore(copy, made.id)).equals(data)).toBe(true);

  const [dataKey] = await listed('datakeys/');
  const file = path.join(dir, 'repo', dataKey!);
  const damaged = Buffer.from(readFileSync(file));
  damaged[damaged.indexOf('"tag"') + 10]! ^= 0x02;
  writeFileSync(file, damaged);
  const hurt = await Repository.open(store, owner);
  const report = await checkRepository(hurt);
  expect(report.ok).toBe(false);
  expect(report.problems.some((p) => p.object === dataKey && p.severity === 'error')).toBe(true);
  await expect(hurt.loadSnapshot(made.id)).rejects.toBeInstanceOf(IntegrityError);
});

test('the last key that reads cannot be removed while writer slots remain', async () => {
  const repo = await Repository.init(store, owner);
  const { slot } = await repo.addWriterSlot(writer);
  const w = await Repository.open(store, [owner]);
  await expect(w.removeKeySlot(w.openedSlot.id)).rejects.toThrow(/only key that reads/);
  // A writer slot itself can go.
  await w.removeKeySlot(slot.id);
});

test('readers open every data key (read several at a time), skip other generations, report damage', async () => {
  const repo = await Repository.init(store, owner);
  const reader = readerKeyPair(Buffer.alloc(32, 1), repo.keys.repoId);
  const made = Array.from({ length: 20 }, () => newDataKey(reader.publicKey, repo.config.repo_id, 0));
  const otherGeneration = newDataKey(reader.publicKey, repo.config.repo_id, 1);
  for (const d of [...made, otherGeneration]) await store.put(d.name, d.bytes, { createOnly: true });
  const damaged = Buffer.from(made[17]!.bytes);
  damaged[damaged.indexOf('"epk"') + 9]! ^= 0x01;
  await store.delete(made[17]!.name);
  await store.put(made[17]!.name, damaged, { createOnly: true });

  const read = await readDataKeys(store, repo.config.repo_id, new Map([[0, reader]]));
  expect(read).toHaveLength(21);
  const opened = new Map(read.flatMap((r) => (r.key ? [[r.key.idHex, r.key.key] as const] : [])));
  expect(opened.size).toBe(19);
  for (const d of made.filter((_, i) => i !== 17))
    expect(opened.get(d.id.toString('hex'))?.equals(d.key)).toBe(true);
  expect(read.find((r) => r.name === made[17]!.name)?.damage).toBeInstanceOf(IntegrityError);
  expect(read.find((r) => r.name === otherGeneration.name)).toEqual({ name: otherGeneration.name });
});
