import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { IntegrityError } from '../core/errors';
import { canonicalJson, canonicalJsonFile, parseStoredJson } from './canonical-json';
import { hmacSha256, type RepositoryKeys } from './crypto';

export const DEFAULT_PACK_BYTES = 32 * 1024 * 1024;

export const ChunkerSettingsSchema = z.object({
  alg: z.literal('fastcdc2020-keyed'),
  min: z.number().int().positive(),
  avg: z.number().int().positive(),
  max: z.number().int().positive(),
  level: z.number().int().min(0).max(3),
});
export type ChunkerSettings = z.infer<typeof ChunkerSettingsSchema>;

export const RepositoryConfigSchema = z.object({
  format: z.literal('lifeboat'),
  version: z.literal(1),
  repo_id: z.string().regex(/^[0-9a-f]{32}$/),
  created_at: z.string(),
  chunker: ChunkerSettingsSchema,
  compression: z.object({ alg: z.enum(['zstd', 'gzip', 'none']), level: z.number().int() }),
  pack_bytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(512 * 1024 * 1024),
});
export type RepositoryConfig = z.infer<typeof RepositoryConfigSchema>;

const StoredConfigSchema = RepositoryConfigSchema.extend({ mac: z.string().regex(/^[0-9a-f]{64}$/) });

export function newRepoId(): string {
  return randomBytes(16).toString('hex');
}

function canonical(config: RepositoryConfig): Buffer {
  const { format, version, repo_id, created_at, chunker, compression, pack_bytes } = config;
  return Buffer.from(
    canonicalJson({ format, version, repo_id, created_at, chunker, compression, pack_bytes }),
  );
}

/**
 * The config is stored in the clear (its repo_id is needed to open a key slot) but authenticated:
 * nobody without the key can change the chunker or compression of a repository unnoticed.
 */
export function encodeConfig(config: RepositoryConfig, keys: RepositoryKeys): Buffer {
  const mac = hmacSha256(keys.cfg, canonical(config)).toString('hex');
  return canonicalJsonFile({ ...JSON.parse(canonical(config).toString('utf8')), mac });
}

/** Parses the config without checking its MAC (the keys are not open yet). */
export function parseConfig(bytes: Buffer): { config: RepositoryConfig; mac: string } {
  const parsed = StoredConfigSchema.safeParse(parseStoredJson(bytes, 'config', 'config'));
  if (!parsed.success)
    throw new IntegrityError(
      'config',
      `unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})`,
    );
  const { mac, ...config } = parsed.data;
  return { config, mac };
}

export function verifyConfigMac(config: RepositoryConfig, mac: string, keys: RepositoryKeys): void {
  const expected = hmacSha256(keys.cfg, canonical(config));
  if (!timingSafeEqual(expected, Buffer.from(mac, 'hex')))
    throw new IntegrityError('config', 'authentication code does not match');
}
