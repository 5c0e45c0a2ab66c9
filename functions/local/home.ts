import * as fs from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { createKeyFile, KeyFileProvider } from '../adapters/local/key-file';
import { LocalObjectStore } from '../adapters/local/object-store';
import { PassphraseProvider } from '../adapters/local/passphrase';
import { RepositoryNotFoundError, StoragePermissionError } from '../core/errors';
import type { KeyProvider } from '../core/ports/key-provider';
import { newConfig, Repository, type InitOptions } from '../repository/repository';

/**
 * The embedded defaults: LIFEBOAT_HOME (default ~/.lifeboat) holds a local repository and the key
 * file that opens it. --repo and LIFEBOAT_KEY_FILE / LIFEBOAT_PASSPHRASE choose others.
 */
export interface LocalSettings {
  home: string;
  repoPath: string;
  keyFile: string;
  passphrase?: string;
}

export function resolveSettings(
  options: { repo?: string; keyFile?: string },
  env: NodeJS.ProcessEnv = process.env,
): LocalSettings {
  const home = path.resolve(env.LIFEBOAT_HOME || path.join(homedir(), '.lifeboat'));
  return {
    home,
    repoPath: path.resolve(options.repo ?? env.LIFEBOAT_REPOSITORY ?? path.join(home, 'repository')),
    keyFile: path.resolve(options.keyFile ?? env.LIFEBOAT_KEY_FILE ?? path.join(home, 'key')),
    passphrase: env.LIFEBOAT_PASSPHRASE || undefined,
  };
}

function provider(settings: LocalSettings): KeyProvider {
  return settings.passphrase !== undefined
    ? new PassphraseProvider(settings.passphrase)
    : new KeyFileProvider(settings.keyFile);
}

export async function openLocalRepository(settings: LocalSettings): Promise<Repository> {
  try {
    await fs.access(settings.repoPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES')
      throw new StoragePermissionError(settings.repoPath, error);
    throw new RepositoryNotFoundError(settings.repoPath);
  }
  return Repository.open(new LocalObjectStore(settings.repoPath), provider(settings));
}

export interface InitResult {
  repository: Repository;
  keyFileCreated: boolean;
}

export async function initLocalRepository(
  settings: LocalSettings,
  options: InitOptions = {},
): Promise<InitResult> {
  // Settings are checked before anything is created: a typo must leave nothing behind.
  newConfig(options);
  let keyFileCreated = false;
  try {
    await fs.mkdir(settings.repoPath, { recursive: true, mode: 0o700 });
    if (settings.passphrase === undefined) {
      await fs.mkdir(path.dirname(settings.keyFile), { recursive: true, mode: 0o700 });
      try {
        await fs.access(settings.keyFile);
      } catch {
        await createKeyFile(settings.keyFile);
        keyFileCreated = true;
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new StoragePermissionError(settings.repoPath, error);
    throw error;
  }
  const repository = await Repository.init(
    new LocalObjectStore(settings.repoPath),
    provider(settings),
    options,
  );
  return { repository, keyFileCreated };
}

/** Opens the repository, creating it (and the key file) on first use. */
export async function openOrInitLocalRepository(
  settings: LocalSettings,
): Promise<{ repository: Repository; created?: InitResult }> {
  if (await Repository.exists(new LocalObjectStore(settings.repoPath)).catch(() => false)) {
    return { repository: await openLocalRepository(settings) };
  }
  const created = await initLocalRepository(settings);
  return { repository: created.repository, created };
}
