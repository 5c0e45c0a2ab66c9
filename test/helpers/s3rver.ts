import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { S3Client } from '@aws-sdk/client-s3';

/** s3rver's fixed credentials; it checks signatures against them. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3rverInstance {
  endpoint: string;
  /** The environment a Lifeboat process needs to use this server as its S3. */
  env: Record<string, string>;
  client(options?: { endpoint?: string; maxAttempts?: number }): S3Client;
  stop(): Promise<void>;
}

/**
 * Starts s3rver (an S3 emulator, npm) in a child process on a free port with the given buckets.
 * See s3rver/server.js for the one behaviour added to it (create-only writes).
 */
export async function startS3rver(buckets: string[]): Promise<S3rverInstance> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-s3rver-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--openssl-legacy-provider', path.join(__dirname, 's3rver', 'server.js'), dir, ...buckets],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}): ${stderr}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      LIFEBOAT_S3_PATH_STYLE: 'true',
    },
    client: (options = {}) =>
      new S3Client({
        endpoint: options.endpoint ?? endpoint,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: S3RVER_CREDENTIALS,
        maxAttempts: options.maxAttempts,
      }),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
