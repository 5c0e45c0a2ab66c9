/**
 * `lifeboat api`: the CLI against the HTTP API, locally (the server `lifeboat serve` runs, with its
 * token) and as against a deployed API (SigV4: a local endpoint checks the signature by signing the
 * request it received again with the same credentials; no API Gateway runs here).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureApiToken, startApiServer, type ApiServer } from '../../functions/local/api-server';
import { LocalEngine } from '../../functions/local/engine';
import { resolveSettings } from '../../functions/local/home';
import { localSystem, type LocalSystem } from '../../functions/local/system';
import { signatureHolds } from '../helpers/api';
import { runCli } from '../helpers/cli';

jest.setTimeout(60_000);

let dir: string;
let env: NodeJS.ProcessEnv;
let system: LocalSystem;
let server: ApiServer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-cli-api-'));
  env = { ...process.env, LIFEBOAT_HOME: path.join(dir, 'home') };
  const settings = resolveSettings({}, env);
  system = localSystem(settings, env);
  const { token } = ensureApiToken(settings.home);
  server = await startApiServer(system.ctx, new LocalEngine(system.ctx), { port: 0, token });
});
afterAll(async () => {
  await server.close();
  await system.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('changes with the local token, reads, and problems as exit codes with the detail', async () => {
  const target = JSON.stringify({ name: 'files', target_config: { kind: 'filesystem', paths: [dir] } });
  const created = await runCli(['api', 'POST', '/targets', '--data', target, '--api', server.url], { env });
  expect(created.code).toBe(0);
  expect(JSON.parse(created.stdout.toString())).toMatchObject({ name: 'files', target_type: 'filesystem' });
  const listed = await runCli(['api', 'GET', '/targets', '--api', server.url], { env });
  expect(JSON.parse(listed.stdout.toString()).items).toHaveLength(1);
  const missing = await runCli(['api', 'GET', '/schedules/nope', '--api', server.url], { env });
  expect(missing.code).toBe(15);
  expect(missing.stderr.toString()).toContain('The API answered 404: No schedule "nope".');
  const conflict = await runCli(['api', 'POST', '/targets', '--data', target, '--api', server.url], { env });
  expect(conflict.code).toBe(16);
  const elsewhere = { ...env, LIFEBOAT_HOME: path.join(dir, 'other') };
  const noToken = await runCli(['api', 'DELETE', '/schedules/x', '--api', server.url], { env: elsewhere });
  expect(noToken.code).toBe(2);
  expect(noToken.stderr.toString()).toContain('No API token at');
});

test('a deployed API gets a valid SigV4 signature made with the standard credential chain', async () => {
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  };
  const seen: { valid: boolean; authorization: string }[] = [];
  const endpoint = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      void (async () => {
        seen.push({
          valid: await signatureHolds(req, body, credentials, 'eu-west-1'),
          authorization: String(req.headers.authorization),
        });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true }));
      })();
    });
  });
  await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/v1`;
    const signedEnv = {
      ...env,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: 'eu-west-1',
    };
    const reply = await runCli(
      [
        'api',
        'POST',
        '/schedules/nightly/run',
        '--api',
        url,
        '--sign-region',
        'eu-west-1',
        '--idempotency-key',
        'k1',
        '--data',
        '{}',
      ],
      { env: signedEnv },
    );
    expect(reply.code).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request/,
    );
    expect(seen[0]!.valid).toBe(true);
  } finally {
    endpoint.close();
  }
});
