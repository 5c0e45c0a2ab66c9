/**
 * The admin UI's AWS sign-in in a real browser. No local server can be Cognito or API Gateway,
 * so this test stands in for them, labelled so: a stand-in of Cognito's authorization and token
 * endpoints (checking PKCE), of the identity pool's JSON API (handing out credentials), and of
 * API Gateway's IAM authorization (recomputing each call's SigV4 signature with those
 * credentials and refusing a mismatch, then handing the call to the real API router with a real
 * catalog). What is proven: the code flow with PKCE, the exchange for AWS credentials, and
 * signatures that API Gateway's algorithm accepts, from the bundled UI.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { signatureHolds } from '../helpers/api';
import { getScheduleByName } from '../../functions/core/services/schedules/schedules';
import { addTarget } from '../../functions/core/services/targets';
import { corsHeaders } from '../../functions/handlers/api';
import { dispatch } from '../../functions/handlers/api/router';
import { BROWSER_HEADERS, BROWSER_METHODS } from '../../lib/api';
import { loadUiAssets } from '../../functions/local/ui-assets';
import { resolveSettings } from '../../functions/local/home';
import { localSystem, type LocalSystem } from '../../functions/local/system';

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REGION = 'eu-west-1';
const CREDENTIALS = {
  accessKeyId: 'ASIASTANDIN0000000001',
  secretAccessKey: randomBytes(30).toString('base64'),
  sessionToken: randomBytes(60).toString('base64'),
};
const IDENTITY = 'eu-west-1:6f1c3a5e-0000-4000-8000-000000000001';

let dir: string;
let system: LocalSystem;
let server: http.Server;
let base: string;
let browser: Browser;
const seen = { authorize: 0, token: 0, identity: [] as string[], signed: 0, refused: 0, preflights: 0 };

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const base64url = (b: Buffer) => b.toString('base64url');

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH).`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-ui-cognito-'));
  const env = { ...process.env, LIFEBOAT_HOME: path.join(dir, 'home') };
  system = localSystem(resolveSettings({}, env), env);
  const assets = loadUiAssets();
  const challenges = new Map<string, string>();
  const idToken = [
    base64url(Buffer.from(JSON.stringify({ alg: 'none' }))),
    base64url(Buffer.from(JSON.stringify({ email: 'ops@example.com', 'cognito:username': 'ops' }))),
    '',
  ].join('.');
  const notStarting = { start: () => Promise.reject(new Error('this test starts no workflow')) };
  server = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', base);
      const body = await readBody(request);
      const send = (status: number, type: string, text: string, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': type, ...headers });
        response.end(text);
      };
      if (url.pathname.startsWith('/ui/')) {
        const name = url.pathname.slice(4) || 'index.html';
        if (name === 'config.json')
          return send(
            200,
            'application/json',
            JSON.stringify({
              auth: 'cognito',
              api: `${base.replace('127.0.0.1', 'localhost')}/v1/`,
              region: REGION,
              userPoolId: `${REGION}_StandIn`,
              userPoolClientId: 'standinclient',
              domain: base,
              identityPoolId: `${REGION}:standin-pool`,
              identityEndpoint: `${base}/identity/`,
            }),
          );
        const asset = assets.get(name);
        return asset ? send(200, asset.type, asset.body.toString('utf8')) : send(404, 'text/plain', 'no');
      }
      if (url.pathname === '/oauth2/authorize') {
        seen.authorize++;
        const q = url.searchParams;
        expect(q.get('response_type')).toBe('code');
        expect(q.get('code_challenge_method')).toBe('S256');
        const code = randomBytes(8).toString('hex');
        challenges.set(code, q.get('code_challenge')!);
        // The user signs in on Cognito's page; it sends the browser back with a code.
        const back = new URL(q.get('redirect_uri')!);
        back.search = new URLSearchParams({ code, state: q.get('state')! }).toString();
        return send(302, 'text/plain', '', { location: back.href });
      }
      if (url.pathname === '/oauth2/token') {
        seen.token++;
        const form = new URLSearchParams(body);
        const challenge = challenges.get(form.get('code') ?? '');
        const verified =
          challenge !== undefined &&
          base64url(
            createHash('sha256')
              .update(form.get('code_verifier') ?? '')
              .digest(),
          ) === challenge;
        if (!verified || form.get('client_id') !== 'standinclient')
          return send(400, 'application/json', '{"error":"invalid_grant"}');
        return send(200, 'application/json', JSON.stringify({ id_token: idToken, token_type: 'Bearer' }));
      }
      if (url.pathname === '/identity/') {
        const action = String(request.headers['x-amz-target']).split('.')[1]!;
        seen.identity.push(action);
        const parsed = JSON.parse(body) as { Logins: Record<string, string> };
        expect(parsed.Logins).toEqual({ [`cognito-idp.${REGION}.amazonaws.com/${REGION}_StandIn`]: idToken });
        if (action === 'GetId')
          return send(200, 'application/x-amz-json-1.1', JSON.stringify({ IdentityId: IDENTITY }));
        return send(
          200,
          'application/x-amz-json-1.1',
          JSON.stringify({
            IdentityId: IDENTITY,
            Credentials: {
              AccessKeyId: CREDENTIALS.accessKeyId,
              SecretKey: CREDENTIALS.secretAccessKey,
              SessionToken: CREDENTIALS.sessionToken,
              Expiration: Math.floor(Date.now() / 1000) + 3600,
            },
          }),
        );
      }
      // The API is another origin than the UI (localhost, not 127.0.0.1), as API Gateway is
      // another than CloudFront: the browser enforces CORS, and the preflight is answered as the
      // deployment's mock integration answers it (lib/api.ts: BROWSER_METHODS, BROWSER_HEADERS).
      if (url.pathname.startsWith('/v1/') && request.method === 'OPTIONS') {
        seen.preflights++;
        response.writeHead(204, {
          'access-control-allow-origin': base,
          'access-control-allow-methods': BROWSER_METHODS.join(','),
          'access-control-allow-headers': BROWSER_HEADERS.join(','),
          vary: 'Origin',
        });
        return response.end();
      }
      const cors = corsHeaders(
        Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
        base,
      );
      if (url.pathname.startsWith('/v1/')) {
        if (
          request.headers['x-amz-security-token'] !== CREDENTIALS.sessionToken ||
          !(await signatureHolds(request, body, CREDENTIALS, REGION))
        ) {
          seen.refused++;
          // API Gateway's own 4xx carries the origin too (the DEFAULT_4XX gateway response).
          return send(
            403,
            'application/json',
            '{"message":"The request signature we calculated does not match"}',
            cors,
          );
        }
        seen.signed++;
        const answer = await dispatch(
          {
            method: request.method ?? 'GET',
            path: url.pathname.slice(3),
            query: Object.fromEntries(url.searchParams),
            headers: Object.fromEntries(
              Object.entries(request.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
            ),
            ...(body ? { body } : {}),
            // What API Gateway passes on: the role session the identity pool issued.
            actor: {
              user_id: `assumed-role/LifeboatAdminUi/${IDENTITY}`,
              ip_address: '127.0.0.1',
              user_agent: null,
            },
          },
          (r) => ({ ctx: { ...system.ctx, actor: r.actor }, starter: notStarting }),
        );
        return send(answer.status, answer.headers['content-type'] ?? 'application/json', answer.body, cors);
      }
      send(404, 'text/plain', 'no');
    })().catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, chromiumSandbox: false });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await system?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('sign in with Cognito (code flow, PKCE), get AWS credentials, and change things with SigV4-signed calls', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/ui/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('ops@example.com').waitFor();
  // The code left the address; the credentials are this tab's only.
  expect(page.url()).not.toContain('code=');
  expect(seen).toMatchObject({ authorize: 1, token: 1, identity: ['GetId', 'GetCredentialsForIdentity'] });

  // A signed change: a schedule created through the form, recorded as the signed-in session's.
  await addTarget(system.ctx, {
    name: 'files',
    target_config: { kind: 'filesystem', paths: [dir] },
    description: null,
  });
  const before = seen.signed;
  await page.getByRole('link', { name: 'Schedules', exact: true }).click();
  await page.getByRole('link', { name: 'New schedule' }).click();
  await page.getByLabel('Name', { exact: true }).fill('signed-in');
  await page.getByLabel('Target').selectOption('files');
  await page.getByLabel(/^Cron expression/).fill('0 1 * * *');
  await page.getByText('Next runs (UTC):').waitFor();
  await page.getByRole('button', { name: 'Create schedule' }).click();
  await page.getByRole('heading', { name: 'Schedule signed-in' }).waitFor();
  expect(seen.signed).toBeGreaterThan(before);
  expect(seen.refused).toBe(0);
  // Cross-origin, with preflights: what the browser sends is what the deployment allows.
  expect(seen.preflights).toBeGreaterThan(0);
  const schedule = await getScheduleByName(system.ctx, 'signed-in');
  expect(schedule.created_by).toBe(`assumed-role/LifeboatAdminUi/${IDENTITY}`);

  // A signature made with other credentials is refused (reads too), and the page says why.
  await page.evaluate(() => {
    const key = 'lifeboat.aws-credentials';
    const kept = JSON.parse(sessionStorage.getItem(key)!) as { secretAccessKey: string };
    sessionStorage.setItem(key, JSON.stringify({ ...kept, secretAccessKey: 'not-the-secret' }));
  });
  await page.reload();
  await page.getByRole('link', { name: 'Schedules', exact: true }).click();
  await page
    .getByRole('alert')
    .getByText(/signature we calculated does not match/)
    .waitFor();
  expect(seen.refused).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
