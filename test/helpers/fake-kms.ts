// No local server implements AWS KMS, so tests mock the KMS client (aws-sdk-client-mock) with this
// stand-in, which keeps KMS's contract: GenerateDataKey returns a fresh 256-bit key and a
// ciphertext bound to the key and the encryption context; Decrypt gives the key back only for the
// same context, and fails like KMS (InvalidCiphertextException) otherwise.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { KmsKeyProvider } from '../../functions/adapters/aws/kms/key-provider';
import type { KeyProvider } from '../../functions/core/ports/key-provider';

export const FAKE_KMS_ARN = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The stand-in's own "CMK": ciphertext = GCM(cmk, context) of the data key. */
const cmk = randomBytes(32);

function sealDataKey(key: Buffer, context: Record<string, string>): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', cmk, iv).setAAD(Buffer.from(JSON.stringify(context)));
  const body = Buffer.concat([c.update(key), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

function openDataKey(blob: Uint8Array, context: Record<string, string>): Buffer {
  const b = Buffer.from(blob);
  const d = createDecipheriv('aes-256-gcm', cmk, b.subarray(0, 12)).setAAD(
    Buffer.from(JSON.stringify(context)),
  );
  d.setAuthTag(b.subarray(12, 28));
  return Buffer.concat([d.update(b.subarray(28)), d.final()]);
}

/** The KMSClient mock; call behaveLikeKms() after each reset. */
export const kms = mockClient(KMSClient);

/**
 * A key policy for Decrypt, as KMS evaluates one for the calling principal: by default every
 * context is allowed; a test may allow, say, only `role: writer` (a write-only principal).
 */
let decryptAllowed: (context: Record<string, string>) => boolean = () => true;
export function allowDecrypt(policy: (context: Record<string, string>) => boolean): void {
  decryptAllowed = policy;
}

export function behaveLikeKms(): void {
  decryptAllowed = () => true;
  kms.on(GenerateDataKeyCommand).callsFake((input: { EncryptionContext: Record<string, string> }) => {
    const key = randomBytes(32);
    return {
      KeyId: FAKE_KMS_ARN,
      Plaintext: new Uint8Array(key),
      CiphertextBlob: sealDataKey(key, input.EncryptionContext),
    };
  });
  kms
    .on(DecryptCommand)
    .callsFake((input: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string> }) => {
      if (!decryptAllowed(input.EncryptionContext))
        throw Object.assign(new Error('not authorized to perform kms:Decrypt'), {
          name: 'AccessDeniedException',
        });
      try {
        return {
          KeyId: FAKE_KMS_ARN,
          Plaintext: new Uint8Array(openDataKey(input.CiphertextBlob, input.EncryptionContext)),
        };
      } catch {
        throw Object.assign(new Error('invalid ciphertext'), { name: 'InvalidCiphertextException' });
      }
    });
}

/** A KMS key provider whose client the stand-in answers (keyId: the key of new slots). */
export function fakeKmsProvider(keyId?: string): KeyProvider {
  return new KmsKeyProvider(() => new KMSClient({ region: 'eu-central-1' }), keyId);
}
