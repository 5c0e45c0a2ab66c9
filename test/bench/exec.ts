// Process helpers. Every child is spawned from an argument array (never a shell string), so file
// names and passwords need no quoting.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';

export type StdioTarget = number | 'ignore' | 'inherit';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A file descriptor, 'ignore', or a function that writes the child's stdin and ends it. */
  stdin?: StdioTarget | ((stdin: Writable) => Promise<void>);
  stdout?: StdioTarget;
  stderr?: StdioTarget;
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the stdin feeder failed for another reason than the child going away. */
  feedError?: Error;
}

// Children run in their own process group so that a timeout or Ctrl-C can stop a wrapper (GNU
// time, runuser) together with the program it started.
const liveGroups = new Set<number>();
const cleanups = new Map<string, () => void>();

/** Registers synchronous work (stopping a database, say) to do if the bench is interrupted. */
export function onInterrupt(key: string, fn: () => void): void {
  cleanups.set(key, fn);
}
export function offInterrupt(key: string): void {
  cleanups.delete(key);
}

function interrupted(signal: NodeJS.Signals): void {
  process.stderr.write(`\n[bench] ${signal}: stopping children\n`);
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  for (const fn of cleanups.values()) {
    try {
      fn();
    } catch {
      // Best effort: the process is exiting anyway.
    }
  }
  process.exit(130);
}
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

function stdioOf(target: StdioTarget | undefined): number | 'ignore' | 'inherit' {
  return target ?? 'ignore';
}

/** Runs a program to completion and reports how it ended; never rejects for a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const feeder = typeof opts.stdin === 'function' ? opts.stdin : undefined;
  const stdin = feeder ? 'pipe' : stdioOf(opts.stdin as StdioTarget | undefined);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, [...args], {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        stdio: [stdin, stdioOf(opts.stdout), stdioOf(opts.stderr)],
        detached: true,
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            if (pid !== undefined) killGroup(pid, 'SIGKILL');
          }, opts.timeoutMs);

    let feedDone: Promise<Error | undefined> = Promise.resolve(undefined);
    if (feeder && child.stdin) {
      const sink = child.stdin;
      // EPIPE only means the child stopped reading; its exit status tells the real story.
      sink.on('error', () => undefined);
      feedDone = feeder(sink).then(
        () => undefined,
        (err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          sink.destroy();
          return (e as NodeJS.ErrnoException).code === 'EPIPE' ? undefined : e;
        },
      );
    }

    child.once('error', (err) => {
      if (timer) clearTimeout(timer);
      if (pid !== undefined) liveGroups.delete(pid);
      reject(new Error(`cannot run ${cmd}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (pid !== undefined) liveGroups.delete(pid);
      void feedDone.then((feedError) => {
        const result: RunResult = { code: code ?? -1, signal, timedOut };
        if (feedError) result.feedError = feedError;
        resolve(result);
      });
    });
  });
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a short command and collects its output (versions, help texts); not for bulk data. */
export function capture(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** Runs a command with stdout and stderr appended to a log file; throws with the log tail on failure. */
export async function runLogged(
  cmd: string,
  args: readonly string[],
  logFile: string,
  opts: Omit<RunOptions, 'stdout' | 'stderr'> = {},
): Promise<void> {
  const fd = fs.openSync(logFile, 'a');
  try {
    fs.writeSync(fd, `\n$ ${[cmd, ...args].join(' ')}\n`);
    const r = await run(cmd, args, { ...opts, stdout: fd, stderr: fd });
    if (r.code !== 0 || r.feedError) {
      throw new Error(`${path.basename(cmd)} ${describeExit(r)}\n${tail(logFile)}`);
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function describeExit(r: RunResult): string {
  if (r.timedOut) return 'timed out';
  if (r.feedError) return `stdin feed failed: ${r.feedError.message}`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exited with status ${r.code}`;
}

/** The last lines of a log, to put the reason for a failure next to the failure. */
export function tail(file: string, lines = 15): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Looks a program up in PATH like execvp would, without a shell. */
export function which(name: string, extraDirs: readonly string[] = []): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter), ...extraDirs];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
