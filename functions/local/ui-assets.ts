import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
};

/**
 * The page may talk to its own origin only, runs no inline script and cannot be framed: what
 * keeps a hostile page or an injected string from acting with the operator's token.
 */
export const UI_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface UiAsset {
  type: string;
  body: Buffer;
}

/** Where the built UI is: dist/ui beside the compiled code, or from the sources' point of view. */
export function uiAssetsDir(): string | undefined {
  return [path.resolve(__dirname, '../../ui'), path.resolve(__dirname, '../../dist/ui')].find((dir) =>
    existsSync(path.join(dir, 'app.js')),
  );
}

/**
 * The admin UI's files, read once: only the names the build wrote are served, so no request
 * path can reach another file. `config.json` tells the app to use this API with the local token.
 */
export function loadUiAssets(dir = uiAssetsDir()): Map<string, UiAsset> {
  const assets = new Map<string, UiAsset>();
  if (!dir) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type) assets.set(name, { type, body: readFileSync(path.join(dir, name)) });
  }
  assets.set('config.json', {
    type: TYPES['.json']!,
    body: Buffer.from(JSON.stringify({ auth: 'token', api: '/' })),
  });
  return assets;
}
