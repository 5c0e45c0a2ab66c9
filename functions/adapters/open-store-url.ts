import type { OpenedStore } from '../core/services/context';
import { openObjectStore } from './open-store';
import { locationUrl, parseRepositoryUrl } from './repository-url';
import type { RequestCounter } from './shared/request-counter';

/** The store a repository URL names, with the backend and location the catalog records. */
export async function openStoreAt(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  requests?: RequestCounter,
): Promise<OpenedStore> {
  const location = parseRepositoryUrl(url, env);
  return {
    store: await openObjectStore(location, env, requests),
    backend: location.backend,
    location: locationUrl(location),
  };
}
