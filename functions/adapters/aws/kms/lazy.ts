import type { KeyProvider } from '../../../core/ports/key-provider';

/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  sdk: (): typeof import('@aws-sdk/client-kms') => require('@aws-sdk/client-kms'),
  provider: (): typeof import('./key-provider') => require('./key-provider'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * A KMS key provider that loads the AWS SDK only when a KMS slot is actually created or opened,
 * so that repositories without one (and every command on them) do not pay for it at start.
 */
export function lazyKmsKeyProvider(keyId?: string): KeyProvider {
  let real: KeyProvider | undefined;
  const get = (): KeyProvider => {
    if (!real) {
      const { KMSClient } = load.sdk();
      const clients = new Map<string, InstanceType<typeof KMSClient>>();
      real = new (load.provider().KmsKeyProvider)((region) => {
        const name = region ?? '';
        let client = clients.get(name);
        if (!client) clients.set(name, (client = new KMSClient(region ? { region } : {})));
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
