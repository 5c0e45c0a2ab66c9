import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { IntegrityError, ObjectNotFoundError, WrongKeyError } from '../core/errors';
import type { WrappedKey } from '../core/ports/key-provider';
import type { ObjectStore } from '../core/ports/object-store';
import { canonicalJson, canonicalJsonFile, parseCanonicalObject } from './canonical-json';
import { FORMAT_LABEL, hkdf, KEY_BYTES, NONCE_BYTES } from './crypto';
import { openKey, sealKey, WrappedKeySchema } from './key-wrap';
import { readAll } from './read';

/*
 * Key generations (docs/FORMAT.md §3.6). A rotation makes a new master key for new data; the
 * generation link `generations/<n>.json` keeps the previous master key sealed under the new one,
 * so whoever holds generation n's key reaches every older generation and reads all old data,
 * while someone who held only an old key reaches nothing newer.
 */

export const GENERATIONS_PREFIX = 'generations/';
const NAME = /^generations\/([1-9][0-9]{0,8})\.json$/;

const GenerationLinkSchema = z.strictObject({
  v: z.literal(1),
  repo_id: z.string(),
  generation: z.number().int().min(1),
  created_at: z.string(),
  wrapped: WrappedKeySchema,
});

export type GenerationLink = z.infer<typeof GenerationLinkSchema>;

export function generationKey(generation: number): string {
  return `${GENERATIONS_PREFIX}${generation}.json`;
}

function linkKek(masterKey: Buffer, repoId: string): Buffer {
  return hkdf(masterKey, Buffer.from(repoId, 'hex'), `${FORMAT_LABEL}generation-link`, KEY_BYTES);
}

function linkAad(link: Omit<GenerationLink, 'wrapped'>): Buffer {
  const { v, repo_id, generation, created_at } = link;
  return Buffer.from(
    `${FORMAT_LABEL}generation/${repo_id}/${canonicalJson({ v, repo_id, generation, created_at })}`,
  );
}

function encodeLink(link: GenerationLink): Buffer {
  const { v, repo_id, generation, created_at, wrapped } = link;
  return canonicalJsonFile({ v, repo_id, generation, created_at, wrapped });
}

/** The link that makes `newMasterKey` generation `generation`, reaching `previousMasterKey`. */
export function sealGenerationLink(
  newMasterKey: Buffer,
  previousMasterKey: Buffer,
  repoId: string,
  generation: number,
  options: { createdAt?: string; nonce?: Buffer } = {},
): { key: string; bytes: Buffer } {
  const description = {
    v: 1 as const,
    repo_id: repoId,
    generation,
    created_at: options.createdAt ?? new Date().toISOString(),
  };
  const wrapped: WrappedKey = sealKey(
    linkKek(newMasterKey, repoId),
    previousMasterKey,
    linkAad(description),
    options.nonce ?? randomBytes(NONCE_BYTES),
  );
  return { key: generationKey(generation), bytes: encodeLink({ ...description, wrapped }) };
}

/** Parses a stored link; anything but the canonical bytes of a link with its own name is damage. */
export function parseGenerationLink(key: string, bytes: Buffer): GenerationLink {
  const kind = {
    what: 'generation link',
    schema: GenerationLinkSchema,
    nameOf: (link: GenerationLink) => generationKey(link.generation),
    nameField: 'number',
  };
  return parseCanonicalObject(key, bytes, kind, encodeLink);
}

/** The newest key generation of the repository in `store` (0 before any rotation). */
export async function latestGeneration(store: ObjectStore): Promise<number> {
  let latest = 0;
  for await (const info of store.list(GENERATIONS_PREFIX)) {
    const match = NAME.exec(info.key);
    if (match) latest = Math.max(latest, Number(match[1]));
  }
  return latest;
}

/**
 * The master keys of generations `generation` down to 0, newest first, from the master key of
 * `generation`: each link opens with the newer key and yields the older one.
 */
export async function masterKeyChain(
  store: ObjectStore,
  repoId: string,
  masterKey: Buffer,
  generation: number,
): Promise<Buffer[]> {
  const chain = [masterKey];
  for (let n = generation; n >= 1; n--) {
    const key = generationKey(n);
    let bytes: Buffer;
    try {
      bytes = await readAll(store, key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError)
        throw new IntegrityError(
          key,
          `generation link ${n} is missing: keys of older generations cannot be reached`,
        );
      throw error;
    }
    const link = parseGenerationLink(key, bytes);
    if (link.repo_id !== repoId)
      throw new IntegrityError(key, 'generation link belongs to another repository');
    const previous = openKey(linkKek(chain[chain.length - 1]!, repoId), link.wrapped, linkAad(link));
    if (!previous) {
      // The newest link is written after the slot that reaches it: a slot whose key does not open
      // it was left by a rotation that lost the race to another (FORMAT.md §3.6).
      if (n === generation)
        throw new WrongKeyError(
          `the key does not open ${key} (the link is damaged, or the key slot was left by an abandoned rotation)`,
        );
      throw new IntegrityError(key, 'generation link does not open with the newer key (damaged)');
    }
    chain.push(previous);
  }
  return chain;
}

/** Every generation link in the store, or the damage that makes one unreadable (for `check`). */
export async function readGenerationLinks(
  store: ObjectStore,
): Promise<Array<{ key: string; link?: GenerationLink; damage?: IntegrityError }>> {
  const out: Array<{ key: string; link?: GenerationLink; damage?: IntegrityError }> = [];
  for await (const info of store.list(GENERATIONS_PREFIX)) {
    if (!NAME.test(info.key)) continue;
    try {
      out.push({ key: info.key, link: parseGenerationLink(info.key, await readAll(store, info.key)) });
    } catch (error) {
      if (!(error instanceof IntegrityError)) throw error;
      out.push({ key: info.key, damage: error });
    }
  }
  return out;
}
