// The Secrets Manager adapter. No local server implements Secrets Manager, so the AWS client is
// mocked (aws-sdk-client-mock): these tests check the request and how each answer is reported.
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretsManagerReader } from '../../functions/adapters/aws/secrets-manager/secret-reader';
import { TransientError } from '../../functions/core/errors';
import { resolveCredential } from '../../functions/sources/database/credentials';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-db-AbCdEf';
const sm = mockClient(SecretsManagerClient);

afterEach(() => sm.reset());

describe('SecretsManagerReader (mocked AWS client)', () => {
  it('reads the secret string by ARN; a JSON secret gives its password field', async () => {
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
      SecretString: JSON.stringify({ username: 'app', password: 's3cr3t', host: 'db' }),
    });
    const reader = new SecretsManagerReader(new SecretsManagerClient({ region: 'eu-west-1' }));
    expect(await resolveCredential({ source: 'secret', arn: ARN }, reader)).toEqual({ password: 's3cr3t' });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reports a missing secret, a denied one, a binary one and throttling clearly', async () => {
    const reader = new SecretsManagerReader(new SecretsManagerClient({ region: 'eu-west-1' }));
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'nope', $metadata: {} }));
    await expect(reader.readSecret(ARN)).rejects.toThrow(/does not exist/);
    sm.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('denied'), { name: 'AccessDeniedException' }),
    );
    await expect(reader.readSecret(ARN)).rejects.toThrow(/may not read the secret/);
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });
    await expect(reader.readSecret(ARN)).rejects.toThrow(/binary data/);
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('slow'), { name: 'ThrottlingException' }));
    await expect(reader.readSecret(ARN)).rejects.toBeInstanceOf(TransientError);
  });
});
