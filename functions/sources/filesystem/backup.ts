import { lstatSync, readlinkSync, type BigIntStats } from 'node:fs';
import * as nodePath from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ExitCode, InputError, LifeboatError } from '../../core/errors';
import { resolveParent, validateBackupName } from '../../core/services/backup-stream';
import { ChunkTally, commitBackup } from '../../core/services/snapshot-commit';
import { PackClass } from '../../repository/pack';
import { ChunkReader, loadChunkIndex } from '../../repository/reader';
import type { Repository } from '../../repository/repository';
import type { BackupType, SnapshotManifest, TreeStats } from '../../repository/snapshot';
import type { FileContent, NodeMeta, TreeNode } from '../../repository/tree';
import { fileContent, readTree, storeTree } from '../../repository/tree-io';
import { RepositoryWriter } from '../../repository/writer';
import { ExcludeMatcher } from './exclude';
import type { FileStat } from './file-worker';
import { FileWorkers, type FileChunk, type FileReadResult } from './file-workers';
import { OwnFiles, type OwnFile } from './own-files';
import { OwnerNames } from './owners';
import { nameBytes, nameText } from './path-text';
import { inodeKey, joinPath, listDir } from './paths';

export interface TreeBackupRequest {
  paths: string[];
  name: string;
  backupType: BackupType;
  excludes?: string[];
  oneFileSystem?: boolean;
  /** Fail (and save no snapshot) when anything could not be read. */
  strict?: boolean;
  onProgress?: (progress: TreeBackupProgress) => void;
  /** The snapshot's id (a workflow's backup id); a new one when absent. */
  snapshotId?: string;
  /**
   * The parent chosen by the caller (the catalog's latest completed or full backup): an id, or
   * null for none. Absent: chosen from the repository by name and backup type.
   */
  parentId?: string | null;
  /** Lifeboat's own files here (the local repository, the catalog, the key file): left out wherever found. */
  ownFiles?: OwnFile[];
}

export interface TreeBackupProgress {
  files: number;
  bytes: number;
}

export interface BackupProblem {
  path: string;
  problem: string;
}

export interface TreeBackupResult {
  manifest: SnapshotManifest;
  requestedType: BackupType;
  durationMs: number;
  /** Files that could not be read (skipped) and files that changed while read (kept, flagged). */
  warnings: BackupProblem[];
  /** Sockets, FIFOs and devices: not backed up. */
  skipped: BackupProblem[];
}

export class StrictBackupError extends LifeboatError {
  constructor(readonly problems: BackupProblem[]) {
    super(
      'BACKUP_WARNINGS',
      `${problems.length} problem(s) while reading, and --strict was given: no snapshot was saved. ` +
        `First: ${problems[0]?.path}: ${problems[0]?.problem}`,
      'Fix the access rights (or exclude the paths with --exclude) and run the backup again; without --strict the backup completes and reports them.',
      ExitCode.failure,
    );
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String(error);
}

type StoredTree = Awaited<ReturnType<typeof storeTree>>;
type DirNode = Extract<TreeNode, { type: 'dir' }>;

/**
 * Listings of a directory's subdirectories read ahead of the walk. All of them at once held a
 * whole level of a wide tree in memory: an incremental backup of a million files in a thousand
 * directories peaked at 907 MiB with every listing read as soon as the root's was.
 */
const PARENT_LISTINGS_AHEAD = 8;

/**
 * How long the walk may hold the event loop before it lets the rest run: the progress display,
 * the scan for its total, signals, V8's tasks. An incremental backup whose files are unchanged
 * never waits for a worker, and walked a million files with the loop held for seconds on end.
 */
const WALK_SLICE_MS = 20;

/** For promises whose rejection is handled where they are awaited later (one function, not one per file). */
const ignoreRejection = (): undefined => undefined;

/**
 * One directory's nodes as the walk and the workers produce them, in walk order; `complete`
 * resolves with them once the walk has passed the directory and every node is in, or rejects with
 * the first failure. A file read by a worker fills its place from a callback: a promise per file,
 * with a handler to keep its rejection quiet and one for Promise.all, outlived young collections
 * while the file waited for its worker (a fifth of what the walk's thread promoted).
 */
class Listing {
  private readonly nodes: (TreeNode | undefined)[] = [];
  /** Places not filled yet, and the walk itself. */
  private waiting = 1;
  private resolve!: (nodes: TreeNode[]) => void;
  private reject!: (error: unknown) => void;
  readonly complete = new Promise<TreeNode[]>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor() {
    // Awaited through the directory's tree; a walk that stops early must not leave it unhandled.
    this.complete.catch(ignoreRejection);
  }

  /** A place for the next node, to fill with `fill`. */
  reserve(): number {
    this.waiting++;
    return this.nodes.push(undefined) - 1;
  }

  private put(at: number, node: TreeNode | undefined): void {
    this.nodes[at] = node;
    this.arrived();
  }

  /** Fills a reserved place, once `node` settles. */
  fill(at: number, node: TreeNode | undefined | Promise<TreeNode | undefined>): void {
    if (node instanceof Promise) node.then((n) => this.put(at, n), this.fail);
    else this.put(at, node);
  }

  /** The next node, once it settles. */
  add(node: TreeNode | undefined | Promise<TreeNode | undefined>): void {
    this.fill(this.reserve(), node);
  }

  /** The walk has passed the directory: nothing more is added. */
  walked(): void {
    this.arrived();
  }

  /** One function per directory, handed to every read in it. */
  readonly fail = (error: unknown): void => this.reject(error);

  private arrived(): void {
    if (--this.waiting === 0) this.resolve(this.nodes.filter((n): n is TreeNode => n !== undefined));
  }
}

/**
 * The parent snapshot's listing of one directory. The listings of its subdirectories are read a
 * few ahead of the walk, in name order, which is the order the walk enters them in; those it
 * passes by (gone, excluded, no longer directories) are dropped.
 */
class ParentDir {
  private readonly byName: Map<string, TreeNode>;
  private readonly dirs: DirNode[];
  /** The next of `dirs` to read ahead. */
  private cursor = 0;
  private readonly ahead = new Map<DirNode, Promise<TreeNode[]>>();

  constructor(
    nodes: TreeNode[],
    private readonly read: (parts: Buffer[]) => Promise<TreeNode[]>,
  ) {
    this.byName = new Map(nodes.map((n) => [n.name.toString('latin1'), n]));
    this.dirs = nodes.filter((n): n is DirNode => n.type === 'dir');
    this.readAhead();
  }

  /** The parent's node of this name (its latin1 string). */
  get(name: string): TreeNode | undefined {
    return this.byName.get(name);
  }

  /** The parent's listing of one of this directory's subdirectories (a node of this listing). */
  async child(node: DirNode): Promise<ParentDir> {
    return new ParentDir(await this.listing(node), this.read);
  }

  private listing(node: DirNode): Promise<TreeNode[]> {
    let reading: Promise<TreeNode[]> | undefined;
    for (const [dir, read] of this.ahead) {
      this.ahead.delete(dir);
      if (dir === node) {
        reading = read;
        break;
      }
    }
    if (!reading) {
      // Past the window: what was read ahead is behind the walk now, and reading goes on after it.
      const at = this.dirs.indexOf(node, this.cursor);
      if (at >= 0) this.cursor = at + 1;
      reading = this.read(node.subtree);
    }
    this.readAhead();
    return reading;
  }

  private readAhead(): void {
    while (this.ahead.size < PARENT_LISTINGS_AHEAD && this.cursor < this.dirs.length) {
      const dir = this.dirs[this.cursor++]!;
      const read = this.read(dir.subtree);
      // Awaited when the walk gets there; one it passes by must not fail the backup.
      read.catch(ignoreRejection);
      this.ahead.set(dir, read);
    }
  }
}

/** Walks the paths and builds the snapshot's trees; one instance per backup. */
class TreeWalk {
  readonly stats: TreeStats = {
    files_new: 0,
    files_changed: 0,
    files_unmodified: 0,
    file_bytes_new: 0,
    file_bytes_changed: 0,
    file_bytes_unmodified: 0,
    dirs: 0,
    symlinks: 0,
    skipped: 0,
    warnings: 0,
  };
  readonly warnings: BackupProblem[] = [];
  readonly skipped: BackupProblem[] = [];
  readonly tally = new ChunkTally();
  files = 0;
  bytes = 0;
  private readonly hardLinks = new Map<string, Promise<TreeNode | undefined>>();
  private readonly owners = process.getuid?.() === 0 ? new OwnerNames() : undefined;
  private sliceEnd = 0;

  /** Every file's chunks go here (one function for all of them). */
  private readonly storeChunk = (chunk: FileChunk): void | Promise<void> => this.store(chunk);

  constructor(
    private readonly writer: RepositoryWriter,
    private readonly pool: FileWorkers,
    private readonly reader: ChunkReader | undefined,
    private readonly matcher: ExcludeMatcher,
    private readonly oneFileSystem: boolean,
    private readonly onProgress: ((p: TreeBackupProgress) => void) | undefined,
    private readonly own: OwnFiles = new OwnFiles(),
  ) {}

  warn(path: Buffer | string, problem: string): void {
    this.stats.warnings++;
    this.warnings.push({ path: typeof path === 'string' ? path : nameText(path), problem });
  }

  /** The parent's listing of the backup's root (its tree's parts). */
  async parentRoot(parts: Buffer[]): Promise<ParentDir | undefined> {
    const reader = this.reader;
    if (!reader) return undefined;
    return new ParentDir(await readTree(reader, parts), (subtree) => readTree(reader, subtree));
  }

  private meta(name: Buffer, st: BigIntStats | FileStat): NodeMeta {
    const uid = Number(st.uid);
    const gid = Number(st.gid);
    return {
      name,
      mode: Number(st.mode) & 0o7777,
      uid,
      gid,
      user: this.owners?.user(uid) ?? '',
      group: this.owners?.group(gid) ?? '',
      mtimeNs: st.mtimeNs,
      ctimeNs: st.ctimeNs,
      dev: st.dev,
      ino: st.ino,
      nlink: Number(st.nlink),
    };
  }

  /**
   * Walks one directory (and, depth first, those below it). Resolves when the walk is done;
   * `parts` resolves later, when every file in it has been read and its tree is stored.
   */
  async walkDir(
    path: Buffer,
    parent: ParentDir | undefined,
    rootDev: bigint,
  ): Promise<{ tree: Promise<StoredTree> }> {
    const entries = listDir(path, (error) =>
      this.warn(path, `cannot list the directory (${describe(error)}); recorded as empty`),
    );
    const listing = new Listing();
    for (const entry of entries) {
      if (performance.now() >= this.sliceEnd) {
        await nextTurn();
        this.sliceEnd = performance.now() + WALK_SLICE_MS;
      }
      const name = Buffer.from(entry.name, 'latin1');
      const full = joinPath(path, name);
      if (!this.matcher.empty && this.matcher.excludes(nameText(full), nameText(name))) continue;
      const own = this.own.entry(entry.name, full);
      if (own) {
        this.stats.skipped++;
        this.skipped.push({ path: nameText(full), problem: `${own}: not backed up` });
        continue;
      }
      const previous = parent?.get(entry.name);
      if (entry.kind === 'file' && previous?.type !== 'file') {
        // Nothing to compare with: the worker's stat of the open file is the only one needed.
        // (A stat per file was the walk's largest cost in a first backup of a source tree.)
        // No promise per file while the workers have room: most files of a first backup.
        if (!this.pool.ready) await this.pool.whenReady();
        this.newFile(full, name, previous, listing);
      } else {
        let st: BigIntStats;
        try {
          st = lstatSync(full, { bigint: true });
        } catch (error) {
          this.warn(full, `cannot stat (${describe(error)}); skipped`);
          continue;
        }
        const visited = await this.visit(full, name, st, previous, rootDev, parent);
        listing.add(visited.node);
      }
    }
    listing.walked();
    const tree = listing.complete.then((list) => storeTree(this.writer, list));
    tree.catch(ignoreRejection);
    return { tree };
  }

  /**
   * One entry; directories are walked before this returns, files are queued to the workers.
   * `previous` is the parent snapshot's node of this name, from `within`'s listing.
   */
  async visit(
    path: Buffer,
    name: Buffer,
    st: BigIntStats,
    previous: TreeNode | undefined,
    rootDev: bigint,
    within?: ParentDir,
  ): Promise<{ node: Promise<TreeNode | undefined> }> {
    const meta = this.meta(name, st);
    if (st.isFile()) return this.file(path, meta, st, previous);
    if (st.isDirectory()) {
      this.stats.dirs++;
      if (this.oneFileSystem && st.dev !== rootDev) {
        // A mount point: kept as an empty directory, its contents belong to another filesystem.
        const { parts } = await storeTree(this.writer, []);
        return { node: Promise.resolve({ ...meta, type: 'dir', size: 0, subtree: parts }) };
      }
      const { tree } = await this.walkDir(
        path,
        previous?.type === 'dir' ? await within?.child(previous) : undefined,
        rootDev,
      );
      return { node: tree.then(({ parts }) => ({ ...meta, type: 'dir', size: 0, subtree: parts })) };
    }
    if (st.isSymbolicLink()) {
      try {
        const target = readlinkSync(path, { encoding: 'buffer' });
        this.stats.symlinks++;
        return { node: Promise.resolve({ ...meta, type: 'symlink', size: target.length, target }) };
      } catch (error) {
        this.warn(path, `cannot read the link (${describe(error)}); skipped`);
        return { node: Promise.resolve(undefined) };
      }
    }
    const kind = st.isSocket()
      ? 'socket'
      : st.isFIFO()
        ? 'FIFO'
        : st.isBlockDevice()
          ? 'block device'
          : st.isCharacterDevice()
            ? 'character device'
            : 'special file';
    this.stats.skipped++;
    this.skipped.push({ path: nameText(path), problem: `${kind}: not backed up` });
    return { node: Promise.resolve(undefined) };
  }

  private async file(
    path: Buffer,
    meta: NodeMeta,
    st: BigIntStats,
    previous: TreeNode | undefined,
  ): Promise<{ node: Promise<TreeNode | undefined> }> {
    const size = Number(st.size);
    if (
      previous?.type === 'file' &&
      previous.size === size &&
      previous.mtimeNs === st.mtimeNs &&
      previous.ctimeNs === st.ctimeNs &&
      previous.ino === st.ino
    ) {
      this.stats.files_unmodified++;
      this.stats.file_bytes_unmodified += size;
      this.pool.unread();
      this.progress(size);
      return { node: Promise.resolve({ ...meta, type: 'file', size, content: previous.content }) };
    }
    const linkKey = st.nlink > 1n ? inodeKey(st) : undefined;
    const later = linkKey && this.laterName(linkKey, meta, size, previous);
    if (later) return { node: later };
    if (!this.pool.ready) await this.pool.whenReady();
    const node = this.pool
      .read(path, size, this.storeChunk)
      .then((result) => this.readNode(path, meta, result, previous));
    if (linkKey) this.hardLinks.set(linkKey, node);
    return { node };
  }

  /**
   * A file the walk did not stat, once a worker has room; its worker stats it, and stops at a
   * hard-linked one. Its node goes to its place in `listing`.
   */
  private newFile(path: Buffer, name: Buffer, previous: TreeNode | undefined, listing: Listing): void {
    const at = listing.reserve();
    this.pool.readThen(
      path,
      undefined,
      this.storeChunk,
      (result) => {
        try {
          listing.fill(
            at,
            result.hardLink
              ? this.hardLinked(path, this.meta(name, result.hardLink), result.hardLink, previous)
              : this.readNode(path, result.done && this.meta(name, result.done), result, previous),
          );
        } catch (error) {
          listing.fail(error);
        }
      },
      listing.fail,
    );
  }

  /** A name of a hard-linked file found by a worker: read once, by the first name reported. */
  private async hardLinked(
    path: Buffer,
    meta: NodeMeta,
    st: FileStat,
    previous: TreeNode | undefined,
  ): Promise<TreeNode | undefined> {
    const linkKey = inodeKey(st);
    const later = this.laterName(linkKey, meta, st.size, previous);
    if (later) return later;
    const read = this.pool
      .read(path, st.size, this.storeChunk)
      .then((result) => this.readNode(path, meta, result, previous));
    this.hardLinks.set(linkKey, read);
    return read;
  }

  /**
   * A later name of a hard-linked file whose first name is being read: that name's node (same
   * content, read once) with this name's metadata. Undefined for the first name.
   */
  private laterName(
    linkKey: string,
    meta: NodeMeta,
    size: number,
    previous: TreeNode | undefined,
  ): Promise<TreeNode | undefined> | undefined {
    const first = this.hardLinks.get(linkKey);
    if (!first) return undefined;
    this.countFile(previous, size);
    return first.then((node) => (node?.type === 'file' ? { ...node, ...meta } : undefined));
  }

  /**
   * The tree node of a file a worker has read (undefined, and a warning, when it could not); a
   * promise only for a file with more chunks than a node lists itself.
   */
  private readNode(
    path: Buffer,
    meta: NodeMeta | undefined,
    result: FileReadResult,
    previous: TreeNode | undefined,
  ): TreeNode | undefined | Promise<TreeNode> {
    if (result.error || !result.done || !meta) {
      this.warn(
        path,
        `cannot read (${result.error?.code ?? 'EIO'}: ${result.error?.message ?? 'no result'}); skipped`,
      );
      return undefined;
    }
    const done = result.done;
    if (done.changed) this.warn(path, 'changed while it was read; the backed-up copy may be inconsistent');
    this.countFile(previous, done.size);
    const content = fileContent(this.writer, result.refs);
    return 'then' in content
      ? content.then((stored) => fileNode(meta, done, stored))
      : fileNode(meta, done, content);
  }

  private countFile(previous: TreeNode | undefined, size: number): void {
    if (previous?.type === 'file') {
      this.stats.files_changed++;
      this.stats.file_bytes_changed += size;
    } else {
      this.stats.files_new++;
      this.stats.file_bytes_new += size;
    }
    this.progress(size);
  }

  /** A promise only when the chunk had to wait to be stored (see RepositoryWriter.putEncoded). */
  private store(chunk: FileChunk): void | Promise<void> {
    const isNew =
      !chunk.known &&
      chunk.framed !== undefined &&
      this.writer.putEncoded(chunk.id, chunk.rawLength, chunk.codec, chunk.framed, PackClass.data, true);
    if (typeof isNew !== 'boolean') return isNew.then((stored) => this.tally.count(stored, chunk.rawLength));
    this.tally.count(isNew, chunk.rawLength);
  }

  private progress(size: number): void {
    this.files++;
    this.bytes += size;
    this.onProgress?.({ files: this.files, bytes: this.bytes });
  }
}

interface Source {
  absolute: string;
  name: Buffer;
  st: BigIntStats;
}

/**
 * A read file's node: its metadata as listed, its times and size as read. Built field by field:
 * a copy of `meta` with these on top was one more object per file.
 */
function fileNode(meta: NodeMeta, done: FileStat, content: FileContent): TreeNode {
  return {
    name: meta.name,
    mode: meta.mode,
    uid: meta.uid,
    gid: meta.gid,
    user: meta.user,
    group: meta.group,
    mtimeNs: done.mtimeNs,
    ctimeNs: done.ctimeNs,
    dev: meta.dev,
    ino: meta.ino,
    nlink: meta.nlink,
    type: 'file',
    size: done.size,
    content,
  };
}

function resolveSources(paths: string[], own: OwnFiles): Source[] {
  if (paths.length === 0)
    throw new InputError(
      'Nothing to back up: no path given.',
      'Name one or more paths, e.g. `lifeboat backup /srv/data`.',
    );
  const sources = paths.map((p) => {
    const absolute = nodePath.resolve(p);
    const ownSource = own.containing(absolute);
    if (ownSource)
      throw new InputError(
        `Cannot back up ${absolute}: it is ${ownSource}, or inside it.`,
        'Back up what it protects instead; a copy of a repository belongs in another repository (`lifeboat replicate`).',
      );
    let st: BigIntStats;
    try {
      st = lstatSync(nameBytes(absolute), { bigint: true });
    } catch (error) {
      throw new InputError(
        `Cannot back up ${absolute}: ${describe(error)}.`,
        'Check the path (and that it is readable by this user).',
      );
    }
    return { absolute, name: nameBytes(nodePath.basename(absolute) || '/'), st };
  });
  const seen = new Set<string>();
  for (const s of sources) {
    const key = s.name.toString('latin1');
    if (seen.has(key) && sources.length > 1)
      throw new InputError(
        `Two paths end in the same name "${s.name.toString()}"; a snapshot's top level holds one entry per path.`,
        'Back them up under different names (two backups), or name their common parent instead.',
      );
    seen.add(key);
  }
  return sources;
}

/**
 * Backs up directory trees. One PATH that is a directory becomes the snapshot's root (its
 * contents restore into the target); several PATHs (or a file) become entries of a root named by
 * their last component. With a parent, a file whose size, mtime, ctime and inode match is not
 * read again; its chunk list is reused.
 */
export async function backupTree(repo: Repository, request: TreeBackupRequest): Promise<TreeBackupResult> {
  validateBackupName(request.name);
  const own = new OwnFiles(request.ownFiles);
  const sources = resolveSources(request.paths, own);
  const started = new Date();
  const writer = new RepositoryWriter(repo);
  // A write-only key reads no parent tree: every file is read, and deduplicated against the index.
  const { manifest: parentCandidate, ref: parent } = await resolveParent(repo, request);
  let reader: ChunkReader | undefined;
  if (parent || repo.keys.writeOnly) {
    const index = await loadChunkIndex(repo);
    // Everything the repository holds is deduplicated against, not only the parent's chunks.
    writer.useIndex(index);
    if (parentCandidate) reader = new ChunkReader(repo, index);
  }
  const parentTree = parentCandidate?.content.kind === 'tree' ? parentCandidate : undefined;
  const pool = new FileWorkers({
    idKey: repo.keys.id,
    compression: repo.config.compression,
    chunker: repo.chunkerParams,
    gear: repo.gear(),
  });
  const walk = new TreeWalk(
    writer,
    pool,
    parentTree ? reader : undefined,
    new ExcludeMatcher(request.excludes ?? []),
    request.oneFileSystem ?? false,
    request.onProgress,
    own,
  );
  let root: StoredTree;
  try {
    const parentRoot =
      parentTree?.content.kind === 'tree'
        ? await walk.parentRoot(parentTree.content.tree.map((h) => Buffer.from(h, 'hex')))
        : undefined;
    const only = sources.length === 1 ? sources[0] : undefined;
    if (only?.st.isDirectory()) {
      walk.stats.dirs++;
      const { tree } = await walk.walkDir(nameBytes(only.absolute), parentRoot, only.st.dev);
      root = await tree;
    } else {
      const nodes: Promise<TreeNode | undefined>[] = [];
      for (const s of sources) {
        const { node } = await walk.visit(
          nameBytes(s.absolute),
          s.name,
          s.st,
          parentRoot?.get(s.name.toString('latin1')),
          s.st.dev,
          parentRoot,
        );
        nodes.push(node);
      }
      const list = await Promise.all(nodes);
      root = await storeTree(
        writer,
        list.filter((n): n is TreeNode => n !== undefined),
      );
    }
    if (request.strict && walk.warnings.length > 0) throw new StrictBackupError(walk.warnings);
    await writer.flush();
  } catch (error) {
    writer.abort();
    throw error;
  } finally {
    await pool.close();
  }

  const t = walk.stats;
  const bytes = t.file_bytes_new + t.file_bytes_changed + t.file_bytes_unmodified;
  const manifest = await commitBackup(repo, writer, {
    id: request.snapshotId,
    name: request.name,
    targetType: 'filesystem',
    backupType: parent ? request.backupType : 'full',
    parent,
    started,
    content: {
      kind: 'tree',
      size: bytes,
      files: t.files_new + t.files_changed + t.files_unmodified,
      tree: root.parts.map((p) => p.toString('hex')),
      paths: sources.map((s) => s.absolute),
    },
    checksumAlgorithm: 'sha256-tree',
    checksumValue: root.digest.toString('hex'),
    originalBytes: bytes,
    tally: walk.tally,
    tree: t,
  });
  return {
    manifest,
    requestedType: request.backupType,
    durationMs: Date.now() - started.getTime(),
    warnings: walk.warnings,
    skipped: walk.skipped,
  };
}
