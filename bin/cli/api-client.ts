import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { apiGatewayRegion, signRequest } from '../../functions/adapters/aws/api-client/signed-request';
import { signableQuery } from '../../functions/adapters/aws/api-client/sigv4';
import { ExitCode, InputError, LifeboatError } from '../../functions/core/errors';
import { resolveSettings } from '../../functions/local/home';
import type { GlobalOptions } from './output';
import { apiChosen } from './api-choice';

/** An API problem as a CLI error: its detail and hint, and the exit code of its kind. */
export class ApiProblemError extends LifeboatError {
  constructor(
    readonly status: number,
    detail: string,
    hint: string,
  ) {
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

/** A problem's detail, with each field it names: "detail (body.x: why; body.y: why)". */
function problemText(problem: Record<string, unknown>, raw: string): string {
  const detail = String(problem.detail ?? problem.message ?? raw);
  const errors = Array.isArray(problem.errors) ? (problem.errors as { path: string; message: string }[]) : [];
  return errors.length ? `${detail} (${errors.map((e) => `${e.path}: ${e.message}`).join('; ')})` : detail;
}

export interface ApiCallOptions {
  /** The raw JSON body. */
  body?: string;
  idempotencyKey?: string;
}

export interface ApiAnswer {
  status: number;
  statusText: string;
  /** The parsed JSON answer; {} for an empty one. */
  body: Record<string, unknown>;
  empty: boolean;
}

/**
 * Lifeboat's HTTP API as the CLI calls it: locally (`lifeboat serve`; changes carry the token of
 * LIFEBOAT_HOME/api-token) or deployed (an execute-api URL: every call SigV4-signed with the
 * standard AWS credential chain). A problem answer becomes an ApiProblemError.
 */
export class ApiClient {
  private constructor(
    readonly base: string,
    private readonly home: string,
    private readonly signRegion: string | undefined,
  ) {}

  /** The API of `--api`, else LIFEBOAT_API, else `lifeboat serve`'s default address. */
  static of(options: GlobalOptions & { api?: string; signRegion?: string }): ApiClient {
    const base = (options.api ?? process.env.LIFEBOAT_API ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    try {
      new URL(base);
    } catch {
      throw new InputError(
        `"${base}" is not a URL.`,
        'Give --api https://ID.execute-api.REGION.amazonaws.com/v1 or http://127.0.0.1:8080.',
      );
    }
    return new ApiClient(base, resolveSettings(options).home, options.signRegion);
  }

  /** `--api URL` or LIFEBOAT_API given: the command goes to that API instead of the local catalog. */
  static chosen(options: { api?: string }): boolean {
    return apiChosen(options);
  }

  async call(method: string, route: string, options: ApiCallOptions = {}): Promise<ApiAnswer> {
    const url = new URL(this.base + (route.startsWith('/') ? route : `/${route}`));
    const upper = method.toUpperCase();
    if (!['GET', 'POST', 'PATCH', 'DELETE'].includes(upper))
      throw new InputError(`"${method}" is not a method the API takes.`, 'Use GET, POST, PATCH or DELETE.');
    const { body } = options;
    let headers: Record<string, string> = {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
    };
    const region = this.signRegion ?? apiGatewayRegion(url);
    if (region)
      headers = await signRequest(
        { method: upper, url, headers, ...(body !== undefined ? { body } : {}) },
        region,
      );
    else if (upper !== 'GET') headers.authorization = `Bearer ${this.token()}`;
    let response: Response;
    try {
      response = await fetch(url, { method: upper, headers, ...(body !== undefined ? { body } : {}) });
    } catch (error) {
      throw new LifeboatError(
        'API',
        `Could not reach ${url.origin}: ${(error as Error).message}.`,
        this.base.startsWith('http://127.0.0.1')
          ? 'Is `lifeboat serve` running?'
          : 'Check the URL (the ApiUrl output of the stack).',
      );
    }
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { detail: text.slice(0, 500) };
    }
    if (!response.ok)
      throw new ApiProblemError(response.status, problemText(parsed, text), String(parsed.hint ?? ''));
    return { status: response.status, statusText: response.statusText, body: parsed, empty: !text };
  }

  /** GET with a query: the parsed answer. */
  async get<T>(route: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const search = signableQuery(query);
    return (await this.call('GET', search ? `${route}?${search}` : route)).body as T;
  }

  async send<T>(
    method: 'POST' | 'PATCH' | 'DELETE',
    route: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<T> {
    return (
      await this.call(method, route, {
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
      })
    ).body as T;
  }

  private token(): string {
    const file = path.join(this.home, 'api-token');
    if (!existsSync(file))
      throw new InputError(
        `No API token at ${file}.`,
        'Start `lifeboat serve` once: it makes the token there.',
      );
    return readFileSync(file, 'utf8').trim();
  }
}
