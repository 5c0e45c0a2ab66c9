import type * as http from 'node:http';
import * as path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { ensureApiToken, startApiServer, type ApiServer } from '../../functions/local/api-server';
import { LocalEngine } from '../../functions/local/engine';
import { resolveSettings } from '../../functions/local/home';
import { localSystem, type LocalSystem } from '../../functions/local/system';

export interface LocalApi {
  system: LocalSystem;
  server: ApiServer;
  token: string;
  env: NodeJS.ProcessEnv;
}

/**
 * `lifeboat serve`'s API on a free port, with real workflows behind it (the local engine,
 * without retry delays) and LIFEBOAT_HOME under `dir`, where the CLI finds the token.
 */
export async function startLocalApi(dir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<LocalApi> {
  const env = { ...process.env, LIFEBOAT_HOME: path.join(dir, 'home'), ...extraEnv };
  const settings = resolveSettings({}, env);
  const system = localSystem(settings, env);
  const token = ensureApiToken(settings.home).token;
  const server = await startApiServer(system.ctx, new LocalEngine(system.ctx, { retryDelays: 'none' }), {
    port: 0,
    token,
  });
  return { system, server, token, env };
}

/** The query as AWS reads it for SigV4: percent-decoded, and '+' a plus sign, not a space. */
function rawQuery(search: string): Record<string, string> {
  return Object.fromEntries(
    search
      .replace(/^\?/, '')
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const [k = '', v = ''] = pair.split('=');
        return [decodeURIComponent(k), decodeURIComponent(v)];
      }),
  );
}

/**
 * API Gateway's IAM check, as a test can make it: the request signed again over the headers its
 * signature names, with the credentials the caller should hold, must give the same signature.
 */
export async function signatureHolds(
  request: http.IncomingMessage,
  body: string,
  credentials: AwsCredentialIdentity,
  region: string,
): Promise<boolean> {
  const authorization = String(request.headers.authorization ?? '');
  const signedNames = (/SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? '').split(';');
  if (!authorization.startsWith('AWS4-HMAC-SHA256') || !signedNames.includes('host')) return false;
  const headers = Object.fromEntries(
    Object.entries(request.headers).flatMap(([k, v]) =>
      typeof v === 'string' && signedNames.includes(k) ? [[k, v]] : [],
    ),
  );
  const amzDate = headers['x-amz-date'] ?? '';
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
  const again = await new SignatureV4({ service: 'execute-api', region, credentials, sha256: Sha256 }).sign(
    {
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: rawQuery(url.search),
      headers,
      ...(body ? { body } : {}),
    },
    { signingDate },
  );
  return again.headers.authorization === authorization;
}
