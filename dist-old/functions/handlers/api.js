"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler = void 0;
exports.requestOf = requestOf;
exports.route = route;
exports.corsHeaders = corsHeaders;
// Lambda entry behind API Gateway: the API's router (functions/handlers/api/router.ts), the same
// one `lifeboat serve` answers with. The caller is the IAM principal API Gateway authorized.
const client_sfn_1 = require("@aws-sdk/client-sfn");
const workflow_starter_1 = require("../adapters/aws/sfn/workflow-starter");
const router_1 = require("./api/router");
const step_handler_1 = require("./step-handler");
/** An API Gateway (REST, proxy integration) event as the router's request. */
function requestOf(event) {
    const identity = event.requestContext?.identity;
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])));
    return {
        method: event.httpMethod,
        path: event.path,
        query: Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).flatMap(([k, v]) => v === undefined ? [] : [[k, v]])),
        headers,
        ...(event.body
            ? { body: event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body }
            : {}),
        actor: {
            user_id: callerOf(identity),
            ip_address: identity?.sourceIp ?? null,
            user_agent: identity?.userAgent ?? headers['user-agent'] ?? null,
        },
    };
}
/**
 * Who called, for the audit log. A person signed in to the admin UI calls with the identity
 * pool's role, whose ARN every such person shares; Cognito's user (the user pool's `sub`, which
 * `aws cognito-idp list-users --filter 'sub = "…"'` names) tells them apart.
 */
function callerOf(identity) {
    const signedIn = /:CognitoSignIn:([0-9a-f-]+)$/.exec(identity?.cognitoAuthenticationProvider ?? '')?.[1];
    if (signedIn)
        return `cognito:${signedIn}`;
    return identity?.userArn ?? identity?.caller ?? 'unknown';
}
let shared;
/** One Step Functions client per container, like the rest of the composition root. */
function sharedStarter() {
    return (shared ??= new workflow_starter_1.StepFunctionsStarter(new client_sfn_1.SFNClient({}), process.env));
}
async function route(ctx, event, starter = sharedStarter()) {
    const response = await (0, router_1.dispatch)(requestOf(event), (request) => ({
        ctx: { ...ctx, actor: request.actor },
        starter,
    }));
    return {
        statusCode: response.status,
        headers: { ...response.headers, ...corsHeaders(event.headers ?? {}, process.env.LIFEBOAT_UI_ORIGIN) },
        body: response.body,
    };
}
/** The admin UI's origin (LIFEBOAT_UI_ORIGIN) may read the answers; no other page may. */
function corsHeaders(headers, allowed) {
    const origin = Object.entries(headers).find(([k]) => k.toLowerCase() === 'origin')?.[1];
    if (!allowed || origin !== allowed)
        return {};
    return { 'access-control-allow-origin': origin, vary: 'Origin' };
}
exports.handler = (0, step_handler_1.instrumentedHandler)('Api', (event) => route((0, step_handler_1.sharedContext)(), event));
//# sourceMappingURL=api.js.map