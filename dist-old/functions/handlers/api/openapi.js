"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.openApiDocument = openApiDocument;
const zod_1 = require("zod");
const version_1 = require("../../../bin/cli/version");
const routes_1 = require("./routes");
const PROBLEM = {
    description: 'An RFC 9457 problem: detail says what went wrong, hint what to do',
    content: {
        'application/problem+json': {
            schema: {
                type: 'object',
                required: ['type', 'title', 'status', 'detail'],
                properties: {
                    type: { type: 'string' },
                    title: { type: 'string' },
                    status: { type: 'integer' },
                    detail: { type: 'string' },
                    hint: { type: 'string' },
                    code: { type: 'string' },
                    errors: {
                        type: 'array',
                        items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
                    },
                },
            },
        },
    },
};
function schemaOf(schema) {
    return zod_1.z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}
function parametersOf(schema, where) {
    if (!schema)
        return [];
    const json = schemaOf(schema);
    return Object.entries(json.properties ?? {}).map(([name, property]) => ({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
    }));
}
let cached;
/** OpenAPI 3.1, from the routes' own schemas: what the router checks is what this documents. */
function openApiDocument() {
    if (cached)
        return cached;
    const paths = {};
    for (const route of routes_1.ROUTES) {
        const operation = {
            summary: route.summary,
            operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[/-](\w)/g, (_, c) => c.toUpperCase())}`,
            parameters: [
                ...parametersOf(route.params, 'path'),
                ...parametersOf(route.query, 'query'),
                ...(route.startsWork
                    ? [
                        {
                            name: 'Idempotency-Key',
                            in: 'header',
                            required: false,
                            description: 'The same key starts the work once: a repeat of the request gets the first answer again (with Idempotent-Replayed: true); the key with another request is 422',
                            schema: { type: 'string', minLength: 1, maxLength: 128 },
                        },
                    ]
                    : []),
            ],
            ...(route.body
                ? {
                    requestBody: {
                        required: true,
                        content: { 'application/json': { schema: schemaOf(route.body) } },
                    },
                }
                : {}),
            responses: {
                [String(route.status)]: {
                    description: route.status === 202 ? 'The workflow started (or had started, for a repeated key)' : 'Done',
                    ...(route.startsWork
                        ? {
                            headers: {
                                'Idempotent-Replayed': {
                                    description: 'true when this is the kept answer to an earlier request with the key',
                                    schema: { type: 'string', enum: ['true'] },
                                },
                            },
                        }
                        : {}),
                    ...(route.status === 204 ? {} : { content: { 'application/json': { schema: {} } } }),
                },
                '4XX': PROBLEM,
                '5XX': PROBLEM,
            },
        };
        (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
    }
    cached = {
        openapi: '3.1.0',
        info: {
            title: 'Lifeboat API',
            version: (0, version_1.lifeboatVersion)(),
            description: 'Backups, schedules, restores and verifications. Locally, mutating calls need `Authorization: Bearer TOKEN` (the token in LIFEBOAT_HOME/api-token); in AWS every call is SigV4-signed (IAM).',
        },
        paths,
    };
    return cached;
}
//# sourceMappingURL=openapi.js.map