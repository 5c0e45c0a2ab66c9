import { readdirSync, type Dirent } from 'node:fs';

const SLASH = Buffer.from('/');

/** Names one file (inode) among its hard links and other paths: device and inode number. */
export function inodeKey(st: { dev: bigint; ino: bigint }): string {
  return `${st.dev}:${st.ino}`;
}

/** `dir/name` for paths kept as bytes (a file name need not be valid UTF-8). */
export function joinPath(dir: Buffer, name: Buffer): Buffer {
  return dir.length === 1 && dir[0] === 0x2f
    ? Buffer.concat([SLASH, name])
    : Buffer.concat([dir, SLASH, name]);
}

/** A directory entry; `kind` as the listing says (`unknown` when it did not: stat the entry). */
export interface DirEntry {
  /** The name's bytes as latin1 characters (one per byte): `Buffer.from(name, 'latin1')`. */
  name: string;
  kind: 'file' | 'dir' | 'other' | 'unknown';
}

/** The two ways to list a directory, latin1 names (an object, so that a test can fail the first). */
export const listing = {
  typed: (path: Buffer): Dirent<string>[] => readdirSync(path, { encoding: 'latin1', withFileTypes: true }),
  names: (path: Buffer): string[] => readdirSync(path, { encoding: 'latin1' }),
};

/**
 * A directory's entries in byte order of their names. Names as strings: as buffers, each would
 * be native memory of its own (a cost per file in a tree of small files). An empty list when the
 * directory cannot be listed (`onError` says why).
 */
export function listDir(path: Buffer, onError: (error: unknown) => void): DirEntry[] {
  let entries: DirEntry[];
  try {
    entries = listing.typed(path).map(entryOf);
  } catch {
    // Node stats an entry whose type the filesystem does not report, and fails the whole listing
    // when that stat fails (an entry removed meanwhile) or cannot join a byte path: list the
    // names alone then, and leave the stat to the caller.
    try {
      entries = listing.names(path).map((name) => ({ name, kind: 'unknown' }));
    } catch (error) {
      onError(error);
      return [];
    }
  }
  // latin1 code units compare as the bytes they stand for.
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function entryOf(entry: Dirent<string>): DirEntry {
  const kind = entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : 'other';
  return { name: entry.name, kind };
}
