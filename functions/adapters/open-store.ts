import type { ObjectStore } from '../core/ports/object-store';
import type { OpenedStore } from '../core/services/context';
import { LocalObjectStore } from './local/object-store';
import { locationUrl, parseRepositoryUrl, type RepositoryLocation } from './repository-url';
import type { RequestCounter } from './shared/request-counter';

/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  s3Store: (): typeof import('./aws/s3/object-store') => require('./aws/s3/object-store'),
  s3Client: (): typeof import('./aws/s3/client') => require('./aws/s3/client'),
  azureStore: (): typeof import('./azure/blob/object-store') => require('./azure/blob/object-store'),
  azureClient: (): typeof import('./azure/blob/client') => require('./azure/blob/client'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The object store for a repository location. Cloud SDKs are loaded only when a location
 * needs them, so that a local run does not pay for them at start.
 */
export async function openObjectStore(
  location: RepositoryLocation,
  env: NodeJS.ProcessEnv = process.env,
  requests?: RequestCounter,
): Promise<ObjectStore> {
  switch (location.backend) {
    case 'local':
      return new LocalObjectStore(location.path);
    case 's3': {
      const { S3ObjectStore } = load.s3Store();
      const { s3ClientFromEnv } = load.s3Client();
      return new S3ObjectStore(s3ClientFromEnv(env), {
        bucket: location.bucket,
        prefix: location.prefix,
        storageClass: location.storageClass,
        sseKmsKeyId: location.sseKmsKeyId,
        objectLock: location.objectLock,
        requests,
      });
    }
    case 'azure': {
      const { AzureBlobObjectStore } = load.azureStore();
      const { azureContainerClient } = load.azureClient();
      const { container, account } = await azureContainerClient(location, env);
      return new AzureBlobObjectStore(container, {
        container: location.container,
        prefix: location.prefix,
        accountName: account,
        accessTier: location.accessTier,
        immutability: location.immutability,
        legalHold: location.legalHold,
        requests,
      });
    }
  }
}

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
