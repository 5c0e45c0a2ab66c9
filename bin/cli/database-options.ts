import { resolve } from 'node:path';
import { InputError } from '../../functions/core/errors';
import type { CredentialRef } from '../../functions/core/model/target';

export { parseServerUrl } from '../../functions/sources/database/url';

/** The options that say where a database password comes from (target add, restore --url). */
export interface PasswordOptions {
  passwordEnv?: string;
  passwordFile?: string;
  passwordSecret?: string;
}

/** The password reference: at most one of the three ways, none when the server trusts us. */
export function credentialRef(options: PasswordOptions): CredentialRef {
  const given = [
    options.passwordEnv !== undefined && { source: 'env' as const, variable: options.passwordEnv },
    options.passwordFile !== undefined && { source: 'file' as const, path: resolve(options.passwordFile) },
    options.passwordSecret !== undefined && { source: 'secret' as const, arn: options.passwordSecret },
  ].filter((ref) => ref !== false);
  if (given.length > 1)
    throw new InputError(
      'Give the password one way: --password-env, --password-file or --password-secret.',
      'Pick the one your deployment uses.',
    );
  return given[0] ?? { source: 'none' };
}
