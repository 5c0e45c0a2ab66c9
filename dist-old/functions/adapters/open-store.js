"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.openObjectStore = openObjectStore;
exports.openStoreAt = openStoreAt;
const object_store_1 = require("./local/object-store");
const repository_url_1 = require("./repository-url");
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
    s3Store: () => require('./aws/s3/object-store'),
    s3Client: () => require('./aws/s3/client'),
    azureStore: () => require('./azure/blob/object-store'),
    azureClient: () => require('./azure/blob/client'),
};
/* eslint-enable @typescript-eslint/no-require-imports */
/**
 * The object store for a repository location. Cloud SDKs are loaded only when a location
 * needs them, so that a local run does not pay for them at start.
 */
async function openObjectStore(location, env = process.env, requests) {
    switch (location.backend) {
        case 'local':
            return new object_store_1.LocalObjectStore(location.path);
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
async function openStoreAt(url, env = process.env, requests) {
    const location = (0, repository_url_1.parseRepositoryUrl)(url, env);
    return {
        store: await openObjectStore(location, env, requests),
        backend: location.backend,
        location: (0, repository_url_1.locationUrl)(location),
    };
}
//# sourceMappingURL=open-store.js.map