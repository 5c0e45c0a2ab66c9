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
exports.ensureApiToken = ensureApiToken;
exports.startApiServer = startApiServer;
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const http = __importStar(require("node:http"));
const path = __importStar(require("node:path"));
const http_1 = require("../handlers/api/http");
const router_1 = require("../handlers/api/router");
const ui_assets_1 = require("./ui-assets");
/**
 * The token mutating API calls need locally: created once in LIFEBOAT_HOME/api-token (mode
 * 0600, readable by its owner only), `created` true the first time so that it is printed once.
 */
function ensureApiToken(home) {
    const file = path.join(home, 'api-token');
    if ((0, node_fs_1.existsSync)(file))
        return { token: (0, node_fs_1.readFileSync)(file, 'utf8').trim(), file, created: false };
    (0, node_fs_1.mkdirSync)(home, { recursive: true, mode: 0o700 });
    const token = (0, node_crypto_1.randomBytes)(32).toString('base64url');
    (0, node_fs_1.writeFileSync)(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, file, created: true };
}
/** Workflows started by API calls run on the engine in the background. */
class EngineStarter {
    engine;
    running = new Set();
    constructor(engine) {
        this.engine = engine;
    }
    async start(...[workflow, input, name]) {
        const { started, done } = await this.engine.start(workflow, input, name);
        if (started) {
            this.running.add(done);
            void done.finally(() => this.running.delete(done)).catch(() => undefined);
        }
        return started ? 'started' : 'already_started';
    }
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
function authorized(header, token) {
    const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
    const expected = Buffer.from(token);
    return given.length === expected.length && (0, node_crypto_1.timingSafeEqual)(given, expected);
}
/** Reads a body up to the limit; past it, stops reading and says so. */
function readBody(request) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        request.on('data', (chunk) => {
            size += chunk.length;
            if (size > http_1.MAX_BODY_BYTES) {
                resolve('too large');
                request.pause();
                return;
            }
            chunks.push(chunk);
        });
        request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        request.on('error', reject);
    });
}
/**
 * `lifeboat serve`'s HTTP API: the router API Gateway's Lambda uses, over node:http. Reads are
 * open to whoever can reach the address (127.0.0.1 by default); every other method needs
 * `Authorization: Bearer TOKEN`. Requests naming another host than the one listened on are
 * refused, so that a web page cannot reach the API through DNS rebinding. The admin UI is served
 * under /ui/ from the same origin, so it needs no CORS.
 */
async function startApiServer(ctx, engine, options) {
    const starter = new EngineStarter(engine);
    const host = options.host ?? '127.0.0.1';
    let allowedHosts = new Set();
    const respond = (response, answer) => {
        response.writeHead(answer.status, { ...answer.headers, 'cache-control': 'no-store' });
        response.end(answer.body);
    };
    const ui = (0, ui_assets_1.loadUiAssets)();
    const serveUi = (response, name) => {
        const asset = ui.get(name === '' ? 'index.html' : name);
        if (!asset)
            return respond(response, ui.size > 1
                ? (0, http_1.problem)(404, `The UI has no file ${name}.`)
                : (0, http_1.problem)(404, 'The admin UI is not built.', {
                    hint: 'Run `npm run build` in the Lifeboat checkout.',
                }));
        response.writeHead(200, {
            'content-type': asset.type,
            'cache-control': 'no-cache',
            ...ui_assets_1.UI_SECURITY_HEADERS,
        });
        response.end(asset.body);
    };
    const server = http.createServer((request, response) => {
        void (async () => {
            const url = new URL(request.url ?? '/', 'http://localhost');
            const method = request.method ?? 'GET';
            if (allowedHosts.size > 0 && !allowedHosts.has((request.headers.host ?? '').toLowerCase()))
                return respond(response, (0, http_1.problem)(400, `This API answers to ${[...allowedHosts][0]}, not to "${request.headers.host ?? ''}".`));
            if (!SAFE_METHODS.has(method) && !authorized(request.headers.authorization, options.token))
                return respond(response, (0, http_1.problem)(401, 'Changes need the API token.', {
                    hint: 'Send Authorization: Bearer TOKEN, with the token from LIFEBOAT_HOME/api-token.',
                }));
            if (method === 'GET' && (url.pathname === '/' || url.pathname === '/ui'))
                return respond(response, { status: 302, headers: { location: '/ui/' }, body: '' });
            if (method === 'GET' && url.pathname.startsWith('/ui/'))
                return serveUi(response, url.pathname.slice(4));
            const body = await readBody(request);
            if (body === 'too large')
                return respond(response, (0, http_1.problem)(413, `The body is larger than ${http_1.MAX_BODY_BYTES} bytes.`));
            const headers = Object.fromEntries(Object.entries(request.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
            const apiRequest = {
                method,
                path: url.pathname,
                query: Object.fromEntries(url.searchParams),
                headers,
                ...(body ? { body } : {}),
                actor: {
                    user_id: ctx.actor.user_id,
                    ip_address: request.socket.remoteAddress ?? null,
                    user_agent: headers['user-agent'] ?? null,
                },
            };
            respond(response, await (0, router_1.dispatch)(apiRequest, (r) => ({ ctx: { ...ctx, actor: r.actor }, starter })));
        })().catch(() => respond(response, (0, http_1.problem)(500, 'The request failed inside Lifeboat.')));
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 8080, host, () => resolve());
    });
    const { port } = server.address();
    const shown = host.includes(':') ? `[${host}]` : host;
    // Bound to loopback, only loopback names reach it; listening elsewhere was asked for on purpose.
    if (host === '127.0.0.1' || host === '::1' || host === 'localhost')
        allowedHosts = new Set([`${shown}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]);
    return {
        url: `http://${shown}:${port}`,
        close: async () => {
            const closed = new Promise((resolve) => server.close(() => resolve()));
            server.closeAllConnections();
            await closed;
            await Promise.allSettled([...starter.running]);
        },
    };
}
//# sourceMappingURL=api-server.js.map