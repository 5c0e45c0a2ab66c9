import { signExecuteApi } from '../../functions/adapters/aws/api-client/sigv4';
import type { AwsCredentials } from './auth';

/** The API call's headers, SigV4-signed with the Cognito identity's temporary credentials. */
export function signedHeaders(
  request: { method: string; url: URL; headers: Record<string, string>; body: string | undefined },
  region: string,
  credentials: AwsCredentials,
): Promise<Record<string, string>> {
  return signExecuteApi(
    { ...request, ...(request.body !== undefined ? { body: request.body } : {}) },
    region,
    {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
  );
}
