"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.dispatch = dispatch;
const node_crypto_1 = require("node:crypto");
const zod_1 = require("zod");
const errors_1 = require("../../core/errors");
const http_1 = require("./http");
const openapi_1 = require("./openapi");
const routes_1 = require("./routes");
const COMPILED = routes_1.ROUTES.map((route) => {
    const names = [];
    const pattern = new RegExp('^' +
        route.path.replace(/\{([a-z_]+)\}/g, (_, name) => {
            names.push(name);
            return '([^/]+)';
        }) +
        '/?$');
    return { route, pattern, names };
});
const NO_QUERY = zod_1.z.object({}).strict();
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
function issues(error, where) {
    return error.issues.map((issue) => ({
        path: [where, ...issue.path.map(String)].join('.'),
        message: issue.message,
    }));
}
function parse(schema, value, where) {
    if (!schema)
        return undefined;
    const parsed = schema.safeParse(value);
    if (!parsed.success)
        throw Object.assign(new http_1.HttpError(422, `The request's ${where} is not valid.`), {
            errors: issues(parsed.error, where),
        });
    return parsed.data;
}
function body(request, route) {
    const raw = request.body ?? '';
    if (Buffer.byteLength(raw) > http_1.MAX_BODY_BYTES)
        throw new http_1.HttpError(413, `The body is larger than ${http_1.MAX_BODY_BYTES} bytes.`);
    if (raw.trim() === '')
        return undefined;
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json')
        throw new http_1.HttpError(415, 'Send the body as JSON.', 'Set the header Content-Type: application/json.');
    let value;
    try {
        value = JSON.parse(raw);
    }
    catch (error) {
        throw new http_1.HttpError(400, `The body is not valid JSON: ${error.message}.`);
    }
    if (!route.body && !(value !== null && typeof value === 'object' && Object.keys(value).length === 0))
        throw Object.assign(new http_1.HttpError(422, 'This request takes no body.'), { errors: [] });
    return value;
}
/** The error a route threw, as the status and problem a client gets. */
function failure(error) {
    if (error instanceof http_1.HttpError)
        return (0, http_1.problem)(error.status, error.message, {
            ...(error.hint ? { hint: error.hint } : {}),
            ...(error.errors
                ? { errors: error.errors }
                : {}),
        });
    if (error instanceof zod_1.z.ZodError)
        return (0, http_1.problem)(422, 'The request is not valid.', { errors: issues(error, 'body') });
    if (error instanceof errors_1.LifeboatError) {
        const status = error instanceof errors_1.RecordNotFoundError
            ? 404
            : error instanceof errors_1.ConflictError
                ? 409
                : error instanceof errors_1.InputError
                    ? 422
                    : 500;
        return (0, http_1.problem)(status, error.message, { hint: error.hint, code: error.code });
    }
    // Not one of Lifeboat's errors: its message may say more than a client should read.
    return (0, http_1.problem)(500, 'The request failed inside Lifeboat.', { hint: 'The server log has the details.' });
}
/**
 * A POST that starts work, with an Idempotency-Key: the first request's answer is kept, a repeat
 * of the same request gets it again (marked `Idempotent-Replayed`), and another request under
 * the key is refused (422) with nothing started. The execution name made from the key stays the
 * second guard, for two requests racing with the same key.
 */
async function idempotent(context, route, request, key, input) {
    const digest = (0, node_crypto_1.createHash)('sha256')
        .update(JSON.stringify([request.method, route.path, input.params, input.query, input.body ?? null]))
        .digest('hex');
    const replay = (answer) => {
        if (answer.request_digest !== digest)
            throw new http_1.HttpError(422, 'This Idempotency-Key was already used for another request; nothing was started.', 'Use a new key for a new request, and the same key only to repeat the same request.');
        return answer;
    };
    const prior = await context.ctx.catalog.recallIdempotent(key);
    if (prior) {
        const { status, body } = replay(prior);
        return (0, http_1.json)(status, body, { 'idempotent-replayed': 'true' });
    }
    const result = (await route.run(context, input));
    const kept = replay(await context.ctx.catalog.rememberIdempotent(key, {
        request_digest: digest,
        status: route.status,
        body: result,
        created_at: context.ctx.now().toISOString(),
    }));
    return (0, http_1.json)(kept.status, kept.body);
}
/**
 * The API: one router for API Gateway and `lifeboat serve`. Paths, queries and bodies are parsed
 * with the routes' zod schemas; every error is RFC 9457 problem+json; `/openapi.json` is built
 * from the same schemas.
 */
async function dispatch(request, api) {
    try {
        if (request.method === 'GET' && request.path === '/openapi.json')
            return (0, http_1.json)(200, (0, openapi_1.openApiDocument)());
        const matches = COMPILED.map((c) => ({ c, m: c.pattern.exec(request.path) })).filter((x) => x.m);
        if (matches.length === 0)
            return (0, http_1.problem)(404, `No resource ${request.path}.`, { hint: 'GET /openapi.json lists them.' });
        const found = matches.find((x) => x.c.route.method === request.method);
        if (!found) {
            const allowed = matches.map((x) => x.c.route.method).join(', ');
            return {
                ...(0, http_1.problem)(405, `${request.method} is not allowed on ${request.path}.`),
                headers: { 'content-type': 'application/problem+json', allow: allowed },
            };
        }
        const { route, names } = found.c;
        let params;
        try {
            params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found.m[i + 1])]));
        }
        catch {
            throw new http_1.HttpError(400, 'The path is not valid percent-encoding.');
        }
        const key = request.headers['idempotency-key'];
        if (key !== undefined && (!route.startsWork || !IDEMPOTENCY_KEY.test(key)))
            throw new http_1.HttpError(422, route.startsWork
                ? 'The Idempotency-Key must be 1 to 128 visible ASCII characters.'
                : 'This request takes no Idempotency-Key.');
        const input = {
            params: parse(route.params, params, 'path') ?? {},
            query: parse(route.query ?? NO_QUERY, request.query, 'query'),
            body: route.body ? parse(route.body, body(request, route), 'body') : body(request, route),
            ...(key ? { idempotencyKey: key } : {}),
        };
        const context = api(request);
        if (route.startsWork && key)
            return await idempotent(context, route, request, key, input);
        const result = await route.run(context, input);
        if (route.status === 204)
            return { status: 204, headers: {}, body: '' };
        return (0, http_1.json)(route.status, result);
    }
    catch (error) {
        return failure(error);
    }
}
//# sourceMappingURL=router.js.map