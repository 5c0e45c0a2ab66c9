"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.ApiClient = exports.ApiProblemError = void 0;
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const signed_request_1 = require("../../functions/adapters/aws/api-client/signed-request");
const sigv4_1 = require("../../functions/adapters/aws/api-client/sigv4");
const errors_1 = require("../../functions/core/errors");
const home_1 = require("../../functions/local/home");
const api_choice_1 = require("./api-choice");
/** An API problem as a CLI error: its detail and hint, and the exit code of its kind. */
class ApiProblemError extends errors_1.LifeboatError {
    status;
    constructor(status, detail, hint) {
        const code = status === 404
            ? errors_1.ExitCode.notFound
            : status === 409
                ? errors_1.ExitCode.conflict
                : status < 500
                    ? errors_1.ExitCode.usage
                    : errors_1.ExitCode.failure;
        super('API', `The API answered ${status}: ${detail}`, hint, code);
        this.status = status;
    }
}
exports.ApiProblemError = ApiProblemError;
/** A problem's detail, with each field it names: "detail (body.x: why; body.y: why)". */
function problemText(problem, raw) {
    const detail = String(problem.detail ?? problem.message ?? raw);
    const errors = Array.isArray(problem.errors) ? problem.errors : [];
    return errors.length ? `${detail} (${errors.map((e) => `${e.path}: ${e.message}`).join('; ')})` : detail;
}
/**
 * Lifeboat's HTTP API as the CLI calls it: locally (`lifeboat serve`; changes carry the token of
 * LIFEBOAT_HOME/api-token) or deployed (an execute-api URL: every call SigV4-signed with the
 * standard AWS credential chain). A problem answer becomes an ApiProblemError.
 */
class ApiClient {
    base;
    home;
    signRegion;
    constructor(base, home, signRegion) {
        this.base = base;
        this.home = home;
        this.signRegion = signRegion;
    }
    /** The API of `--api`, else LIFEBOAT_API, else `lifeboat serve`'s default address. */
    static of(options) {
        const base = (options.api ?? process.env.LIFEBOAT_API ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
        try {
            new URL(base);
        }
        catch {
            throw new errors_1.InputError(`"${base}" is not a URL.`, 'Give --api https://ID.execute-api.REGION.amazonaws.com/v1 or http://127.0.0.1:8080.');
        }
        return new ApiClient(base, (0, home_1.resolveSettings)(options).home, options.signRegion);
    }
    /** `--api URL` or LIFEBOAT_API given: the command goes to that API instead of the local catalog. */
    static chosen(options) {
        return (0, api_choice_1.apiChosen)(options);
    }
    async call(method, route, options = {}) {
        const url = new URL(this.base + (route.startsWith('/') ? route : `/${route}`));
        const upper = method.toUpperCase();
        if (!['GET', 'POST', 'PATCH', 'DELETE'].includes(upper))
            throw new errors_1.InputError(`"${method}" is not a method the API takes.`, 'Use GET, POST, PATCH or DELETE.');
        const { body } = options;
        let headers = {
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
        };
        const region = this.signRegion ?? (0, signed_request_1.apiGatewayRegion)(url);
        if (region)
            headers = await (0, signed_request_1.signRequest)({ method: upper, url, headers, ...(body !== undefined ? { body } : {}) }, region);
        else if (upper !== 'GET')
            headers.authorization = `Bearer ${this.token()}`;
        let response;
        try {
            response = await fetch(url, { method: upper, headers, ...(body !== undefined ? { body } : {}) });
        }
        catch (error) {
            throw new errors_1.LifeboatError('API', `Could not reach ${url.origin}: ${error.message}.`, this.base.startsWith('http://127.0.0.1')
                ? 'Is `lifeboat serve` running?'
                : 'Check the URL (the ApiUrl output of the stack).');
        }
        const text = await response.text();
        let parsed = {};
        try {
            parsed = text ? JSON.parse(text) : {};
        }
        catch {
            parsed = { detail: text.slice(0, 500) };
        }
        if (!response.ok)
            throw new ApiProblemError(response.status, problemText(parsed, text), String(parsed.hint ?? ''));
        return { status: response.status, statusText: response.statusText, body: parsed, empty: !text };
    }
    /** GET with a query: the parsed answer. */
    async get(route, query = {}) {
        const search = (0, sigv4_1.signableQuery)(query);
        return (await this.call('GET', search ? `${route}?${search}` : route)).body;
    }
    async send(method, route, body, idempotencyKey) {
        return (await this.call(method, route, {
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
            ...(idempotencyKey ? { idempotencyKey } : {}),
        })).body;
    }
    token() {
        const file = path.join(this.home, 'api-token');
        if (!(0, node_fs_1.existsSync)(file))
            throw new errors_1.InputError(`No API token at ${file}.`, 'Start `lifeboat serve` once: it makes the token there.');
        return (0, node_fs_1.readFileSync)(file, 'utf8').trim();
    }
}
exports.ApiClient = ApiClient;
//# sourceMappingURL=api-client.js.map