import { lstat, readdir } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { ExcludeMatcher } from './exclude';

/**
 * Counts the bytes of the regular files below `paths` (excludes applied, symlinks not followed),
 * for a progress bar's total and ETA. It runs beside the backup on the thread pool; unreadable
 * entries count as nothing. Stops early when `cancelled()` turns true.
 */
export async function scanTreeSize(
  paths: string[],
  excludes: string[],
  cancelled: () => boolean,
): Promise<number> {
  const matcher = new ExcludeMatcher(excludes);
  let total = 0;
  const pending = paths.map((p) => nodePath.resolve(p));
  while (pending.length > 0 && !cancelled()) {
    const path = pending.pop()!;
    try {
      const st = await lstat(path);
      if (st.isFile()) total += st.size;
      else if (st.isDirectory()) {
        for (const name of await readdir(path)) {
          const child = nodePath.join(path, name);
          if (matcher.empty || !matcher.excludes(child, name)) pending.push(child);
        }
      }
    } catch {
      // vanished or unreadable: the backup reports it
    }
  }
  return total;
}
