"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.lazyKmsKeyProvider = lazyKmsKeyProvider;
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
    sdk: () => require('@aws-sdk/client-kms'),
    provider: () => require('./key-provider'),
};
/* eslint-enable @typescript-eslint/no-require-imports */
/**
 * A KMS key provider that loads the AWS SDK only when a KMS slot is actually created or opened,
 * so that repositories without one (and every command on them) do not pay for it at start.
 */
function lazyKmsKeyProvider(keyId) {
    let real;
    const get = () => {
        if (!real) {
            const { KMSClient } = load.sdk();
            const clients = new Map();
            real = new (load.provider().KmsKeyProvider)((region) => {
                const name = region ?? '';
                let client = clients.get(name);
                if (!client)
                    clients.set(name, (client = new KMSClient(region ? { region } : {})));
                return client;
            }, keyId);
        }
        return real;
    };
    return {
        kind: 'kms',
        createSlot: (masterKey, repoId, options) => get().createSlot(masterKey, repoId, options),
        openSlot: (slot, repoId) => get().openSlot(slot, repoId),
    };
}
//# sourceMappingURL=lazy.js.map