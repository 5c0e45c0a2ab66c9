import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { KeySlot, KeySlotKind, SlotOptions, WrappedKey } from '../core/ports/key-provider';
import { canonicalJson } from './canonical-json';
import { FORMAT_LABEL, NONCE_BYTES, open, seal } from './crypto';
import { newUlid } from './ids';

/** What a slot says about itself, bound into the wrap: any change to it makes the slot unusable. */
export type SlotDescription = Omit<KeySlot, 'wrapped'>;

function slotAad(repoId: string, slot: SlotDescription): Buffer {
  const { v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key } = slot;
  return Buffer.from(
    `${FORMAT_LABEL}key-slot/${repoId}/${canonicalJson({ v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key })}`,
  );
}

/** The members every new slot starts with; generation 0 is written as no member (FORMAT.md §3.2). */
export function newSlotDescription(
  kind: KeySlotKind,
  repoId: string,
  options: SlotOptions = {},
): Pick<KeySlot, 'v' | 'id' | 'repo_id' | 'kind' | 'created_at' | 'generation' | 'role' | 'reader_key'> {
  const generation = options.generation ?? 0;
  return {
    v: 1,
    id: newUlid(),
    repo_id: repoId,
    kind,
    created_at: new Date().toISOString(),
    ...(generation > 0 ? { generation } : {}),
    ...(options.writer ? { role: 'writer' as const, reader_key: options.writer.reader_key } : {}),
  };
}

/** Canonical base64 only: a decoder that skips odd characters would let a changed slot pass unnoticed. */
export const CanonicalBase64 = z
  .string()
  .refine((s) => Buffer.from(s, 'base64').toString('base64') === s, 'not canonical base64');

export const WrappedKeySchema = z.strictObject({
  alg: z.literal('aes-256-gcm'),
  nonce: CanonicalBase64,
  ciphertext: CanonicalBase64,
  tag: CanonicalBase64,
});

/** AES-256-GCM of a 32-byte key under a key-encryption key, bound to `aad`. */
export function sealKey(
  kek: Buffer,
  key: Buffer,
  aad: Buffer,
  nonce: Buffer = randomBytes(NONCE_BYTES),
): WrappedKey {
  const sealed = seal(kek, nonce, aad, key);
  return {
    alg: 'aes-256-gcm',
    nonce: nonce.toString('base64'),
    ciphertext: sealed.subarray(0, sealed.length - 16).toString('base64'),
    tag: sealed.subarray(sealed.length - 16).toString('base64'),
  };
}

/** Undefined when `kek` (or `aad`) is not the one the key was sealed with. */
export function openKey(kek: Buffer, wrapped: WrappedKey, aad: Buffer): Buffer | undefined {
  const sealed = Buffer.concat([
    Buffer.from(wrapped.ciphertext, 'base64'),
    Buffer.from(wrapped.tag, 'base64'),
  ]);
  return open(kek, Buffer.from(wrapped.nonce, 'base64'), aad, sealed);
}

/** Wraps the master key under a key-encryption key, bound to one repository. */
export function wrapKey(
  kek: Buffer,
  masterKey: Buffer,
  repoId: string,
  slot: SlotDescription,
  nonce = randomBytes(NONCE_BYTES),
): WrappedKey {
  return sealKey(kek, masterKey, slotAad(repoId, slot), nonce);
}

/** Undefined when the key-encryption key is not the one that wrapped it. */
export function unwrapKey(kek: Buffer, slot: KeySlot, repoId: string): Buffer | undefined {
  return slot.wrapped ? openKey(kek, slot.wrapped, slotAad(repoId, slot)) : undefined;
}
