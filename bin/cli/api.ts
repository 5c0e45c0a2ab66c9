import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { apiGatewayRegion, signRequest } from '../../functions/adapters/aws/api-client/signed-request';
import { ExitCode, InputError, LifeboatError } from '../../functions/core/errors';
import { resolveSettings } from '../../functions/local/home';
import { printJson, say, type GlobalOptions } from './output';

interface ApiOptions extends GlobalOptions {
  api?: string;
  data?: string;
  idempotencyKey?: string;
  signRegion?: string;
}

/** An API problem as a CLI error: its detail and hint, and the exit code of its kind. */
class ApiProblemError extends LifeboatError {
  constructor(status: number, detail: string, hint: string) {
    const code =
      status === 404
        ? ExitCode.notFound
        : status === 409
          ? ExitCode.conflict
          : status < 500
            ? ExitCode.usage
            : ExitCode.failure;
    super('API', `The API answered ${status}: ${detail}`, hint, code);
  }
}

/**
 * `lifeboat api METHOD PATH`: one call to Lifeboat's API, locally (`lifeboat serve`, the token from
 * LIFEBOAT_HOME for changes) or deployed (`--api https://ID.execute-api.REGION.amazonaws.com/v1`,
 * SigV4-signed with the standard AWS credential chain). Prints the JSON answer.
 */
export async function runApi(method: string, route: string, options: ApiOptions): Promise<void> {
  const base = options.api ?? process.env.LIFEBOAT_API ?? 'http://127.0.0.1:8080';
  let url: URL;
  try {
    url = new URL(base.replace(/\/+$/, '') + (route.startsWith('/') ? route : `/${route}`));
  } catch {
    throw new InputError(
      `"${base}" is not a URL.`,
      'Give --api https://ID.execute-api.REGION.amazonaws.com/v1 or http://127.0.0.1:8080.',
    );
  }
  const upper = method.toUpperCase();
  if (!['GET', 'POST', 'PATCH', 'DELETE'].includes(upper))
    throw new InputError(`"${method}" is not a method the API takes.`, 'Use GET, POST, PATCH or DELETE.');
  const body =
    options.data === undefined
      ? undefined
      : options.data.startsWith('@')
        ? readFileSync(options.data.slice(1), 'utf8')
        : options.data;
  let headers: Record<string, string> = {
    accept: 'application/json',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
  };
  const region = options.signRegion ?? apiGatewayRegion(url);
  if (region)
    headers = await signRequest(
      { method: upper, url, headers, ...(body !== undefined ? { body } : {}) },
      region,
    );
  else if (upper !== 'GET') {
    const tokenFile = path.join(resolveSettings(options).home, 'api-token');
    if (!existsSync(tokenFile))
      throw new InputError(
        `No API token at ${tokenFile}.`,
        'Start `lifeboat serve` once: it makes the token there.',
      );
    headers.authorization = `Bearer ${readFileSync(tokenFile, 'utf8').trim()}`;
  }
  let response: Response;
  try {
    response = await fetch(url, { method: upper, headers, ...(body !== undefined ? { body } : {}) });
  } catch (error) {
    throw new LifeboatError(
      'API',
      `Could not reach ${url.origin}: ${(error as Error).message}.`,
      base.startsWith('http://127.0.0.1')
        ? 'Is `lifeboat serve` running?'
        : 'Check the URL (the ApiUrl output of the stack).',
    );
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok)
    throw new ApiProblemError(
      response.status,
      String(parsed.detail ?? parsed.message ?? text),
      String(parsed.hint ?? ''),
    );
  if (options.json || text) printJson(parsed);
  else say(`${response.status} ${response.statusText}`);
}
