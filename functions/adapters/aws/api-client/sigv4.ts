import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface HttpRequestParts {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/**
 * A query string for a signed request: every name and value percent-encoded, a space as %20.
 * URLSearchParams writes a space as '+', which a SigV4 verifier reads as a plus sign, not a
 * space: the signature (made over the space) would not match.
 */
export function signableQuery(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/**
 * A request's headers with a SigV4 signature for API Gateway (service execute-api): what its
 * IAM authorization checks. Pure JavaScript, so that the CLI and the admin UI in a browser sign
 * the same way.
 */
export async function signExecuteApi(
  request: HttpRequestParts,
  region: string,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: request.method,
    protocol: request.url.protocol,
    hostname: request.url.hostname,
    ...(request.url.port ? { port: Number(request.url.port) } : {}),
    path: request.url.pathname,
    query: Object.fromEntries(request.url.searchParams),
    headers: { ...request.headers, host: request.url.host },
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  return signed.headers;
}
