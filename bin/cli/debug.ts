import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { InputError } from '../../functions/core/errors';
import {
  Chunker,
  chunkStream,
  standardGear,
  validateChunkerParams,
} from '../../functions/repository/chunker';

interface DebugChunkOptions {
  min: number;
  avg: number;
  max: number;
  level: number;
  seed: string;
}

/** Unkeyed conformance mode: the published FastCDC-2020 vectors can be checked from the shell. */
export async function runDebugChunk(file: string, options: DebugChunkOptions): Promise<void> {
  let seed: bigint;
  try {
    seed = BigInt(options.seed);
  } catch {
    throw new InputError(`--seed ${options.seed} is not an integer.`);
  }
  if (seed < 0n || seed >= 1n << 64n) throw new InputError('--seed must be between 0 and 2^64-1.');
  const params = { min: options.min, avg: options.avg, max: options.max, level: options.level };
  try {
    validateChunkerParams(params);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  await access(file).catch(() => {
    throw new InputError(`Cannot read ${file}.`, 'Check the path and that you may read the file.');
  });
  const chunker = new Chunker(params, standardGear(seed));
  const lines: string[] = [];
  for await (const chunk of chunkStream(createReadStream(file, { highWaterMark: 1024 * 1024 }), chunker)) {
    const sha = createHash('sha256').update(chunk.data).digest('hex');
    lines.push(`${chunk.offset}\t${chunk.length}\t${sha}\t${chunk.hash}`);
    if (lines.length >= 1024) process.stdout.write(`${lines.splice(0).join('\n')}\n`);
  }
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}
