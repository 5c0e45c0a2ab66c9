import { createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { IntegrityError } from '../core/errors';
import type { ObjectStore } from '../core/ports/object-store';
import { canonicalJson, canonicalJsonFile, parseCanonicalObject } from './canonical-json';
import { FORMAT_LABEL, hkdf, KEY_BYTES, NONCE_BYTES } from './crypto';
import { newUlid, ULID_PATTERN, ulidBytes } from './ids';
import { CanonicalBase64, openKey, sealKey, WrappedKeySchema } from './key-wrap';
import { readAll } from './read';

/*
 * Write-only backups (docs/FORMAT.md §3.7). A writer slot holds no key that opens a backup: each
 * write-only session makes a random data key, seals what it writes under it, and stores the data
 * key sealed to the repository's reader key (X25519), whose private half only the master key
 * derives. Readers open every data key once; the writer never can.
 */

export const DATA_KEYS_PREFIX = 'datakeys/';

// DER prefixes of raw X25519 keys (RFC 8410): Node imports raw keys only through these.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

/** An X25519 key pair from its 32-byte private key (RFC 7748; X25519 clamps it itself). */
function x25519FromSeed(seed: Buffer): { privateKey: KeyObject; publicKey: Buffer } {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_X25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: Buffer.from(spki.subarray(SPKI_X25519.length)) };
}

/** The reader key pair of a key generation: the private key derived from its master key. */
export function readerKeyPair(
  masterKey: Buffer,
  repoId: Buffer,
): { privateKey: KeyObject; publicKey: Buffer } {
  return x25519FromSeed(hkdf(masterKey, repoId, `${FORMAT_LABEL}reader`, KEY_BYTES));
}

function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
}

const DataKeySchema = z.strictObject({
  v: z.literal(1),
  id: z.string().regex(ULID_PATTERN),
  repo_id: z.string(),
  generation: z.number().int().min(0),
  created_at: z.string(),
  epk: CanonicalBase64,
  wrapped: WrappedKeySchema,
});
type DataKeyObject = z.infer<typeof DataKeySchema>;

function dataKeyName(id: string): string {
  return `${DATA_KEYS_PREFIX}${id}.json`;
}

/** The KEK of one data key: HKDF over the X25519 shared secret, bound to both public keys. */
function dataKeyKek(shared: Buffer, epk: Buffer, readerKey: Buffer): Buffer {
  return hkdf(shared, Buffer.concat([epk, readerKey]), `${FORMAT_LABEL}data-key`, KEY_BYTES);
}

function dataKeyAad(object: Omit<DataKeyObject, 'wrapped'>): Buffer {
  const { v, id, repo_id, generation, created_at, epk } = object;
  return Buffer.from(
    `${FORMAT_LABEL}data-key/${repo_id}/${canonicalJson({ v, id, repo_id, generation, created_at, epk })}`,
  );
}

function encode(object: DataKeyObject): Buffer {
  const { v, id, repo_id, generation, created_at, epk, wrapped } = object;
  return canonicalJsonFile({ v, id, repo_id, generation, created_at, epk, wrapped });
}

/** Fixed randomness, for test vectors only. */
export interface DataKeyVectorInputs {
  id: string;
  key: Buffer;
  ephemeralSeed: Buffer;
  createdAt: string;
  nonce: Buffer;
}

/** A new data key for a write-only session, sealed to `readerKey` (raw X25519 public key). */
export function newDataKey(
  readerKey: Buffer,
  repoId: string,
  generation: number,
  fixed?: DataKeyVectorInputs,
): { id: Buffer; key: Buffer; name: string; bytes: Buffer } {
  const ulid = fixed?.id ?? newUlid();
  const key = fixed?.key ?? randomBytes(KEY_BYTES);
  const ephemeral = x25519FromSeed(fixed?.ephemeralSeed ?? randomBytes(KEY_BYTES));
  const epk = ephemeral.publicKey;
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: publicKeyObject(readerKey) });
  const description = {
    v: 1 as const,
    id: ulid,
    repo_id: repoId,
    generation,
    created_at: fixed?.createdAt ?? new Date().toISOString(),
    epk: epk.toString('base64'),
  };
  const wrapped = sealKey(
    dataKeyKek(shared, epk, readerKey),
    key,
    dataKeyAad(description),
    fixed?.nonce ?? randomBytes(NONCE_BYTES),
  );
  return { id: ulidBytes(ulid), key, name: dataKeyName(ulid), bytes: encode({ ...description, wrapped }) };
}

function parseDataKey(name: string, bytes: Buffer): DataKeyObject {
  const kind = {
    what: 'data key',
    schema: DataKeySchema,
    nameOf: (d: DataKeyObject) => dataKeyName(d.id),
    nameField: 'id',
  };
  return parseCanonicalObject(name, bytes, kind, encode);
}

export interface DataKeyRead {
  name: string;
  /** The key, by id (hex); absent when this reader does not hold the generation it was sealed to. */
  key?: { idHex: string; key: Buffer };
  damage?: IntegrityError;
}

/**
 * Every data key in the store, opened with the reader keys of the generations this reader holds
 * (by generation). A data key of a newer generation is skipped: its backups are out of reach.
 */
export async function readDataKeys(
  store: ObjectStore,
  repoId: string,
  readerKeys: ReadonlyMap<number, { privateKey: KeyObject; publicKey: Buffer }>,
): Promise<DataKeyRead[]> {
  const names: string[] = [];
  for await (const info of store.list(DATA_KEYS_PREFIX))
    if (/^datakeys\/[0-9A-HJKMNP-TV-Z]{26}\.json$/.test(info.key)) names.push(info.key);
  // One small object per write-only backup, read at every open: several at a time, so that a
  // year of daily backups in S3 opens in a second rather than in one round trip after another.
  const out: DataKeyRead[] = [];
  for (let at = 0; at < names.length; at += DATA_KEY_READS_AT_ONCE)
    out.push(
      ...(await Promise.all(
        names
          .slice(at, at + DATA_KEY_READS_AT_ONCE)
          .map((name) => readDataKey(store, name, repoId, readerKeys)),
      )),
    );
  return out;
}

const DATA_KEY_READS_AT_ONCE = 16;

async function readDataKey(
  store: ObjectStore,
  name: string,
  repoId: string,
  readerKeys: ReadonlyMap<number, { privateKey: KeyObject; publicKey: Buffer }>,
): Promise<DataKeyRead> {
  try {
    const object = parseDataKey(name, await readAll(store, name));
    if (object.repo_id !== repoId) throw new IntegrityError(name, 'data key belongs to another repository');
    const reader = readerKeys.get(object.generation);
    if (!reader) return { name };
    const epk = Buffer.from(object.epk, 'base64');
    const shared = diffieHellman({ privateKey: reader.privateKey, publicKey: publicKeyObject(epk) });
    const key = openKey(dataKeyKek(shared, epk, reader.publicKey), object.wrapped, dataKeyAad(object));
    if (!key) throw new IntegrityError(name, 'data key does not open with the reader key (damaged)');
    return { name, key: { idHex: ulidBytes(object.id).toString('hex'), key } };
  } catch (error) {
    if (!(error instanceof IntegrityError)) throw error;
    return { name, damage: error };
  }
}
