import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { WorkflowStarter } from '../core/ports/workflows';
import type { ServiceContext } from '../core/services/context';
import { MAX_BODY_BYTES, problem, type ApiRequest, type ApiResponse } from '../handlers/api/http';
import { dispatch } from '../handlers/api/router';
import type { ExecutionRecord, LocalEngine } from './engine';
import { loadUiAssets, UI_SECURITY_HEADERS } from './ui-assets';

/**
 * The token mutating API calls need locally: created once in LIFEBOAT_HOME/api-token (mode
 * 0600, readable by its owner only), `created` true the first time so that it is printed once.
 */
export function ensureApiToken(home: string): { token: string; file: string; created: boolean } {
  const file = path.join(home, 'api-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), file, created: false };
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, file, created: true };
}

/** Workflows started by API calls run on the engine in the background. */
class EngineStarter implements WorkflowStarter {
  readonly running = new Set<Promise<ExecutionRecord>>();

  constructor(private readonly engine: LocalEngine) {}

  async start(
    ...[workflow, input, name]: Parameters<WorkflowStarter['start']>
  ): Promise<'started' | 'already_started'> {
    const { started, done } = await this.engine.start(workflow, input, name);
    if (started) {
      this.running.add(done);
      void done.finally(() => this.running.delete(done)).catch(() => undefined);
    }
    return started ? 'started' : 'already_started';
  }
}

export interface ApiServerOptions {
  /** @default 127.0.0.1: nothing listens on other interfaces unless asked */
  host?: string;
  /** @default 8080; 0 picks a free port */
  port?: number;
  token: string;
}

export interface ApiServer {
  url: string;
  /** Stops listening; resolves when the workflows API calls started have finished. */
  close(): Promise<void>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Reads a body up to the limit; past it, stops reading and says so. */
function readBody(request: http.IncomingMessage): Promise<string | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
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
export async function startApiServer(
  ctx: ServiceContext,
  engine: LocalEngine,
  options: ApiServerOptions,
): Promise<ApiServer> {
  const starter = new EngineStarter(engine);
  const host = options.host ?? '127.0.0.1';
  let allowedHosts = new Set<string>();
  const respond = (response: http.ServerResponse, answer: ApiResponse) => {
    response.writeHead(answer.status, { ...answer.headers, 'cache-control': 'no-store' });
    response.end(answer.body);
  };
  const ui = loadUiAssets();
  const serveUi = (response: http.ServerResponse, name: string) => {
    const asset = ui.get(name === '' ? 'index.html' : name);
    if (!asset)
      return respond(
        response,
        ui.size > 1
          ? problem(404, `The UI has no file ${name}.`)
          : problem(404, 'The admin UI is not built.', {
              hint: 'Run `npm run build` in the Lifeboat checkout.',
            }),
      );
    response.writeHead(200, {
      'content-type': asset.type,
      'cache-control': 'no-cache',
      ...UI_SECURITY_HEADERS,
    });
    response.end(asset.body);
  };
  const server = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      if (allowedHosts.size > 0 && !allowedHosts.has((request.headers.host ?? '').toLowerCase()))
        return respond(
          response,
          problem(
            400,
            `This API answers to ${[...allowedHosts][0]}, not to "${request.headers.host ?? ''}".`,
          ),
        );
      if (!SAFE_METHODS.has(method) && !authorized(request.headers.authorization, options.token))
        return respond(
          response,
          problem(401, 'Changes need the API token.', {
            hint: 'Send Authorization: Bearer TOKEN, with the token from LIFEBOAT_HOME/api-token.',
          }),
        );
      if (method === 'GET' && (url.pathname === '/' || url.pathname === '/ui'))
        return respond(response, { status: 302, headers: { location: '/ui/' }, body: '' });
      if (method === 'GET' && url.pathname.startsWith('/ui/'))
        return serveUi(response, url.pathname.slice(4));
      const body = await readBody(request);
      if (body === 'too large')
        return respond(response, problem(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`));
      const headers = Object.fromEntries(
        Object.entries(request.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
      );
      const apiRequest: ApiRequest = {
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
      respond(response, await dispatch(apiRequest, (r) => ({ ctx: { ...ctx, actor: r.actor }, starter })));
    })().catch(() => respond(response, problem(500, 'The request failed inside Lifeboat.')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  // Bound to loopback, only loopback names reach it; listening elsewhere was asked for on purpose.
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost')
    allowedHosts = new Set([`${shown}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]);
  return {
    url: `http://${shown}:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.allSettled([...starter.running]);
    },
  };
}
