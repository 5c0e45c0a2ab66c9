import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { KeyFileError, WrongKeyError } from '../../core/errors';
import type { KeyProvider, KeySlot, SlotOptions } from '../../core/ports/key-provider';
import { newSlotDescription, unwrapKey, wrapKey } from '../../repository/key-wrap';

const KEY_FILE_PREFIX = 'lifeboat-key-v1:';

function kekId(kek: Buffer): string {
  return createHash('sha256').update('lifeboat key id').update(kek).digest('hex').slice(0, 16);
}

/** Creates a new key file (mode 0600) holding a random 256-bit key-encryption key. */
export async function createKeyFile(path: string): Promise<void> {
  const contents = `${KEY_FILE_PREFIX}${randomBytes(32).toString('base64')}\n`;
  try {
    await fs.writeFile(path, contents, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new KeyFileError(
        `Key file ${path} already exists.`,
        'Use it, or move it away first; never overwrite a key file.',
      );
    }
    throw error;
  }
}

/** Reads a key file, refusing one that other users can read: they could open every backup. */
export async function readKeyFile(path: string): Promise<Buffer> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new KeyFileError(
        `Key file ${path} does not exist.`,
        'Point LIFEBOAT_KEY_FILE (or --key-file) at the key file of this repository; without it the backups cannot be read.',
      );
    }
    if (code === 'EACCES')
      throw new KeyFileError(
        `Key file ${path} cannot be read (permission denied).`,
        'Run as the user who owns it.',
      );
    throw error;
  }
  if ((stat.mode & 0o077) !== 0) {
    throw new KeyFileError(
      `Key file ${path} is accessible by other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}).`,
      `Restrict it with: chmod 600 ${path}`,
    );
  }
  let text: string;
  try {
    text = (await fs.readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES') {
      throw new KeyFileError(
        `Key file ${path} cannot be read (permission denied).`,
        'Run as the user who owns it.',
      );
    }
    throw error;
  }
  const key = text.startsWith(KEY_FILE_PREFIX)
    ? Buffer.from(text.slice(KEY_FILE_PREFIX.length), 'base64')
    : undefined;
  if (!key || key.length !== 32) {
    throw new KeyFileError(
      `Key file ${path} is not a Lifeboat key file.`,
      'Check that LIFEBOAT_KEY_FILE names the right file.',
    );
  }
  return key;
}

/** Key slots unlocked by a local key file. */
export class KeyFileProvider implements KeyProvider {
  readonly kind = 'keyfile' as const;

  constructor(private readonly path: string) {}

  async createSlot(masterKey: Buffer, repoId: string, options: SlotOptions = {}): Promise<KeySlot> {
    const kek = await readKeyFile(this.path);
    const slot: KeySlot = { ...newSlotDescription('keyfile', repoId, options), kek_id: kekId(kek) };
    return { ...slot, wrapped: wrapKey(kek, masterKey, repoId, slot) };
  }

  async openSlot(slot: KeySlot, repoId: string): Promise<Buffer> {
    const kek = await readKeyFile(this.path);
    const key = slot.kek_id === kekId(kek) ? unwrapKey(kek, slot, repoId) : undefined;
    if (!key)
      throw new WrongKeyError(
        `key file ${this.path} does not open key slot keys/${slot.id}.json (a different key file, or a damaged slot)`,
      );
    return key;
  }
}
