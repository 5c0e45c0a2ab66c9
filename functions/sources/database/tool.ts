import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { ToolFailedError, ToolMissingError } from '../../core/errors';
import type { ByteSink } from '../../core/ports/byte-sink';

/** A database tool to run: always an argument array, never a shell line. */
export interface ToolSpec {
  /** Named in errors (`pg_dump`), whatever path `command` is. */
  name: string;
  command: string;
  args: readonly string[];
  /** The child's whole environment (credentials go here, never into args). */
  env: NodeJS.ProcessEnv;
  /** What to do when the command does not exist. */
  missingHint: string;
  /** Values that must never appear in an error (a password the tool might echo). */
  secrets?: readonly string[];
  /** The next step for an operator, from what the tool printed. */
  hintFor?: (stderr: string) => string | undefined;
  /**
   * The tool may finish successfully before the end of its input (pg_restore of chosen tables
   * stops once it has them): writing on then throws InputNotNeeded instead of a failure.
   */
  mayStopReading?: boolean;
}

/** A tool finished its work successfully without reading all of its input; nothing failed. */
export class InputNotNeeded extends Error {
  constructor(readonly tool: string) {
    super(`${tool} finished before the end of its input`);
  }
}

/** How much of a tool's stderr is kept for the error message. */
const STDERR_KEPT = 16 * 1024;
const SUMMARY_MAX = 600;

/**
 * The lines of a tool's stderr that explain a failure: those that say error/fatal, else the last
 * few; joined on one line and cut to a readable length.
 */
export function summarizeStderr(stderr: string, secrets: readonly string[] = []): string {
  let text = stderr;
  for (const secret of secrets) if (secret) text = text.split(secret).join('***');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const important = lines.filter((l) => /error|fatal|denied|failed|could not|unknown/i.test(l));
  const chosen = important.length > 0 ? important.slice(0, 4) : lines.slice(-3);
  const summary = chosen.join(' | ');
  return summary.length > SUMMARY_MAX ? `${summary.slice(0, SUMMARY_MAX)}…` : summary;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with status ${code}`;
}

/**
 * One running tool. Its exit is checked: `exited` rejects with ToolFailedError (stderr
 * summarised) or ToolMissingError, and a reader of `stdout()` or a writer to `stdinSink()` sees
 * that error rather than a silent short stream.
 */
export class ToolProcess {
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private stderr = '';
  private killedByUs = false;

  constructor(
    readonly spec: ToolSpec,
    stdio: { stdin: boolean; stdout: boolean },
  ) {
    this.child = spawn(spec.command, [...spec.args], {
      env: spec.env,
      stdio: [stdio.stdin ? 'pipe' : 'ignore', stdio.stdout ? 'pipe' : 'ignore', 'pipe'],
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_KEPT);
    });
    // A tool that exits early closes its stdin; the write error is reported through `exited`.
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise<void>((resolve, reject) => {
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'ENOENT'
            ? new ToolMissingError(spec.name, spec.missingHint)
            : new ToolFailedError(spec.name, `could not start (${error.code ?? error.message})`, ''),
        );
      });
      this.child.once('close', (code, signal) => {
        if (code === 0) return resolve();
        const stderr = summarizeStderr(this.stderr, spec.secrets);
        const exit = this.killedByUs ? 'was stopped' : describeExit(code, signal);
        reject(new ToolFailedError(spec.name, exit, stderr, spec.hintFor?.(this.stderr)));
      });
    });
    this.exited.catch(() => undefined);
  }

  /** stdout, then the exit status: a tool that fails (even after writing everything) throws. */
  async *stdout(): AsyncGenerator<Buffer> {
    const out = this.child.stdout as Readable;
    try {
      for await (const data of out) yield data as Buffer;
    } catch {
      // A broken pipe is explained by the exit status below.
    }
    await this.exited;
  }

  /** The tool's stdin as a sink; `end()` waits for the tool to finish and checks its status. */
  stdinSink(): ByteSink {
    const stdin = this.child.stdin!;
    return {
      write: async (data) => {
        if (stdin.destroyed || stdin.writableEnded) await this.stoppedReading();
        if (!stdin.write(data)) {
          // A broken pipe rejects `once`; the exit status below says why the tool stopped.
          const drained = once(stdin, 'drain').then(
            () => true,
            () => false,
          );
          if (!(await Promise.race([drained, this.exited.then(() => false)]))) await this.stoppedReading();
        }
      },
      end: async () => {
        stdin.end();
        await this.exited;
      },
      abort: async () => {
        this.stop();
        await this.exited.catch(() => undefined);
      },
    };
  }

  /** The tool closed its input early: its failure, or (exit 0) that it did not read everything. */
  private async stoppedReading(): Promise<never> {
    await this.exited;
    if (this.spec.mayStopReading) throw new InputNotNeeded(this.spec.name);
    throw new ToolFailedError(
      this.spec.name,
      'stopped reading its input before the end',
      summarizeStderr(this.stderr, this.spec.secrets),
    );
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.killedByUs = true;
      this.child.kill('SIGTERM');
    }
  }

  /** What the tool printed to stderr so far (for logs of a successful run: warnings). */
  get stderrText(): string {
    return this.stderr;
  }
}

/** Runs a tool to completion and returns its stdout (small outputs only: versions, listings). */
export async function captureTool(spec: ToolSpec): Promise<string> {
  const tool = new ToolProcess(spec, { stdin: false, stdout: true });
  const parts: Buffer[] = [];
  for await (const data of tool.stdout()) parts.push(data);
  return Buffer.concat(parts).toString('utf8');
}
