import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { createKeyFile, KeyFileProvider } from '../adapters/local/key-file';
import { openObjectStore, openStoreAt } from '../adapters/open-store';
import { PassphraseProvider } from '../adapters/local/passphrase';
import { lazyKmsKeyProvider } from '../adapters/aws/kms/lazy';
import { locationUrl, parseRepositoryUrl, type RepositoryLocation } from '../adapters/repository-url';
import { RequestCounter } from '../adapters/shared/request-counter';
import { RepositoryNotFoundError, StoragePermissionError } from '../core/errors';
import type { KeyProvider } from '../core/ports/key-provider';
import type { ObjectStore } from '../core/ports/object-store';
import type { ServiceContext } from '../core/services/context';
import { newConfig, Repository, type InitOptions } from '../repository/repository';

/**
 * The embedded defaults: LIFEBOAT_HOME (default ~/.lifeboat) holds a local repository and the key
 * file that opens it. --repo / LIFEBOAT_REPO (a directory, s3://... or azure://...) and
 * LIFEBOAT_KEY_FILE / LIFEBOAT_PASSPHRASE choose others.
 */
export interface LocalSettings {
  home: string;
  repo: RepositoryLocation;
  /** The repository's location as shown to people and kept in the catalog (no options, no secrets). */
  repoUrl: string;
  keyFile: string;
  passphrase?: string;
  /** A KMS key (ARN, id or alias) that protects a repository created by this run. */
  kmsKeyId?: string;
  env: NodeJS.ProcessEnv;
  /** Counts the storage requests of this process (cloud stores), for `--json` and `lifeboat cost`. */
  requests: RequestCounter;
}

export function resolveSettings(
  options: { repo?: string; keyFile?: string; kms?: string },
  env: NodeJS.ProcessEnv = process.env,
): LocalSettings {
  const home = path.resolve(env.LIFEBOAT_HOME || path.join(homedir(), '.lifeboat'));
  const repo = parseRepositoryUrl(
    options.repo ?? (env.LIFEBOAT_REPO || env.LIFEBOAT_REPOSITORY || path.join(home, 'repository')),
    env,
  );
  return {
    home,
    repo,
    repoUrl: locationUrl(repo),
    keyFile: path.resolve(options.keyFile ?? env.LIFEBOAT_KEY_FILE ?? path.join(home, 'key')),
    passphrase: env.LIFEBOAT_PASSPHRASE || undefined,
    kmsKeyId: options.kms ?? (env.LIFEBOAT_KMS_KEY_ID || undefined),
    env,
    requests: new RequestCounter(),
  };
}

/**
 * The storage part of a ServiceContext, for both composition roots: where the repository is
 * (recorded on each backup), the requests a cloud store made, and other stores by URL (replicas).
 */
export function storageContext(settings: LocalSettings): Pick<ServiceContext, 'storage' | 'openStore'> {
  return {
    storage: {
      backend: settings.repo.backend,
      location: settings.repoUrl,
      ...(settings.repo.backend === 'local' ? {} : { requests: () => settings.requests.snapshot() }),
    },
    openStore: (url) => openStoreAt(url, settings.env),
  };
}

/** The settings' object store (a cloud SDK is loaded on first use). */
export function storeOf(settings: LocalSettings): Promise<ObjectStore> {
  return openObjectStore(settings.repo, settings.env, settings.requests);
}

/** The secret a new repository is created with: a KMS key, a passphrase, or the key file. */
function creatingProvider(settings: LocalSettings): KeyProvider {
  if (settings.kmsKeyId) return lazyKmsKeyProvider(settings.kmsKeyId);
  return settings.passphrase !== undefined
    ? new PassphraseProvider(settings.passphrase)
    : new KeyFileProvider(settings.keyFile);
}

/**
 * The secrets this process holds, in the order they are tried: the passphrase when set, the key
 * file when it exists, then KMS (called only when the repository has a KMS slot). The key file
 * stays in the list when nothing else is, so that its absence is what the error reports.
 */
export function openingProviders(settings: LocalSettings): KeyProvider[] {
  const out: KeyProvider[] = [];
  if (settings.passphrase !== undefined) out.push(new PassphraseProvider(settings.passphrase));
  if (settings.passphrase === undefined || existsSync(settings.keyFile))
    out.push(new KeyFileProvider(settings.keyFile));
  out.push(lazyKmsKeyProvider());
  return out;
}

export async function openRepository(settings: LocalSettings, store?: ObjectStore): Promise<Repository> {
  if (settings.repo.backend === 'local') {
    try {
      await fs.access(settings.repo.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES')
        throw new StoragePermissionError(settings.repoUrl, error);
      throw new RepositoryNotFoundError(settings.repoUrl);
    }
  }
  return Repository.open(store ?? (await storeOf(settings)), openingProviders(settings));
}

export interface InitResult {
  repository: Repository;
  keyFileCreated: boolean;
}

export async function initRepository(
  settings: LocalSettings,
  options: InitOptions = {},
): Promise<InitResult> {
  // Settings are checked before anything is created: a typo must leave nothing behind.
  newConfig(options);
  let keyFileCreated = false;
  try {
    if (settings.repo.backend === 'local')
      await fs.mkdir(settings.repo.path, { recursive: true, mode: 0o700 });
    if (settings.passphrase === undefined && !settings.kmsKeyId) {
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
      throw new StoragePermissionError(settings.repoUrl, error);
    throw error;
  }
  const repository = await Repository.init(await storeOf(settings), creatingProvider(settings), options);
  return { repository, keyFileCreated };
}

/** Opens the repository, creating it (and the key file) on first use. */
export async function openOrInitRepository(
  settings: LocalSettings,
): Promise<{ repository: Repository; created?: InitResult }> {
  const store = await storeOf(settings);
  // A local directory that cannot be read is reported by open; a cloud error is reported here.
  const exists =
    settings.repo.backend === 'local'
      ? await Repository.exists(store).catch(() => false)
      : await Repository.exists(store);
  if (exists) return { repository: await openRepository(settings, store) };
  const created = await initRepository(settings);
  return { repository: created.repository, created };
}
