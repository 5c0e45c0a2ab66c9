import type { Credentials } from './auth';
import type { UiConfig } from './config';
import { signableQuery } from '../../functions/adapters/aws/api-client/sigv4';
import { signedHeaders } from './sigv4';

/** An RFC 9457 problem, as the API answers every error. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  hint?: string;
  errors?: { path: string; message: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export interface Page<T> {
  items: T[];
  next?: string;
}

export interface Session {
  config: UiConfig;
  /** The local API token, or AWS credentials from Cognito; none: read-only locally. */
  credentials: Credentials | null;
}

let session: Session | null = null;

export function useSession(value: Session): void {
  session = value;
}

export function currentSession(): Session {
  if (!session) throw new Error('The UI has not started.');
  return session;
}

function apiUrl(config: UiConfig, path: string): URL {
  const base = new URL(config.api, location.href);
  const url = new URL(base.href.replace(/\/?$/, '/') + path.replace(/^\//, ''));
  return url;
}

async function authorization(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Record<string, string>> {
  const { config, credentials } = currentSession();
  if (!credentials) return headers;
  if (credentials.kind === 'token') return { ...headers, authorization: `Bearer ${credentials.token}` };
  if (config.auth !== 'cognito') return headers;
  return signedHeaders({ method, url, headers, body }, config.region, credentials);
}

/** One API call: the parsed JSON, or an ApiError carrying the problem the API answered. */
export async function call<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  options: {
    body?: unknown;
    query?: Record<string, string | number | undefined>;
    idempotencyKey?: string;
  } = {},
): Promise<T> {
  const { config } = currentSession();
  const url = apiUrl(config, path);
  url.search = signableQuery(options.query ?? {});
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: await authorization(method, url, headers, body),
      ...(body !== undefined ? { body } : {}),
    });
  } catch {
    throw new ApiError({
      status: 0,
      title: 'Unreachable',
      detail: `The API at ${url.origin} does not answer.`,
      hint: 'Is `lifeboat serve` (or the deployment) running?',
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const p = parsed as Partial<Problem> | undefined;
    throw new ApiError({
      status: response.status,
      title: p?.title ?? response.statusText,
      detail: p?.detail ?? (p as { message?: string } | undefined)?.message ?? `HTTP ${response.status}`,
      ...(p?.hint ? { hint: p.hint } : {}),
      ...(p?.errors ? { errors: p.errors } : {}),
    });
  }
  return parsed as T;
}

/** A fresh key for a POST that starts work: a double click starts it once. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
