import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { openRepository, resolveSettings } from '../../functions/local/home';
import { Chunker } from '../../functions/repository/chunker';

/** Deterministic pseudo-random bytes (AES-CTR keystream): reproducible and incompressible. */
export function randomData(size: number, seed = 'seed'): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return cipher.update(Buffer.alloc(size));
}

/**
 * A generated stream of `size` bytes, never held in memory whole: alternating stretches of
 * random and text-like data, so both dedup and compression are exercised.
 */
export function generatedStream(size: number, seed = 'stream'): Readable {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const piece = 1024 * 1024;
  const text = Buffer.from('lifeboat keeps the one copy that matters. '.repeat(piece / 42 + 1)).subarray(
    0,
    piece,
  );
  let produced = 0;
  let n = 0;
  return new Readable({
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(piece, size - produced);
      const random = cipher.update(Buffer.alloc(length));
      this.push(n++ % 3 === 2 ? text.subarray(0, length) : random);
      produced += length;
    },
  });
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * What a backup's checksum_value must be for `data` in the repository of `env`, computed here
 * independently of the backup code: SHA-256 over the SHA-256 of each chunk, with the repository's
 * keyed chunker.
 */
export async function expectedStreamChecksum(env: NodeJS.ProcessEnv, data: Buffer): Promise<string> {
  const repo = await openRepository(resolveSettings({}, env));
  const chunker = new Chunker(repo.chunkerParams, repo.gear());
  const outer = createHash('sha256');
  for (const chunk of [...chunker.push(data), ...chunker.finish()]) {
    outer.update(createHash('sha256').update(chunk.data).digest());
  }
  return outer.digest('hex');
}
