import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { BlobServiceClient } from '@azure/storage-blob';

/** Azurite's fixed development account; it checks shared-key signatures against this key. */
export const AZURITE_ACCOUNT = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

export interface AzuriteInstance {
  connectionString: string;
  /** The environment a Lifeboat process needs to use this server as its Azure storage account. */
  env: Record<string, string>;
  serviceClient(): BlobServiceClient;
  stop(): Promise<void>;
}

const AZURITE_MAIN = path.join(
  path.dirname(require.resolve('azurite/package.json')),
  'dist',
  'src',
  'blob',
  'main.js',
);

/** Azurite 3.35 prints "Azurite Blob service successfully listens on http://127.0.0.1:PORT". */
const LISTENING = /listens on http:\/\/127\.0\.0\.1:(\d+)/;
const START_TIMEOUT_MS = 30_000;

function waitForPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Azurite did not start within ${START_TIMEOUT_MS} ms: ${output()}`));
    }, START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = LISTENING.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve(Number(m[1]));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited (${code}): ${output()}`));
    });
  });
}

/**
 * Starts Azurite's blob service (the Azure Storage emulator, npm) in a child process, on a free
 * port and in memory, with the given containers. Azurite has no stable programmatic API, so the
 * CLI is spawned, with this process's Node so that tests and emulator agree on the runtime.
 */
export async function startAzurite(containers: string[]): Promise<AzuriteInstance> {
  const child = spawn(
    process.execPath,
    [
      AZURITE_MAIN,
      '--inMemoryPersistence',
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--loose',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await waitForPort(child, () => stderr);
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT.name};AccountKey=${AZURITE_ACCOUNT.key};` +
    `BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT.name};`;
  const serviceClient = () => BlobServiceClient.fromConnectionString(connectionString);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    for (const name of containers) await serviceClient().getContainerClient(name).create();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    connectionString,
    env: { AZURE_STORAGE_CONNECTION_STRING: connectionString },
    serviceClient,
    stop,
  };
}
