import { lstatSync } from 'node:fs';
import * as nodePath from 'node:path';
import { nameBytes } from './path-text';

/** One of Lifeboat's own files or directories, and what it is (for the backup's report). */
export interface OwnFile {
  path: string;
  what: string;
}

/**
 * Lifeboat's own files on this machine, which a file backup leaves out wherever they are found
 * in the tree (`lifeboat backup ~` with the repository in ~/.lifeboat): the local repository,
 * whose packs would be stored again, encrypted and so never deduplicated, by every backup that
 * finds the last one's; and the catalog, a live database the backup itself writes to (it is
 * rebuilt from the repository with `lifeboat catalog rebuild`). Known by device and inode, so
 * another path to them (a symlink in the tree's prefix, a bind mount) is recognised too; the
 * walk asks only for entries whose name is one of theirs.
 */
export class OwnFiles {
  /** Their names as latin1 strings, as the walk lists entries. */
  readonly names = new Set<string>();
  private readonly what = new Map<string, string>();

  constructor(files: OwnFile[] = []) {
    for (const file of files) {
      const bytes = nameBytes(file.path);
      try {
        const st = lstatSync(bytes, { bigint: true });
        this.what.set(`${st.dev}:${st.ino}`, file.what);
        this.names.add(nameBytes(nodePath.basename(file.path)).toString('latin1'));
      } catch {
        // Not there (yet): nothing of it can be in the tree either.
      }
    }
  }

  /** What the entry at `path` is, when it is one of them. */
  whatIs(path: Buffer): string | undefined {
    try {
      const st = lstatSync(path, { bigint: true });
      return this.what.get(`${st.dev}:${st.ino}`);
    } catch {
      return undefined;
    }
  }
}
