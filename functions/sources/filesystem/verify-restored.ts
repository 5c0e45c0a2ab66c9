import { closeSync, fstatSync, lstatSync, openSync, readlinkSync, readSync, constants } from 'node:fs';
import { Chunker } from '../../repository/chunker/fastcdc';
import { chunkDigest, chunkIdOfDigest } from '../../repository/crypto';
import type { ChunkReader } from '../../repository/reader';
import type { Repository } from '../../repository/repository';
import type { SnapshotManifest } from '../../repository/snapshot';
import type { FileNode } from '../../repository/tree';
import { fileRefs } from '../../repository/tree-io';
import { rootParts, walkTree } from './browse';
import { PathFilter, splitSnapshotPath } from './restore-safety';

export interface RestoredTreeProblem {
  path: string;
  problem: string;
}

export interface RestoredTreeCheck {
  files_checked: number;
  bytes_checked: number;
  dirs_checked: number;
  symlinks_checked: number;
  /** A database restore's check counts tables instead of files. */
  tables_checked?: number;
  problems: RestoredTreeProblem[];
}

const READ_BYTES = 4 * 1024 * 1024;
/** Enough to act on; a restore that is wrong everywhere need not list every file. */
const MAX_PROBLEMS = 100;

/**
 * Checks a restored directory against the snapshot it came from, independently of the restore:
 * every regular file is read back, cut with the repository's keyed chunker and hashed, and its
 * chunk ids must be the ones the snapshot records, in order (so its bytes are the backed-up
 * bytes); directories must be directories and symbolic links must point where they pointed.
 * `includes`/`excludes` are the restore's filters (snapshot paths); `notRestored` the paths it
 * refused or left alone, which are not compared (nor anything below them).
 */
export async function verifyRestoredTree(
  repo: Repository,
  reader: ChunkReader,
  manifest: SnapshotManifest,
  target: string,
  filters: { includes?: string[]; excludes?: string[]; notRestored?: string[] } = {},
  onProgress?: (bytes: number) => void,
): Promise<RestoredTreeCheck> {
  const split = (paths: string[] = []) => paths.map((p) => splitSnapshotPath(p) ?? []);
  const filter = new PathFilter(split(filters.includes), split(filters.excludes));
  // What the restore left alone on purpose (refused names, existing files kept): not its bytes.
  const leftAlone = filters.notRestored ?? [];
  const isLeftAlone = (p: string) => leftAlone.some((x) => p === x || p.startsWith(`${x}/`));
  const result: RestoredTreeCheck = {
    files_checked: 0,
    bytes_checked: 0,
    dirs_checked: 0,
    symlinks_checked: 0,
    problems: [],
  };
  const problem = (path: string, text: string) => {
    if (result.problems.length < MAX_PROBLEMS) result.problems.push({ path, problem: text });
  };
  const chunker = new Chunker(repo.chunkerParams, repo.gear());
  // One read buffer for the whole tree: a fresh 4 MiB per file cost more in allocation and
  // garbage collection (minutes of it, for a source tree) than the reading and hashing.
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  const targetBytes = Buffer.from(target);
  for await (const { path, node } of walkTree(reader, rootParts(manifest))) {
    const shown = path.toString();
    if (!filter.whole(shown) || isLeftAlone(shown)) continue;
    const full = Buffer.concat([targetBytes, Buffer.from('/'), path]);
    let st;
    try {
      st = lstatSync(full);
    } catch {
      problem(shown, 'missing');
      continue;
    }
    if (node.type === 'dir') {
      if (st.isDirectory()) result.dirs_checked++;
      else problem(shown, 'not a directory');
    } else if (node.type === 'symlink') {
      if (!st.isSymbolicLink()) problem(shown, 'not a symbolic link');
      else if (!readlinkSync(full, { encoding: 'buffer' }).equals(node.target))
        problem(shown, 'points elsewhere');
      else result.symlinks_checked++;
    } else if (!st.isFile()) {
      problem(shown, 'not a regular file');
    } else {
      const mismatch = await compareFile(repo, reader, chunker, buffer, full, node, onProgress);
      if (mismatch) problem(shown, mismatch);
      else {
        result.files_checked++;
        result.bytes_checked += node.size;
      }
    }
  }
  return result;
}

/** Undefined when the file holds exactly the snapshot's chunks; else what differs. */
async function compareFile(
  repo: Repository,
  reader: ChunkReader,
  chunker: Chunker,
  buffer: Buffer,
  path: Buffer,
  node: FileNode,
  onProgress?: (bytes: number) => void,
): Promise<string | undefined> {
  const expected = fileRefs(reader, node.content);
  const idKey = repo.keys.id;
  let index = 0;
  const check = async (data: Buffer): Promise<string | undefined> => {
    const next = await expected.next();
    if (next.done) return `longer than the backed-up file (extra data at chunk ${index})`;
    const id = chunkIdOfDigest(idKey, chunkDigest(data));
    if (!id.equals(next.value.id) || data.length !== next.value.rawLength)
      return `content differs from the backup (chunk ${index})`;
    index++;
    return undefined;
  };
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (fstatSync(fd).size !== node.size)
      return `size differs (${fstatSync(fd).size} bytes, backup ${node.size})`;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      onProgress?.(n);
      for (const chunk of chunker.push(buffer.subarray(0, n))) {
        const bad = await check(chunk.data);
        if (bad) return bad;
      }
    }
    for (const chunk of chunker.finish()) {
      const bad = await check(chunk.data);
      if (bad) return bad;
    }
    if (!(await expected.next()).done) return 'shorter than the backed-up file';
    return undefined;
  } finally {
    closeSync(fd);
    chunker.finish();
  }
}
