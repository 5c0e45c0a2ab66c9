"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.azureContainerClient = azureContainerClient;
const storage_blob_1 = require("@azure/storage-blob");
const errors_1 = require("../../../core/errors");
const RETRY = { maxTries: 6, retryDelayInMs: 500, maxRetryDelayInMs: 30_000 };
/**
 * A container client from the standard Azure variables: AZURE_STORAGE_CONNECTION_STRING when
 * set, else the account from the URL with AZURE_STORAGE_KEY (shared key), else a token
 * credential (DefaultAzureCredential: environment, workload or managed identity, Azure CLI).
 */
async function azureContainerClient(location, env = process.env) {
    const connection = env.AZURE_STORAGE_CONNECTION_STRING;
    let service;
    if (connection) {
        service = storage_blob_1.BlobServiceClient.fromConnectionString(connection, { retryOptions: RETRY });
    }
    else {
        const account = location.account;
        if (!account)
            throw new errors_1.InputError('The Azure repository URL names no storage account.', 'Write azure://ACCOUNT/CONTAINER[/PREFIX], or set AZURE_STORAGE_CONNECTION_STRING.');
        const url = `https://${account}.blob.core.windows.net`;
        if (env.AZURE_STORAGE_KEY) {
            service = new storage_blob_1.BlobServiceClient(url, new storage_blob_1.StorageSharedKeyCredential(account, env.AZURE_STORAGE_KEY), {
                retryOptions: RETRY,
            });
        }
        else {
            // Loaded only here: the identity library is large and most runs never need it.
            const { DefaultAzureCredential } = await import('@azure/identity');
            service = new storage_blob_1.BlobServiceClient(url, new DefaultAzureCredential(), { retryOptions: RETRY });
        }
    }
    return { container: service.getContainerClient(location.container), account: service.accountName };
}
//# sourceMappingURL=client.js.map