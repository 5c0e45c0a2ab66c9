// KMS key slots. No local server implements AWS KMS, so the KMS client is mocked by the stand-in
// in test/helpers/fake-kms.ts, which keeps KMS's contract. The repository, its store and its
// slots are real.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { KmsKeyProvider } from '../../functions/adapters/aws/kms/key-provider';
import { createKeyFile, KeyFileProvider } from '../../functions/adapters/local/key-file';
import { LocalObjectStore } from '../../functions/adapters/local/object-store';
import { InputError, WrongKeyError } from '../../functions/core/errors';
import { openOrInitRepository, openRepository, resolveSettings } from '../../functions/local/home';
import { writingKey } from '../../functions/repository/crypto';
import { Repository } from '../../functions/repository/repository';
import { behaveLikeKms, FAKE_KMS_ARN as ARN, kms } from '../helpers/fake-kms';

describe('KMS key slots (KMS mocked; repository real)', () => {
  let dir: string;
  const regions: (string | undefined)[] = [];
  const provider = (keyId?: string) =>
    new KmsKeyProvider((region) => {
      regions.push(region);
      return new KMSClient({ region: region ?? 'us-east-1' });
    }, keyId);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-kms-'));
    kms.reset();
    regions.length = 0;
    behaveLikeKms();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('init with a KMS key: GenerateDataKey (AES_256, repo id as context) once, Decrypt once per open', async () => {
    const store = new LocalObjectStore(path.join(dir, 'repo'));
    const created = await Repository.init(store, provider(ARN));
    const repoId = created.config.repo_id;
    const generate = kms.commandCalls(GenerateDataKeyCommand);
    expect(generate).toHaveLength(1);
    expect(generate[0]!.args[0].input).toEqual({
      KeyId: ARN,
      KeySpec: 'AES_256',
      EncryptionContext: { repo_id: repoId },
    });
    // The slot records the key's ARN, the context and KMS's ciphertext; never the data key.
    const [read] = await Repository.readSlots(store);
    const slot = (read as { slot: { kms: unknown; kind: string } }).slot;
    expect(slot.kind).toBe('kms');
    expect(slot.kms).toMatchObject({ key_arn: ARN, encryption_context: { repo_id: repoId } });

    const opened = await Repository.open(store, provider());
    expect(opened.keys.id.equals(created.keys.id)).toBe(true);
    expect(opened.openedSlot.kind).toBe('kms');
    const decrypt = kms.commandCalls(DecryptCommand);
    expect(decrypt).toHaveLength(1);
    expect(decrypt[0]!.args[0].input).toMatchObject({ KeyId: ARN, EncryptionContext: { repo_id: repoId } });
    // The client is the key's region's, whatever the default region is.
    expect(regions).toEqual(['eu-central-1', 'eu-central-1']);
  });

  test('a slot whose encryption context was changed does not open', async () => {
    const store = new LocalObjectStore(path.join(dir, 'repo'));
    await Repository.init(store, provider(ARN));
    // The stand-in refuses a different context, as KMS does (InvalidCiphertextException).
    kms.on(DecryptCommand).rejects(Object.assign(new Error('bad'), { name: 'InvalidCiphertextException' }));
    await expect(Repository.open(store, provider())).rejects.toBeInstanceOf(WrongKeyError);
  });

  test('KMS refusals are reported with the key and the permission needed', async () => {
    const store = new LocalObjectStore(path.join(dir, 'repo'));
    await Repository.init(store, provider(ARN));
    kms.on(DecryptCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(Repository.open(store, provider())).rejects.toThrow(`KMS denied Decrypt on ${ARN}.`);
    kms.on(DecryptCommand).rejects(Object.assign(new Error('off'), { name: 'DisabledException' }));
    await expect(Repository.open(store, provider())).rejects.toThrow(/cannot be used now \(disabled\)/);
    kms
      .on(GenerateDataKeyCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(
      Repository.init(new LocalObjectStore(path.join(dir, 'other')), provider(ARN)),
    ).rejects.toMatchObject({
      message: `KMS denied GenerateDataKey on ${ARN}.`,
      hint: expect.stringMatching(/needs kms:GenerateDataKey on the key/),
    });
  });

  test('slots: a key file added to a KMS repository opens it; the last and the current slot stay', async () => {
    const store = new LocalObjectStore(path.join(dir, 'repo'));
    const keyFile = path.join(dir, 'key');
    await createKeyFile(keyFile);
    const byKms = await Repository.init(store, provider(ARN));
    const fileSlot = await byKms.addKeySlot(new KeyFileProvider(keyFile));

    // Providers are tried in order; the key file opens without any KMS call.
    kms.resetHistory();
    const byFile = await Repository.open(store, [new KeyFileProvider(keyFile), provider()]);
    expect(byFile.openedSlot.id).toBe(fileSlot.id);
    expect(writingKey(byFile.keys).equals(writingKey(byKms.keys))).toBe(true);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);

    // The slot a command opened with cannot be removed by that command.
    await expect(byFile.removeKeySlot(fileSlot.id)).rejects.toThrow(/opened the repository with/);
    await byFile.removeKeySlot(byKms.openedSlot.id);
    await expect(Repository.open(store, provider())).rejects.toThrow(/no kms key slot/);
    // Now the key file's slot is the only one.
    const again = await Repository.open(store, new KeyFileProvider(keyFile));
    const error = await again.removeKeySlot(fileSlot.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/only key/);
    await expect(again.removeKeySlot('01NOSUCHSLOT0000000000000')).rejects.toThrow(/No key slot/);
  });

  test('LIFEBOAT_KMS_KEY_ID: the first use creates the repository with a KMS slot and no key file', async () => {
    const env = { LIFEBOAT_HOME: path.join(dir, 'home'), LIFEBOAT_KMS_KEY_ID: ARN };
    const { repository, created } = await openOrInitRepository(resolveSettings({}, env));
    expect(created?.keyFileCreated).toBe(false);
    expect(repository.openedSlot.kind).toBe('kms');
    expect(existsSync(path.join(dir, 'home', 'key'))).toBe(false);
    // Opened again by a process that holds no key file: KMS opens it (one Decrypt).
    const again = await openRepository(resolveSettings({}, { LIFEBOAT_HOME: path.join(dir, 'home') }));
    expect(writingKey(again.keys).equals(writingKey(repository.keys))).toBe(true);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
  });
});
