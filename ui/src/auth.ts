import type { UiConfig } from './config';

export interface TokenCredentials {
  kind: 'token';
  token: string;
}

export interface AwsCredentials {
  kind: 'aws';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
  /** Who signed in (the ID token's email or user name), for the header. */
  user: string;
}

export type Credentials = TokenCredentials | AwsCredentials;

const TOKEN_KEY = 'lifeboat.api-token';
const AWS_KEY = 'lifeboat.aws-credentials';
const PKCE_KEY = 'lifeboat.pkce';

/**
 * Locally: the token `lifeboat serve` prints as `…/ui/#token=…` (taken from the address, then
 * removed from it), or pasted in the sign-in box; kept in this browser's local storage.
 */
export function localToken(): TokenCredentials | null {
  const match = /^#token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match) {
    localStorage.setItem(TOKEN_KEY, match[1]!);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
  const token = localStorage.getItem(TOKEN_KEY);
  return token ? { kind: 'token', token } : null;
}

export function saveLocalToken(token: string): TokenCredentials {
  localStorage.setItem(TOKEN_KEY, token.trim());
  return { kind: 'token', token: token.trim() };
}

export function forgetCredentials(): void {
  localStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(AWS_KEY);
}

type CognitoConfig = Extract<UiConfig, { auth: 'cognito' }>;

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function redirectUri(): string {
  return `${location.origin}${location.pathname}`;
}

/** Sends the browser to Cognito's sign-in page (authorization code with PKCE). */
export async function signInWithCognito(config: CognitoConfig): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const url = new URL('/oauth2/authorize', config.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.userPoolClientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
}

/** Ends the Cognito session too, and comes back to the sign-in screen. */
export function signOutOfCognito(config: CognitoConfig): void {
  const url = new URL('/logout', config.domain);
  url.search = new URLSearchParams({
    client_id: config.userPoolClientId,
    logout_uri: redirectUri(),
  }).toString();
  location.assign(url.href);
}

async function cognitoIdentity<T>(config: CognitoConfig, action: string, body: unknown): Promise<T> {
  const response = await fetch(
    config.identityEndpoint ?? `https://cognito-identity.${config.region}.amazonaws.com/`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityService.${action}`,
      },
      body: JSON.stringify(body),
    },
  );
  const parsed = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(`Cognito ${action} failed: ${parsed.message ?? response.status}.`);
  return parsed;
}

function claims(idToken: string): Record<string, unknown> {
  const payload = idToken.split('.')[1] ?? '';
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
}

/**
 * The AWS credentials of the signed-in user: kept for this tab while valid, or made from the
 * authorization code Cognito redirected back with (code → ID token → identity pool → temporary
 * credentials of the role the deployment lets call the API). Null: not signed in.
 */
export async function cognitoCredentials(config: CognitoConfig): Promise<AwsCredentials | null> {
  const kept = sessionStorage.getItem(AWS_KEY);
  if (kept) {
    const credentials = JSON.parse(kept) as AwsCredentials;
    if (credentials.expiration > Date.now() + 60_000) return credentials;
    sessionStorage.removeItem(AWS_KEY);
  }
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const pkce = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  if (!code || !pkce) return null;
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', `${location.pathname}#/`);
  if (params.get('state') !== pkce.state)
    throw new Error('The sign-in answer does not match the request; sign in again.');
  const tokenResponse = await fetch(new URL('/oauth2/token', config.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.userPoolClientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pkce.verifier,
    }),
  });
  if (!tokenResponse.ok) throw new Error(`Signing in failed (HTTP ${tokenResponse.status}); sign in again.`);
  const { id_token: idToken } = (await tokenResponse.json()) as { id_token: string };
  const logins = { [`cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`]: idToken };
  const { IdentityId } = await cognitoIdentity<{ IdentityId: string }>(config, 'GetId', {
    IdentityPoolId: config.identityPoolId,
    Logins: logins,
  });
  const { Credentials } = await cognitoIdentity<{
    Credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string; Expiration: number };
  }>(config, 'GetCredentialsForIdentity', { IdentityId, Logins: logins });
  const who = claims(idToken);
  const credentials: AwsCredentials = {
    kind: 'aws',
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretKey,
    sessionToken: Credentials.SessionToken,
    // The JSON protocol gives epoch seconds.
    expiration: Credentials.Expiration * 1000,
    user: String(who.email ?? who['cognito:username'] ?? 'signed in'),
  };
  sessionStorage.setItem(AWS_KEY, JSON.stringify(credentials));
  return credentials;
}
