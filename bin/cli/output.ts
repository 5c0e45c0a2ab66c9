import { LifeboatError, ExitCode } from '../../functions/core/errors';
import { shownPath } from '../../functions/sources/filesystem/path-text';

export interface GlobalOptions {
  json?: boolean;
  repo?: string;
  keyFile?: string;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Messages for people go to stderr, so stdout stays clean for data and JSON. */
export function say(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * One line per entry, `LABEL: [PREFIX: ]PATH: PROBLEM`, on stderr: what a backup warned about or
 * skipped, what a restore refused or left alone. The path as people can read it (shownPath).
 */
export function sayPathProblems(
  label: string,
  problems: readonly { path: string; problem: string }[],
  prefix?: string,
): void {
  for (const p of problems) say(`${label}: ${prefix ? `${prefix}: ` : ''}${shownPath(p.path)}: ${p.problem}`);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0
    ? `${bytes} B`
    : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}

/** "1 file", "2 files"; `many` for irregular plurals ("directories"). */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Prints an error the way an operator needs it: what happened, then what to do. Returns the exit code. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof LifeboatError) {
    if (json) printJson({ error: { code: error.code, message: error.message, hint: error.hint } });
    say(`lifeboat: ${error.message}\n  ${error.hint}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) printJson({ error: { code: 'INTERNAL', message } });
  say(`lifeboat: unexpected error: ${message}\n  This is a bug; please report it with the command you ran.`);
  if (process.env.LIFEBOAT_DEBUG && error instanceof Error) say(error.stack ?? '');
  return ExitCode.failure;
}
