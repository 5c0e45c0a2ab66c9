// Key rotation (FORMAT.md §3.6) on real repositories in a local store with real backups and
// restores compared byte for byte. KMS slots go through the KMS stand-in of test/helpers/fake-kms.ts
// (aws-sdk-client-mock: no local server implements KMS).
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { KeyFileProvider } from '../../functions/adapters/local/key-file';
import { LocalObjectStore } from '../../functions/adapters/local/object-store';
import { PassphraseProvider } from '../../functions/adapters/local/passphrase';
import {
  IntegrityError,
  KeyRotatedError,
  LifeboatError,
  NewerKeyGenerationError,
  WrongKeyError,
} from '../../functions/core/errors';
import { canonicalJsonFile } from '../../functions/repository/canonical-json';
import { checkRepository } from '../../functions/repository/check';
import { deriveObjectKey } from '../../functions/repository/crypto';
import { generationKey, latestGeneration } from '../../functions/repository/generations';
import { packInfo } from '../../functions/repository/pack';
import { replicateSnapshot } from '../../functions/repository/replicate';
import { Repository, slotKey } from '../../functions/repository/repository';
import { FAKE_KMS_ARN, fakeKmsProvider, kms } from '../helpers/fake-kms';
import { backupBuffer, KeyFixture, restoreToBuffer } from '../helpers/repository';
import { randomData } from '../helpers/data';

const kmsProvider = fakeKmsProvider;
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

const fixture = new KeyFixture('lifeboat-rotate-');
let dir: string;
let store: LocalObjectStore;
let fileA: KeyFileProvider;
let fileB: KeyFileProvider;

beforeEach(async () => {
  await fixture.setUp();
  ({ dir, store, first: fileA, second: fileB } = fixture);
});
afterEach(() => fixture.tearDown());

const backupManifest = (repo: Repository, data: Buffer, name = 'db') => backupBuffer(repo, data, name);
const backup = async (repo: Repository, data: Buffer, name = 'db') =>
  (await backupBuffer(repo, data, name)).id;
const restore = restoreToBuffer;

/** The generation (index into readEnc, newest first) whose key sealed a stored pack. */
async function packGeneration(repo: Repository, key: string): Promise<number> {
  const header = readFileSync(path.join(dir, 'repo', key)).subarray(0, 104);
  const packId = header.subarray(24, 40);
  const found = repo.keys.readEnc.findIndex((enc) =>
    deriveObjectKey(enc, header.subarray(40, 72), packInfo(packId)).commitment.equals(
      header.subarray(72, 104),
    ),
  );
  return repo.keys.generation - found;
}

const dataPacks = () => fixture.listed('data/');

test('rotate: new data under the new key, old backups restore, the key it opened with is replaced', async () => {
  const first = randomData(3 * 1024 * 1024, 'before');
  const repo = await Repository.init(store, fileA);
  const before = await backup(repo, first);
  const packsBefore = await dataPacks();
  await repo.addKeySlot(fileB);

  const report = await repo.rotateKey([fileA, fileB], kmsProvider);
  expect(report.generation).toBe(1);
  // Both key files were at hand: both slots were made again and the old ones removed.
  expect(report.rewrapped.map((r) => r.to.generation)).toEqual([1, 1]);
  expect(report.left).toEqual([]);
  for (const { from } of report.rewrapped) expect(await store.head(slotKey(from.id))).toBeUndefined();
  expect(await latestGeneration(store)).toBe(1);

  const rotated = await Repository.open(store, fileB);
  expect(rotated.keys.generation).toBe(1);
  expect(rotated.keys.readEnc).toHaveLength(2);
  expect(rotated.keys.enc?.equals(rotated.keys.readEnc[0]!)).toBe(true);
  // Identity keys never change: chunk ids and boundaries stay, so deduplication goes on.
  expect(rotated.keys.id.equals(repo.keys.id)).toBe(true);
  expect(rotated.keys.enc?.equals(repo.keys.enc!)).toBe(false);

  const second = Buffer.concat([first, randomData(2 * 1024 * 1024, 'after')]);
  const afterManifest = await backupManifest(rotated, second);
  const after = afterManifest.id;
  const newPacks = (await dataPacks()).filter((k) => !packsBefore.includes(k));
  expect(newPacks.length).toBeGreaterThan(0);
  for (const key of packsBefore) expect(await packGeneration(rotated, key)).toBe(0);
  for (const key of newPacks) expect(await packGeneration(rotated, key)).toBe(1);
  // The first 3 MiB deduplicated against generation-0 chunks: the ids did not change.
  expect(afterManifest.stats.chunks_reused).toBeGreaterThan(0);

  expect((await restore(rotated, before)).equals(first)).toBe(true);
  expect((await restore(rotated, after)).equals(second)).toBe(true);
  const report2 = await checkRepository(rotated, { readData: true });
  expect(report2.problems).toEqual([]);
  expect(report2.ok).toBe(true);
});

test('a key the rotation could not re-make reads old backups, refuses to write, and says why', async () => {
  const data = randomData(1024 * 1024, 'old');
  const repo = await Repository.init(store, fileA);
  const old = await backup(repo, data);
  const passphrase = new PassphraseProvider('correct horse battery staple', FAST_SCRYPT);
  const leftSlot = await repo.addKeySlot(passphrase);

  // Only the key file is at hand: the passphrase slot stays at generation 0.
  const report = await repo.rotateKey([fileA], kmsProvider);
  expect(report.left.map((s) => s.id)).toEqual([leftSlot.id]);
  const current = await Repository.open(store, fileA);
  const fresh = await backup(current, randomData(1024 * 1024, 'new'));

  const stale = await Repository.open(store, passphrase);
  expect(stale.keys.generation).toBe(0);
  expect(stale.keys.latestGeneration).toBe(1);
  expect(stale.keys.enc).toBeUndefined();
  expect((await restore(stale, old)).equals(data)).toBe(true);
  await expect(stale.loadSnapshot(fresh)).rejects.toBeInstanceOf(NewerKeyGenerationError);
  await expect(backup(stale, data)).rejects.toBeInstanceOf(KeyRotatedError);
  await expect(stale.addKeySlot(fileB)).rejects.toBeInstanceOf(KeyRotatedError);
  await expect(stale.rotateKey([passphrase], kmsProvider)).rejects.toBeInstanceOf(KeyRotatedError);
  const check = await checkRepository(stale);
  expect(check.problems.some((p) => p.severity === 'warning' && p.object === 'generations/')).toBe(true);

  // Holding both, the current key is chosen whatever the order of the providers.
  const both = await Repository.open(store, [passphrase, fileA]);
  expect(both.keys.generation).toBe(1);
});

test('KMS slots are re-made with GenerateDataKey alone; the rotated repository opens through KMS', async () => {
  const repo = await Repository.init(store, fileA);
  const data = randomData(1024 * 1024, 'kms');
  const id = await backup(repo, data);
  const kmsSlot = await repo.addKeySlot(kmsProvider(FAKE_KMS_ARN));
  kms.resetHistory();

  const report = await repo.rotateKey([fileA], kmsProvider);
  const remade = report.rewrapped.find((r) => r.from.id === kmsSlot.id);
  expect(remade?.to.kms?.key_arn).toBe(FAKE_KMS_ARN);
  expect(remade?.to.generation).toBe(1);
  // Re-making a KMS slot needs no Decrypt: a rotation can run where only GenerateDataKey is allowed.
  expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
  expect(kms.calls().length).toBe(1);
  expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input.EncryptionContext).toEqual({
    repo_id: repo.config.repo_id,
  });

  const byKms = await Repository.open(store, kmsProvider());
  expect(byKms.openedSlot.id).toBe(remade?.to.id);
  expect(byKms.keys.generation).toBe(1);
  expect((await restore(byKms, id)).equals(data)).toBe(true);
});

test('rotating twice: the newest key reaches every generation through the links', async () => {
  let repo = await Repository.init(store, fileA);
  const streams = [randomData(600_000, 'g0'), randomData(600_000, 'g1'), randomData(600_000, 'g2')];
  const ids = [await backup(repo, streams[0]!, 's0')];
  for (const n of [1, 2]) {
    await repo.rotateKey([fileA], kmsProvider);
    repo = await Repository.open(store, fileA);
    expect(repo.keys.generation).toBe(n);
    ids.push(await backup(repo, streams[n]!, `s${n}`));
  }
  expect(repo.keys.readEnc).toHaveLength(3);
  for (const [n, id] of ids.entries()) expect((await restore(repo, id)).equals(streams[n]!)).toBe(true);
  expect((await checkRepository(repo, { readData: true })).ok).toBe(true);

  // A damaged link in the middle of the chain: the repository does not open, and says which object.
  const link = path.join(dir, 'repo', generationKey(1));
  const intact = readFileSync(link);
  const damaged = Buffer.from(intact);
  damaged[damaged.indexOf('"tag"') + 10]! ^= 0x01;
  writeFileSync(link, damaged);
  const failure = await Repository.open(store, fileA).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(IntegrityError);
  expect((failure as IntegrityError).object).toBe(generationKey(1));
  writeFileSync(link, intact);
});

test('an interrupted rotation (a slot without its link) is ignored; a concurrent one is undone', async () => {
  const repo = await Repository.init(store, fileA);
  // A crash after the new slot, before the link: the slot names a generation that does not exist.
  const orphan = await fileB.createSlot(Buffer.alloc(32, 7), repo.config.repo_id, { generation: 1 });
  await store.put(slotKey(orphan.id), canonicalJsonFile(orphan), { createOnly: true });
  expect((await Repository.readSlots(store)).every((r) => 'slot' in r)).toBe(true);
  const reopened = await Repository.open(store, [fileB, fileA]);
  expect(reopened.keys.latestGeneration).toBe(0);
  expect(reopened.openedSlot.kind).toBe('keyfile');
  expect(reopened.keys.enc).toBeDefined();

  // Another rotation got generation 1 first: this one removes its slot and says so.
  const winner = await Repository.open(store, fileA);
  await winner.rotateKey([fileA], kmsProvider);
  const slotsBefore: string[] = [];
  for await (const info of store.list('keys/')) slotsBefore.push(info.key);
  const failure = await reopened.rotateKey([fileA], kmsProvider).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(LifeboatError);
  expect((failure as LifeboatError).code).toBe('ROTATION_CONFLICT');
  const slotsAfter: string[] = [];
  for await (const info of store.list('keys/')) slotsAfter.push(info.key);
  expect(slotsAfter.sort()).toEqual(slotsBefore.sort());
  expect((await Repository.open(store, fileA)).keys.generation).toBe(1);
});

test('replication copies the generation links: a copy opens with the rotated key and restores', async () => {
  const repo = await Repository.init(store, fileA);
  const before = randomData(700_000, 'r0');
  const oldId = await backup(repo, before);
  await repo.rotateKey([fileA], kmsProvider);
  const rotated = await Repository.open(store, fileA);
  const after = randomData(700_000, 'r1');
  const newId = await backup(rotated, after);

  const copyStore = new LocalObjectStore(path.join(dir, 'copy'));
  await replicateSnapshot(rotated, copyStore, oldId);
  await replicateSnapshot(rotated, copyStore, newId);
  const copy = await Repository.open(copyStore, fileA);
  expect(copy.keys.generation).toBe(1);
  expect((await restore(copy, oldId)).equals(before)).toBe(true);
  expect((await restore(copy, newId)).equals(after)).toBe(true);
});

test('a wrong key still fails as a wrong key, not as an older generation', async () => {
  await Repository.init(store, fileA);
  await expect(Repository.open(store, fileB)).rejects.toBeInstanceOf(WrongKeyError);
});
