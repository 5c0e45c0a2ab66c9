import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';
import { InputError } from '../../core/errors';
import { nameBytes, nameText } from './path-text';

/**
 * Exclusion patterns, as restic users write them: a pattern without a slash matches a name at
 * any depth (`*.o`, `node_modules`); one with a slash matches the absolute path (`/home/*\/.cache`).
 * `**` spans directories. An excluded directory is skipped with everything under it.
 */
export class ExcludeMatcher {
  private readonly byName: picomatch.Matcher | undefined;
  private readonly byPath: picomatch.Matcher | undefined;

  constructor(readonly patterns: string[]) {
    const names = patterns.filter((p) => !p.includes('/'));
    const paths = patterns.filter((p) => p.includes('/'));
    const options = { dot: true };
    this.byName = names.length > 0 ? picomatch(names, options) : undefined;
    this.byPath = paths.length > 0 ? picomatch(paths, options) : undefined;
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** `absolute` is the entry's absolute path and `name` its last component (both as UTF-8 text). */
  excludes(absolute: string, name: string): boolean {
    return Boolean(this.byName?.(name) || this.byPath?.(absolute));
  }
}

/**
 * Patterns from --exclude-file: one per line; blank lines and lines starting with # are ignored.
 * Bytes that are not UTF-8 are kept (path-text.ts), as names are matched.
 */
export function readExcludeFile(path: string): string[] {
  let text: string;
  try {
    text = nameText(readFileSync(nameBytes(path)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(
      `Cannot read the exclude file ${path} (${code}).`,
      'Check the path given to --exclude-file.',
    );
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}
