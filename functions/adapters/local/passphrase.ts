import { randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { WrongKeyError } from '../../core/errors';
import type { KeyProvider, KeySlot, SlotOptions, ScryptParams } from '../../core/ports/key-provider';
import { newSlotDescription, unwrapKey, wrapKey } from '../../repository/key-wrap';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** restic's choice; about 0.2 s and 64 MiB per attempt, which slows guessing without hurting users. */
export const DEFAULT_SCRYPT = { N: 65536, r: 8, p: 1 };

async function deriveKek(passphrase: string, params: ScryptParams): Promise<Buffer> {
  // NFC: the same passphrase typed on two systems may arrive as different code point sequences.
  return scryptAsync(passphrase.normalize('NFC'), Buffer.from(params.salt, 'base64'), 32, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r + 16 * 1024 * 1024,
  });
}

/** Key slots unlocked by a passphrase through scrypt. */
export class PassphraseProvider implements KeyProvider {
  readonly kind = 'passphrase' as const;

  constructor(
    private readonly passphrase: string,
    private readonly cost = DEFAULT_SCRYPT,
  ) {}

  async createSlot(masterKey: Buffer, repoId: string, options: SlotOptions = {}): Promise<KeySlot> {
    const kdf: ScryptParams = { alg: 'scrypt', salt: randomBytes(16).toString('base64'), ...this.cost };
    const kek = await deriveKek(this.passphrase, kdf);
    const slot: KeySlot = { ...newSlotDescription('passphrase', repoId, options), kdf };
    return { ...slot, wrapped: wrapKey(kek, masterKey, repoId, slot) };
  }

  async openSlot(slot: KeySlot, repoId: string): Promise<Buffer> {
    const key = slot.kdf ? unwrapKey(await deriveKek(this.passphrase, slot.kdf), slot, repoId) : undefined;
    if (!key)
      throw new WrongKeyError(
        `the passphrase does not open key slot keys/${slot.id}.json (a wrong passphrase, or a damaged slot)`,
      );
    return key;
  }
}
