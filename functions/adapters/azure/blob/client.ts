import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { InputError } from '../../../core/errors';
import type { AzureLocation } from '../../repository-url';

const RETRY = { maxTries: 6, retryDelayInMs: 500, maxRetryDelayInMs: 30_000 };

/**
 * A container client from the standard Azure variables: AZURE_STORAGE_CONNECTION_STRING when
 * set, else the account from the URL with AZURE_STORAGE_KEY (shared key), else a token
 * credential (DefaultAzureCredential: environment, workload or managed identity, Azure CLI).
 */
export async function azureContainerClient(
  location: AzureLocation,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ container: ContainerClient; account: string }> {
  const connection = env.AZURE_STORAGE_CONNECTION_STRING;
  let service: BlobServiceClient;
  if (connection) {
    service = BlobServiceClient.fromConnectionString(connection, { retryOptions: RETRY });
  } else {
    const account = location.account;
    if (!account)
      throw new InputError(
        'The Azure repository URL names no storage account.',
        'Write azure://ACCOUNT/CONTAINER[/PREFIX], or set AZURE_STORAGE_CONNECTION_STRING.',
      );
    const url = `https://${account}.blob.core.windows.net`;
    if (env.AZURE_STORAGE_KEY) {
      service = new BlobServiceClient(url, new StorageSharedKeyCredential(account, env.AZURE_STORAGE_KEY), {
        retryOptions: RETRY,
      });
    } else {
      // Loaded only here: the identity library is large and most runs never need it.
      const { DefaultAzureCredential } = await import('@azure/identity');
      service = new BlobServiceClient(url, new DefaultAzureCredential(), { retryOptions: RETRY });
    }
  }
  return { container: service.getContainerClient(location.container), account: service.accountName };
}
