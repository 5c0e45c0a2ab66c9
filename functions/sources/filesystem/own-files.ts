import { lstatSync, realpathSync, type BigIntStats } from 'node:fs';
import * as nodePath from 'node:path';
import { nameBytes } from './path-text';
import { inodeKey } from './paths';

/** One of Lifeboat's own files or directories, and what it is (for the backup's report). */
export interface OwnFile {
  path: string;
  what: string;
}

/**
 * Lifeboat's own files on this machine: the local repository, the catalog and the key file. A
 * file backup leaves them out wherever it finds them in the tree (`lifeboat backup ~` with the
 * repository in ~/.lifeboat): every backup would store the packs the last one wrote again
 * (encrypted, so never deduplicated); the catalog is a live database the backup itself writes to
 * (`lifeboat catalog rebuild` makes it again from the repository); and a key inside the backups
 * it opens is no copy of it. A restore leaves them alone: restoring that home in place with
 * --delete removed the repository it was reading from. Known by device and inode, so another
 * path to them (a symlink in the tree's prefix, a bind mount) is recognised too.
 */
export class OwnFiles {
  /** Their names as latin1 strings, as the walk lists entries. */
  private readonly names = new Set<string>();
  private readonly what = new Map<string, string>();
  /** Their real paths, for a directory about to be removed that may hold one of them. */
  private readonly real: { path: string; what: string }[] = [];

  constructor(files: OwnFile[] = []) {
    for (const file of files) {
      const bytes = nameBytes(file.path);
      try {
        const st = lstatSync(bytes, { bigint: true });
        this.what.set(inodeKey(st), file.what);
        this.names.add(nameBytes(nodePath.basename(file.path)).toString('latin1'));
        this.real.push({ path: realpathSync.native(bytes, { encoding: 'latin1' }), what: file.what });
      } catch {
        // Not there (yet): nothing of it can be in the tree either.
      }
    }
  }

  /**
   * What the entry named `name` (its bytes, or them as latin1, as a listing gives it) at `path` is,
   * when it is one of them. Only an entry with one of their names costs an lstat: a walk asks this
   * of every entry.
   */
  entry(name: string | Buffer, path: Buffer): string | undefined {
    if (this.names.size === 0) return undefined;
    if (!this.names.has(typeof name === 'string' ? name : name.toString('latin1'))) return undefined;
    const st = lstatOrUndefined(path);
    return st && this.what.get(inodeKey(st));
  }

  /** What of theirs the entry at `path` is or, a directory, holds: it must not be removed. */
  heldBy(path: Buffer): string | undefined {
    if (this.real.length === 0) return undefined;
    const st = lstatOrUndefined(path);
    if (!st) return undefined;
    const own = this.what.get(inodeKey(st));
    if (own || !st.isDirectory()) return own;
    let real: string;
    try {
      // Native: Node's own realpath reads a path's bytes as UTF-8, and fails on other names.
      real = realpathSync.native(path, { encoding: 'latin1' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // gone meanwhile
      throw error;
    }
    return this.real.find((file) => file.path.startsWith(`${real}/`))?.what;
  }

  /** What of theirs `path` is, or is inside (it need not exist yet): no place to restore into. */
  containing(path: string): string | undefined {
    if (this.real.length === 0) return undefined;
    const real = realOfNearest(nodePath.resolve(path));
    return this.real.find((file) => real === file.path || real.startsWith(`${file.path}/`))?.what;
  }
}

/** The real path of `path`, through its nearest existing ancestor (as latin1, like OwnFiles.real). */
function realOfNearest(path: string): string {
  const rest: string[] = [];
  for (let at = path; ; at = nodePath.dirname(at)) {
    try {
      const real = realpathSync.native(nameBytes(at), { encoding: 'latin1' });
      return nodePath.join(real, ...rest.map((part) => nameBytes(part).toString('latin1')));
    } catch {
      if (nodePath.dirname(at) === at) return nameBytes(path).toString('latin1');
      rest.unshift(nodePath.basename(at));
    }
  }
}

function lstatOrUndefined(path: Buffer): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}
