import { randomBytes } from 'node:crypto';
import type { KeySlot, WrappedKey } from '../core/ports/key-provider';
import { canonicalJson } from './canonical-json';
import { FORMAT_LABEL, NONCE_BYTES, open, seal } from './crypto';

/** What a slot says about itself, bound into the wrap: any change to it makes the slot unusable. */
export type SlotDescription = Omit<KeySlot, 'wrapped'>;

function slotAad(repoId: string, slot: SlotDescription): Buffer {
  const { v, id, repo_id, kind, created_at, kek_id, kdf, kms } = slot;
  return Buffer.from(
    `${FORMAT_LABEL}key-slot/${repoId}/${canonicalJson({ v, id, repo_id, kind, created_at, kek_id, kdf, kms })}`,
  );
}

/** Wraps the master key under a key-encryption key, bound to one repository. */
export function wrapKey(
  kek: Buffer,
  masterKey: Buffer,
  repoId: string,
  slot: SlotDescription,
  nonce = randomBytes(NONCE_BYTES),
): WrappedKey {
  const sealed = seal(kek, nonce, slotAad(repoId, slot), masterKey);
  return {
    alg: 'aes-256-gcm',
    nonce: nonce.toString('base64'),
    ciphertext: sealed.subarray(0, sealed.length - 16).toString('base64'),
    tag: sealed.subarray(sealed.length - 16).toString('base64'),
  };
}

/** Undefined when the key-encryption key is not the one that wrapped it. */
export function unwrapKey(kek: Buffer, slot: KeySlot, repoId: string): Buffer | undefined {
  const wrapped = slot.wrapped;
  if (!wrapped) return undefined;
  const sealed = Buffer.concat([
    Buffer.from(wrapped.ciphertext, 'base64'),
    Buffer.from(wrapped.tag, 'base64'),
  ]);
  return open(kek, Buffer.from(wrapped.nonce, 'base64'), slotAad(repoId, slot), sealed);
}
