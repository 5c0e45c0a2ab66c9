"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.StrictBackupError = void 0;
exports.backupTree = backupTree;
const node_fs_1 = require("node:fs");
const nodePath = __importStar(require("node:path"));
const promises_1 = require("node:timers/promises");
const errors_1 = require("../../core/errors");
const backup_stream_1 = require("../../core/services/backup-stream");
const snapshot_commit_1 = require("../../core/services/snapshot-commit");
const pack_1 = require("../../repository/pack");
const reader_1 = require("../../repository/reader");
const tree_io_1 = require("../../repository/tree-io");
const writer_1 = require("../../repository/writer");
const exclude_1 = require("./exclude");
const file_workers_1 = require("./file-workers");
const own_files_1 = require("./own-files");
const owners_1 = require("./owners");
const path_text_1 = require("./path-text");
const paths_1 = require("./paths");
class StrictBackupError extends errors_1.LifeboatError {
    problems;
    constructor(problems) {
        super('BACKUP_WARNINGS', `${problems.length} problem(s) while reading, and --strict was given: no snapshot was saved. ` +
            `First: ${problems[0]?.path}: ${problems[0]?.problem}`, 'Fix the access rights (or exclude the paths with --exclude) and run the backup again; without --strict the backup completes and reports them.', errors_1.ExitCode.failure);
        this.problems = problems;
    }
}
exports.StrictBackupError = StrictBackupError;
function describe(error) {
    const e = error;
    return e.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String(error);
}
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
/**
 * The parent snapshot's listing of one directory. The listings of its subdirectories are read a
 * few ahead of the walk, in name order, which is the order the walk enters them in; those it
 * passes by (gone, excluded, no longer directories) are dropped.
 */
class ParentDir {
    read;
    byName;
    dirs;
    /** The next of `dirs` to read ahead. */
    cursor = 0;
    ahead = new Map();
    constructor(nodes, read) {
        this.read = read;
        this.byName = new Map(nodes.map((n) => [n.name.toString('latin1'), n]));
        this.dirs = nodes.filter((n) => n.type === 'dir');
        this.readAhead();
    }
    /** The parent's node of this name (its latin1 string). */
    get(name) {
        return this.byName.get(name);
    }
    /** The parent's listing of one of this directory's subdirectories (a node of this listing). */
    async child(node) {
        return new ParentDir(await this.listing(node), this.read);
    }
    listing(node) {
        let reading;
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
            if (at >= 0)
                this.cursor = at + 1;
            reading = this.read(node.subtree);
        }
        this.readAhead();
        return reading;
    }
    readAhead() {
        while (this.ahead.size < PARENT_LISTINGS_AHEAD && this.cursor < this.dirs.length) {
            const dir = this.dirs[this.cursor++];
            const read = this.read(dir.subtree);
            // Awaited when the walk gets there; one it passes by must not fail the backup.
            read.catch(() => undefined);
            this.ahead.set(dir, read);
        }
    }
}
/** Walks the paths and builds the snapshot's trees; one instance per backup. */
class TreeWalk {
    writer;
    pool;
    reader;
    matcher;
    oneFileSystem;
    onProgress;
    own;
    stats = {
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
    warnings = [];
    skipped = [];
    tally = new snapshot_commit_1.ChunkTally();
    files = 0;
    bytes = 0;
    hardLinks = new Map();
    owners = process.getuid?.() === 0 ? new owners_1.OwnerNames() : undefined;
    sliceEnd = 0;
    constructor(writer, pool, reader, matcher, oneFileSystem, onProgress, own = new own_files_1.OwnFiles()) {
        this.writer = writer;
        this.pool = pool;
        this.reader = reader;
        this.matcher = matcher;
        this.oneFileSystem = oneFileSystem;
        this.onProgress = onProgress;
        this.own = own;
    }
    warn(path, problem) {
        this.stats.warnings++;
        this.warnings.push({ path: typeof path === 'string' ? path : (0, path_text_1.nameText)(path), problem });
    }
    /** The parent's listing of the backup's root (its tree's parts). */
    async parentRoot(parts) {
        const reader = this.reader;
        if (!reader)
            return undefined;
        return new ParentDir(await (0, tree_io_1.readTree)(reader, parts), (subtree) => (0, tree_io_1.readTree)(reader, subtree));
    }
    meta(name, st) {
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
    async walkDir(path, parent, rootDev) {
        const entries = (0, paths_1.listDir)(path, (error) => this.warn(path, `cannot list the directory (${describe(error)}); recorded as empty`));
        const nodes = [];
        for (const entry of entries) {
            if (performance.now() >= this.sliceEnd) {
                await (0, promises_1.setImmediate)();
                this.sliceEnd = performance.now() + WALK_SLICE_MS;
            }
            const name = Buffer.from(entry.name, 'latin1');
            const full = (0, paths_1.joinPath)(path, name);
            if (!this.matcher.empty && this.matcher.excludes((0, path_text_1.nameText)(full), (0, path_text_1.nameText)(name)))
                continue;
            const own = this.own.entry(entry.name, full);
            if (own) {
                this.stats.skipped++;
                this.skipped.push({ path: (0, path_text_1.nameText)(full), problem: `${own}: not backed up` });
                continue;
            }
            const previous = parent?.get(entry.name);
            let visited;
            if (entry.kind === 'file' && previous?.type !== 'file') {
                // Nothing to compare with: the worker's stat of the open file is the only one needed.
                // (A stat per file was the walk's largest cost in a first backup of a source tree.)
                // No promise per file while the workers have room: most files of a first backup.
                if (!this.pool.ready)
                    await this.pool.whenReady();
                visited = this.newFile(full, name, previous);
            }
            else {
                let st;
                try {
                    st = (0, node_fs_1.lstatSync)(full, { bigint: true });
                }
                catch (error) {
                    this.warn(full, `cannot stat (${describe(error)}); skipped`);
                    continue;
                }
                visited = await this.visit(full, name, st, previous, rootDev, parent);
            }
            visited.node.catch(() => undefined);
            nodes.push(visited.node);
        }
        const tree = Promise.all(nodes).then((list) => (0, tree_io_1.storeTree)(this.writer, list.filter((n) => n !== undefined)));
        tree.catch(() => undefined);
        return { tree };
    }
    /**
     * One entry; directories are walked before this returns, files are queued to the workers.
     * `previous` is the parent snapshot's node of this name, from `within`'s listing.
     */
    async visit(path, name, st, previous, rootDev, within) {
        const meta = this.meta(name, st);
        if (st.isFile())
            return this.file(path, meta, st, previous);
        if (st.isDirectory()) {
            this.stats.dirs++;
            if (this.oneFileSystem && st.dev !== rootDev) {
                // A mount point: kept as an empty directory, its contents belong to another filesystem.
                const { parts } = await (0, tree_io_1.storeTree)(this.writer, []);
                return { node: Promise.resolve({ ...meta, type: 'dir', size: 0, subtree: parts }) };
            }
            const { tree } = await this.walkDir(path, previous?.type === 'dir' ? await within?.child(previous) : undefined, rootDev);
            return { node: tree.then(({ parts }) => ({ ...meta, type: 'dir', size: 0, subtree: parts })) };
        }
        if (st.isSymbolicLink()) {
            try {
                const target = (0, node_fs_1.readlinkSync)(path, { encoding: 'buffer' });
                this.stats.symlinks++;
                return { node: Promise.resolve({ ...meta, type: 'symlink', size: target.length, target }) };
            }
            catch (error) {
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
        this.skipped.push({ path: (0, path_text_1.nameText)(path), problem: `${kind}: not backed up` });
        return { node: Promise.resolve(undefined) };
    }
    async file(path, meta, st, previous) {
        const size = Number(st.size);
        if (previous?.type === 'file' &&
            previous.size === size &&
            previous.mtimeNs === st.mtimeNs &&
            previous.ctimeNs === st.ctimeNs &&
            previous.ino === st.ino) {
            this.stats.files_unmodified++;
            this.stats.file_bytes_unmodified += size;
            this.progress(size);
            return { node: Promise.resolve({ ...meta, type: 'file', size, content: previous.content }) };
        }
        const linkKey = st.nlink > 1n ? (0, paths_1.inodeKey)(st) : undefined;
        const later = linkKey && this.laterName(linkKey, meta, size, previous);
        if (later)
            return { node: later };
        if (!this.pool.ready)
            await this.pool.whenReady();
        const node = this.pool
            .read(path, size, (chunk) => this.store(chunk))
            .then((result) => this.readNode(path, meta, result, previous));
        if (linkKey)
            this.hardLinks.set(linkKey, node);
        return { node };
    }
    /**
     * A file the walk did not stat, once a worker has room; its worker stats it, and stops at a
     * hard-linked one.
     */
    newFile(path, name, previous) {
        const node = this.pool
            .read(path, undefined, (chunk) => this.store(chunk))
            .then((result) => result.hardLink
            ? this.hardLinked(path, this.meta(name, result.hardLink), result.hardLink, previous)
            : this.readNode(path, result.done && this.meta(name, result.done), result, previous));
        return { node };
    }
    /** A name of a hard-linked file found by a worker: read once, by the first name reported. */
    async hardLinked(path, meta, st, previous) {
        const linkKey = (0, paths_1.inodeKey)(st);
        const later = this.laterName(linkKey, meta, st.size, previous);
        if (later)
            return later;
        const read = this.pool
            .read(path, st.size, (chunk) => this.store(chunk))
            .then((result) => this.readNode(path, meta, result, previous));
        this.hardLinks.set(linkKey, read);
        return read;
    }
    /**
     * A later name of a hard-linked file whose first name is being read: that name's node (same
     * content, read once) with this name's metadata. Undefined for the first name.
     */
    laterName(linkKey, meta, size, previous) {
        const first = this.hardLinks.get(linkKey);
        if (!first)
            return undefined;
        this.countFile(previous, size);
        return first.then((node) => (node?.type === 'file' ? { ...node, ...meta } : undefined));
    }
    /** The tree node of a file a worker has read (undefined, and a warning, when it could not). */
    async readNode(path, meta, result, previous) {
        if (result.error || !result.done || !meta) {
            this.warn(path, `cannot read (${result.error?.code ?? 'EIO'}: ${result.error?.message ?? 'no result'}); skipped`);
            return undefined;
        }
        const done = result.done;
        if (done.changed)
            this.warn(path, 'changed while it was read; the backed-up copy may be inconsistent');
        this.countFile(previous, done.size);
        const content = await (0, tree_io_1.fileContent)(this.writer, result.refs);
        return {
            ...meta,
            mtimeNs: done.mtimeNs,
            ctimeNs: done.ctimeNs,
            type: 'file',
            size: done.size,
            content,
        };
    }
    countFile(previous, size) {
        if (previous?.type === 'file') {
            this.stats.files_changed++;
            this.stats.file_bytes_changed += size;
        }
        else {
            this.stats.files_new++;
            this.stats.file_bytes_new += size;
        }
        this.progress(size);
    }
    /** A promise only when the chunk had to wait to be stored (see RepositoryWriter.putEncoded). */
    store(chunk) {
        const isNew = !chunk.known &&
            chunk.framed !== undefined &&
            this.writer.putEncoded(chunk.id, chunk.rawLength, chunk.codec, chunk.framed, pack_1.PackClass.data, true);
        if (typeof isNew !== 'boolean')
            return isNew.then((stored) => this.tally.count(stored, chunk.rawLength));
        this.tally.count(isNew, chunk.rawLength);
    }
    progress(size) {
        this.files++;
        this.bytes += size;
        this.onProgress?.({ files: this.files, bytes: this.bytes });
    }
}
function resolveSources(paths, own) {
    if (paths.length === 0)
        throw new errors_1.InputError('Nothing to back up: no path given.', 'Name one or more paths, e.g. `lifeboat backup /srv/data`.');
    const sources = paths.map((p) => {
        const absolute = nodePath.resolve(p);
        const ownSource = own.containing(absolute);
        if (ownSource)
            throw new errors_1.InputError(`Cannot back up ${absolute}: it is ${ownSource}, or inside it.`, 'Back up what it protects instead; a copy of a repository belongs in another repository (`lifeboat replicate`).');
        let st;
        try {
            st = (0, node_fs_1.lstatSync)((0, path_text_1.nameBytes)(absolute), { bigint: true });
        }
        catch (error) {
            throw new errors_1.InputError(`Cannot back up ${absolute}: ${describe(error)}.`, 'Check the path (and that it is readable by this user).');
        }
        return { absolute, name: (0, path_text_1.nameBytes)(nodePath.basename(absolute) || '/'), st };
    });
    const seen = new Set();
    for (const s of sources) {
        const key = s.name.toString('latin1');
        if (seen.has(key) && sources.length > 1)
            throw new errors_1.InputError(`Two paths end in the same name "${s.name.toString()}"; a snapshot's top level holds one entry per path.`, 'Back them up under different names (two backups), or name their common parent instead.');
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
async function backupTree(repo, request) {
    (0, backup_stream_1.validateBackupName)(request.name);
    const own = new own_files_1.OwnFiles(request.ownFiles);
    const sources = resolveSources(request.paths, own);
    const started = new Date();
    const writer = new writer_1.RepositoryWriter(repo);
    // A write-only key reads no parent tree: every file is read, and deduplicated against the index.
    const { manifest: parentCandidate, ref: parent } = await (0, backup_stream_1.resolveParent)(repo, request);
    let reader;
    if (parent || repo.keys.writeOnly) {
        const index = await (0, reader_1.loadChunkIndex)(repo);
        // Everything the repository holds is deduplicated against, not only the parent's chunks.
        writer.useIndex(index);
        if (parentCandidate)
            reader = new reader_1.ChunkReader(repo, index);
    }
    const parentTree = parentCandidate?.content.kind === 'tree' ? parentCandidate : undefined;
    const pool = new file_workers_1.FileWorkers({
        idKey: repo.keys.id,
        compression: repo.config.compression,
        chunker: repo.chunkerParams,
        gear: repo.gear(),
    });
    const walk = new TreeWalk(writer, pool, parentTree ? reader : undefined, new exclude_1.ExcludeMatcher(request.excludes ?? []), request.oneFileSystem ?? false, request.onProgress, own);
    let root;
    try {
        const parentRoot = parentTree?.content.kind === 'tree'
            ? await walk.parentRoot(parentTree.content.tree.map((h) => Buffer.from(h, 'hex')))
            : undefined;
        const only = sources.length === 1 ? sources[0] : undefined;
        if (only?.st.isDirectory()) {
            walk.stats.dirs++;
            const { tree } = await walk.walkDir((0, path_text_1.nameBytes)(only.absolute), parentRoot, only.st.dev);
            root = await tree;
        }
        else {
            const nodes = [];
            for (const s of sources) {
                const { node } = await walk.visit((0, path_text_1.nameBytes)(s.absolute), s.name, s.st, parentRoot?.get(s.name.toString('latin1')), s.st.dev, parentRoot);
                nodes.push(node);
            }
            const list = await Promise.all(nodes);
            root = await (0, tree_io_1.storeTree)(writer, list.filter((n) => n !== undefined));
        }
        if (request.strict && walk.warnings.length > 0)
            throw new StrictBackupError(walk.warnings);
        await writer.flush();
    }
    catch (error) {
        writer.abort();
        throw error;
    }
    finally {
        await pool.close();
    }
    const t = walk.stats;
    const bytes = t.file_bytes_new + t.file_bytes_changed + t.file_bytes_unmodified;
    const manifest = await (0, snapshot_commit_1.commitBackup)(repo, writer, {
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
//# sourceMappingURL=backup.js.map