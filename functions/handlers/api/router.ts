import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IdempotentAnswer } from '../../core/ports/catalog';
import { ConflictError, InputError, LifeboatError, RecordNotFoundError } from '../../core/errors';
import { HttpError, json, MAX_BODY_BYTES, problem, type ApiRequest, type ApiResponse } from './http';
import { openApiDocument } from './openapi';
import { ROUTES, type ApiContext, type Route } from './routes';

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

const COMPILED: Compiled[] = ROUTES.map((route) => {
  const names: string[] = [];
  const pattern = new RegExp(
    '^' +
      route.path.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      }) +
      '/?$',
  );
  return { route, pattern, names };
});

const NO_QUERY = z.object({}).strict();
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

function issues(error: z.ZodError, where: string): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

function parse<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.output<T> | undefined {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw Object.assign(new HttpError(422, `The request's ${where} is not valid.`), {
      errors: issues(parsed.error, where),
    });
  return parsed.data;
}

function body(request: ApiRequest, route: Route): unknown {
  const raw = request.body ?? '';
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    throw new HttpError(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (raw.trim() === '') return undefined;
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    throw new HttpError(415, 'Send the body as JSON.', 'Set the header Content-Type: application/json.');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new HttpError(400, `The body is not valid JSON: ${(error as Error).message}.`);
  }
  if (!route.body && !(value !== null && typeof value === 'object' && Object.keys(value).length === 0))
    throw Object.assign(new HttpError(422, 'This request takes no body.'), { errors: [] });
  return value;
}

/** The error a route threw, as the status and problem a client gets. */
function failure(error: unknown): ApiResponse {
  if (error instanceof HttpError)
    return problem(error.status, error.message, {
      ...(error.hint ? { hint: error.hint } : {}),
      ...((error as { errors?: { path: string; message: string }[] }).errors
        ? { errors: (error as unknown as { errors: { path: string; message: string }[] }).errors }
        : {}),
    });
  if (error instanceof z.ZodError)
    return problem(422, 'The request is not valid.', { errors: issues(error, 'body') });
  if (error instanceof LifeboatError) {
    const status =
      error instanceof RecordNotFoundError
        ? 404
        : error instanceof ConflictError
          ? 409
          : error instanceof InputError
            ? 422
            : 500;
    return problem(status, error.message, { hint: error.hint, code: error.code });
  }
  // Not one of Lifeboat's errors: its message may say more than a client should read.
  return problem(500, 'The request failed inside Lifeboat.', { hint: 'The server log has the details.' });
}

/**
 * A POST that starts work, with an Idempotency-Key: the first request's answer is kept, a repeat
 * of the same request gets it again (marked `Idempotent-Replayed`), and another request under
 * the key is refused (422) with nothing started. The execution name made from the key stays the
 * second guard, for two requests racing with the same key.
 */
async function idempotent(
  context: ApiContext,
  route: Route,
  request: ApiRequest,
  key: string,
  input: { params: unknown; query: unknown; body: unknown },
): Promise<ApiResponse> {
  const digest = createHash('sha256')
    .update(JSON.stringify([request.method, route.path, input.params, input.query, input.body ?? null]))
    .digest('hex');
  const replay = (answer: IdempotentAnswer) => {
    if (answer.request_digest !== digest)
      throw new HttpError(
        422,
        'This Idempotency-Key was already used for another request; nothing was started.',
        'Use a new key for a new request, and the same key only to repeat the same request.',
      );
    return answer;
  };
  const prior = await context.ctx.catalog.recallIdempotent(key);
  if (prior) {
    const { status, body } = replay(prior);
    return json(status, body, { 'idempotent-replayed': 'true' });
  }
  const result = (await route.run(context, input as Parameters<Route['run']>[1])) as Record<string, unknown>;
  const kept = replay(
    await context.ctx.catalog.rememberIdempotent(key, {
      request_digest: digest,
      status: route.status,
      body: result,
      created_at: context.ctx.now().toISOString(),
    }),
  );
  return json(kept.status, kept.body);
}

/**
 * The API: one router for API Gateway and `lifeboat serve`. Paths, queries and bodies are parsed
 * with the routes' zod schemas; every error is RFC 9457 problem+json; `/openapi.json` is built
 * from the same schemas.
 */
export async function dispatch(
  request: ApiRequest,
  api: (request: ApiRequest) => ApiContext,
): Promise<ApiResponse> {
  try {
    if (request.method === 'GET' && request.path === '/openapi.json') return json(200, openApiDocument());
    const matches = COMPILED.map((c) => ({ c, m: c.pattern.exec(request.path) })).filter((x) => x.m);
    if (matches.length === 0)
      return problem(404, `No resource ${request.path}.`, { hint: 'GET /openapi.json lists them.' });
    const found = matches.find((x) => x.c.route.method === request.method);
    if (!found) {
      const allowed = matches.map((x) => x.c.route.method).join(', ');
      return {
        ...problem(405, `${request.method} is not allowed on ${request.path}.`),
        headers: { 'content-type': 'application/problem+json', allow: allowed },
      };
    }
    const { route, names } = found.c;
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found.m![i + 1]!)]));
    } catch {
      throw new HttpError(400, 'The path is not valid percent-encoding.');
    }
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (!route.startsWork || !IDEMPOTENCY_KEY.test(key)))
      throw new HttpError(
        422,
        route.startsWork
          ? 'The Idempotency-Key must be 1 to 128 visible ASCII characters.'
          : 'This request takes no Idempotency-Key.',
      );
    const input = {
      params: parse(route.params, params, 'path') ?? {},
      query: parse(route.query ?? NO_QUERY, request.query, 'query'),
      body: route.body ? parse(route.body, body(request, route), 'body') : body(request, route),
      ...(key ? { idempotencyKey: key } : {}),
    };
    const context = api(request);
    if (route.startsWork && key) return await idempotent(context, route, request, key, input);
    const result = await route.run(context, input as Parameters<Route['run']>[1]);
    if (route.status === 204) return { status: 204, headers: {}, body: '' };
    return json(route.status, result);
  } catch (error) {
    return failure(error);
  }
}
