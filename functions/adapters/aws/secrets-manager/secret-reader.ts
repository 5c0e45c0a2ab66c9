import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LifeboatError, TransientError } from '../../../core/errors';
import type { SecretReader } from '../../../core/ports/secrets';

/**
 * The SDK module, loaded on first use: it costs about 75 ms, which a CLI command without a
 * secret reference should not pay at start-up.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const sdk = (): typeof import('@aws-sdk/client-secrets-manager') =>
  require('@aws-sdk/client-secrets-manager');
/* eslint-enable @typescript-eslint/no-require-imports */

/** AWS Secrets Manager: the secret's string, read when a job needs it (never cached or logged). */
export class SecretsManagerReader implements SecretReader {
  constructor(private readonly client: SecretsManagerClient) {}

  async readSecret(arn: string): Promise<string> {
    let value: string | undefined;
    try {
      value = (await this.client.send(new (sdk().GetSecretValueCommand)({ SecretId: arn }))).SecretString;
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (name === 'ResourceNotFoundException')
        throw new LifeboatError(
          'SECRET_NOT_FOUND',
          `The secret ${arn} does not exist (or not in this region).`,
          "Check the target's --password-secret ARN and the region Lifeboat runs in.",
        );
      if (name === 'AccessDeniedException' || name === 'DecryptionFailure')
        throw new LifeboatError(
          'SECRET_DENIED',
          `Lifeboat may not read the secret ${arn} (${name}).`,
          'Grant its role secretsmanager:GetSecretValue on the secret (and kms:Decrypt on its key).',
        );
      if (name === 'ThrottlingException' || name === 'InternalServiceError')
        throw new TransientError(`Secrets Manager did not answer for ${arn} (${name}).`, { cause: error });
      throw error;
    }
    if (value === undefined)
      throw new LifeboatError(
        'SECRET_NOT_TEXT',
        `The secret ${arn} holds binary data, not a password.`,
        'Store the password as the secret string (or as the "password" field of a JSON secret).',
      );
    return value;
  }
}

/**
 * A reader that loads the AWS SDK only when a target actually names a secret, so that local
 * commands without one do not pay for it.
 */
export function lazySecretsManagerReader(): SecretReader {
  let reader: SecretsManagerReader | undefined;
  return {
    readSecret(arn) {
      reader ??= new SecretsManagerReader(new (sdk().SecretsManagerClient)({}));
      return reader.readSecret(arn);
    },
  };
}
