import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { signExecuteApi, type HttpRequestParts } from './sigv4';

export type { HttpRequestParts } from './sigv4';

/** The region of an API Gateway endpoint (`ID.execute-api.REGION.amazonaws.com`), if it is one. */
export function apiGatewayRegion(url: URL): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
}

/**
 * Signs a request to a deployed Lifeboat API with SigV4, with the credentials of the standard
 * chain (environment, profile, SSO, instance or task role).
 */
export function signRequest(request: HttpRequestParts, region: string): Promise<Record<string, string>> {
  return signExecuteApi(request, region, defaultProvider());
}
