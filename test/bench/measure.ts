// Timing and sizing. GNU time wraps each measured command so that wall time, CPU time and peak RSS
// all come from the kernel's accounting of that one child (wait4 rusage), not from sampling.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_TIMEOUT_MS, GNU_TIME } from './config';
import { describeExit, run, type RunOptions, type RunResult } from './exec';

export interface Measurement {
  wallS: number;
  userS: number;
  sysS: number;
  maxRssKiB: number;
}

export interface TimedOutcome {
  ok: boolean;
  /** Why the command failed, with the tail of its stderr. */
  error?: string;
  measurement?: Measurement;
}

export interface TimedOptions {
  env: NodeJS.ProcessEnv;
  stdin: NonNullable<RunOptions['stdin']>;
  stdout: number;
  /** stderr goes to this file (appended), so a failure can quote it. */
  logFile: string;
  /** Where GNU time writes its one line of figures. */
  timeFile: string;
  /** Working directory of the command (borg extract writes into its cwd). */
  cwd?: string;
}

const FORMAT = '%e %U %S %M';

/** Runs `cmd args` under GNU time and returns its figures, or why it failed. */
export async function timed(cmd: string, args: readonly string[], opts: TimedOptions): Promise<TimedOutcome> {
  fs.rmSync(opts.timeFile, { force: true });
  // Every tool starts with no dirty pages in flight: otherwise whoever runs right after a 1.3 GB
  // restore pays for the kernel writing it back, and the order of the tools decides the ratios.
  await run('sync', [], {
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'ignore',
    timeoutMs: COMMAND_TIMEOUT_MS,
  });
  const log = fs.openSync(opts.logFile, 'a');
  fs.writeSync(log, `\n$ ${[cmd, ...args].join(' ')}\n`);
  let result: RunResult;
  try {
    result = await run(GNU_TIME, ['-o', opts.timeFile, '-f', FORMAT, cmd, ...args], {
      env: opts.env,
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      stdin: opts.stdin,
      stdout: opts.stdout,
      stderr: log,
      timeoutMs: COMMAND_TIMEOUT_MS,
    });
  } finally {
    fs.closeSync(log);
  }
  const measurement = parseTimeFile(opts.timeFile);
  if (result.code !== 0 || result.signal || result.timedOut || result.feedError) {
    const reason = `${path.basename(cmd)} ${describeExit(result)}`;
    const out: TimedOutcome = { ok: false, error: `${reason}\n${stderrTail(opts.logFile)}`.trimEnd() };
    if (measurement) out.measurement = measurement;
    return out;
  }
  if (!measurement) return { ok: false, error: `no figures from ${GNU_TIME} in ${opts.timeFile}` };
  return { ok: true, measurement };
}

/**
 * GNU time prefixes its figures with "Command exited with non-zero status N" or "Command terminated
 * by signal N" when the child failed, so the figures are the last line, not the only one.
 */
export function parseTimeFile(file: string): Measurement | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const last = text.trim().split('\n').pop() ?? '';
  const parts = last.trim().split(/\s+/).map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return undefined;
  const [wallS, userS, sysS, maxRssKiB] = parts as [number, number, number, number];
  return { wallS, userS, sysS, maxRssKiB };
}

function stderrTail(file: string): string {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  // Only the last command's part of the shared log is relevant.
  const own = text.slice(text.lastIndexOf('\n$ ') + 1);
  return own.trimEnd().split('\n').slice(-12).join('\n');
}

/** Bytes of all regular files under dir: what the repository costs on its storage. */
export function dirBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  const stack = [dir];
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) total += fs.statSync(full).size;
    }
  }
  return total;
}

/**
 * Runs a measured command with its standard output written to `outFile` (the file is opened and
 * closed here); the command's own stdin, env, log and time files as for `timed`.
 */
export async function timedToFile(
  command: { cmd: string; args: readonly string[]; cwd?: string },
  outFile: string,
  opts: Omit<TimedOptions, 'stdout' | 'cwd'>,
): Promise<TimedOutcome> {
  const stdout = fs.openSync(outFile, 'w');
  try {
    return await timed(command.cmd, command.args, {
      ...opts,
      stdout,
      ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
    });
  } finally {
    fs.closeSync(stdout);
  }
}
