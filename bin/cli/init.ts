import { InputError } from '../../functions/core/errors';
import type { CompressionName } from '../../functions/repository/codec';
import { DEFAULT_CHUNKER } from '../../functions/repository/repository';
import { initRepository, resolveSettings, type LocalSettings } from '../../functions/local/home';
import { printJson, say, type GlobalOptions } from './output';

export function announceNewRepository(
  settings: LocalSettings,
  repoId: string,
  keyFileCreated: boolean,
): void {
  say(`Created repository ${repoId} at ${settings.repoUrl}.`);
  if (settings.kmsKeyId) {
    say(
      `It is protected by the AWS KMS key ${settings.kmsKeyId}: whoever may call kms:Decrypt on it can open the backups.`,
    );
  } else if (settings.passphrase !== undefined) {
    say('It is protected by the passphrase in LIFEBOAT_PASSPHRASE: losing the passphrase loses the backups.');
  } else {
    say(
      `Its key is in ${settings.keyFile}${keyFileCreated ? ' (new)' : ''}. Keep a copy of that file somewhere safe, ` +
        'apart from the backups: losing the key loses the backups.',
    );
  }
}

interface InitCommandOptions extends GlobalOptions {
  kms?: string;
  compression: CompressionName;
  compressionLevel?: number;
  chunkMin: number;
  chunkAvg: number;
  chunkMax: number;
}

const DEFAULT_LEVEL: Record<CompressionName, number> = { zstd: 3, gzip: 6, none: 0 };
const LEVEL_RANGE: Record<CompressionName, [number, number]> = { zstd: [1, 19], gzip: [1, 9], none: [0, 0] };

export async function runInit(options: InitCommandOptions): Promise<void> {
  const alg = options.compression;
  const level = options.compressionLevel ?? DEFAULT_LEVEL[alg];
  const [low, high] = LEVEL_RANGE[alg];
  if (level < low || level > high) {
    throw new InputError(`--compression-level ${level} is out of range for ${alg} (${low}-${high}).`);
  }
  const settings = resolveSettings(options);
  const { repository, keyFileCreated } = await initRepository(settings, {
    compression: { alg, level },
    chunker: { ...DEFAULT_CHUNKER, min: options.chunkMin, avg: options.chunkAvg, max: options.chunkMax },
  });
  announceNewRepository(settings, repository.config.repo_id, keyFileCreated);
  if (options.json) {
    printJson({
      repo_id: repository.config.repo_id,
      repository: settings.repoUrl,
      key_file: settings.passphrase === undefined && !settings.kmsKeyId ? settings.keyFile : null,
      kms_key: settings.kmsKeyId ?? null,
      key_file_created: keyFileCreated,
      compression: repository.config.compression,
      chunker: repository.config.chunker,
    });
  }
}
