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
exports.RestoreFailedError = exports.KEPT_BY_NEVER = void 0;
exports.checkRestoreTarget = checkRestoreTarget;
exports.restoreTree = restoreTree;
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const fs = __importStar(require("node:fs/promises"));
const nodePath = __importStar(require("node:path"));
const errors_1 = require("../../core/errors");
const restore_workers_1 = require("./restore-workers");
const reader_1 = require("../../repository/reader");
const tree_io_1 = require("../../repository/tree-io");
const own_files_1 = require("./own-files");
const owners_1 = require("./owners");
const path_text_1 = require("./path-text");
const paths_1 = require("./paths");
const zeros_1 = require("./zeros");
const nano_times_1 = require("./nano-times");
const restore_safety_1 = require("./restore-safety");
/** What `skipped` says of an existing entry kept by --overwrite never (the CLI counts these). */
exports.KEPT_BY_NEVER = 'exists; left alone (--overwrite never)';
/** Some files could not be restored; exit status 11 when the cause is damage, 1 otherwise. */
class RestoreFailedError extends errors_1.LifeboatError {
    problems;
    constructor(problems, damaged) {
        super(damaged ? 'INTEGRITY' : 'RESTORE_FAILED', `${problems.length} file(s) could not be restored. First: ${problems[0]?.path}: ${problems[0]?.problem}`, damaged
            ? 'Everything else was restored. No copy of the damaged data is intact; run `lifeboat check --read-data` for a full report, and restore these files from another backup or repository copy.'
            : 'Everything else was restored. Fix the cause (space, permissions) and restore again with --overwrite if-changed.', damaged ? errors_1.ExitCode.integrity : errors_1.ExitCode.failure);
        this.problems = problems;
    }
}
exports.RestoreFailedError = RestoreFailedError;
function join(dir, name) {
    const path = Buffer.allocUnsafe(dir.length + 1 + name.length);
    dir.copy(path, 0);
    path[dir.length] = 0x2f; // '/'
    name.copy(path, dir.length + 1);
    return path;
}
function lstatOrUndefined(path) {
    try {
        return (0, node_fs_1.lstatSync)(path, { bigint: true });
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
}
/** A descriptor of the file at `abs` (never through a symlink), or undefined when reading it is forbidden. */
function openUnlessForbidden(abs) {
    try {
        return (0, node_fs_1.openSync)(abs, node_fs_1.constants.O_RDONLY | node_fs_1.constants.O_NOFOLLOW | node_fs_1.constants.O_NONBLOCK);
    }
    catch (error) {
        if (error.code === 'EACCES')
            return undefined;
        throw error;
    }
}
/** An entry's path as text (path-text.ts: a byte that is not UTF-8 kept), from its directory's (`dir`). */
function pathIn(dir, node) {
    return dir ? `${dir}/${(0, path_text_1.nameText)(node.name)}` : (0, path_text_1.nameText)(node.name);
}
class TreeRestore {
    reader;
    filter;
    overwrite;
    deleteExtra;
    onProgress;
    own;
    result = {
        files_restored: 0,
        files_unchanged: 0,
        files_skipped: 0,
        bytes_restored: 0,
        dirs: 0,
        symlinks: 0,
        hardlinks: 0,
        deleted: 0,
        refused: [],
        skipped: [],
        duration_ms: 0,
        time_precision: nano_times_1.nanosecondTimes ? 'ns' : 'us',
    };
    asRoot = process.getuid?.() === 0;
    owners = this.asRoot ? new owners_1.OwnerNames() : undefined;
    dirMeta = [];
    links = [];
    linkFirst = new Map();
    zeroChunks = new Set();
    /** Files with the workers, by id; `dir` is their directory's snapshot path (see pathIn). */
    pendingFiles = new Map();
    retries = [];
    failures = [];
    damaged = false;
    writers;
    constructor(repo, reader, filter, overwrite, deleteExtra, onProgress, own) {
        this.reader = reader;
        this.filter = filter;
        this.overwrite = overwrite;
        this.deleteExtra = deleteExtra;
        this.onProgress = onProgress;
        this.own = own;
        this.writers = new restore_workers_1.RestoreWorkers(repo, reader, (outcome) => this.outcome(outcome));
    }
    /**
     * `fresh`: the directory was just created, so nothing in it exists yet (no lstat per entry).
     * `rel` is the directory's path as the snapshot shows it; an entry's own path (UTF-8, for
     * filters and reports) is made only where one is needed, not for each of a restore's files.
     */
    async restoreDir(parts, rel, dir, whole, fresh) {
        const nodes = await (0, tree_io_1.readTree)(this.reader, parts);
        const keep = this.deleteExtra && whole && !fresh ? new Set() : undefined;
        const accepted = this.acceptedNodes(nodes, rel, keep);
        if (keep)
            this.removeExtra(dir, rel, keep);
        const narrows = this.filter.narrows;
        for (const node of accepted) {
            let path;
            let entireEntry = true; // without filters, everything is restored whole
            if (narrows) {
                path = pathIn(rel, node);
                entireEntry = whole ? !this.filter.excluded(path) : this.filter.whole(path);
                if (!entireEntry && !(node.type === 'dir' && this.filter.onTheWay(path)))
                    continue;
            }
            const abs = join(dir, node.name);
            const own = this.own.entry(node.name, abs);
            if (own) {
                this.leaveAlone(path ?? pathIn(rel, node), own);
                continue;
            }
            if (node.type === 'dir') {
                const dirPath = path ?? pathIn(rel, node);
                const made = fresh ? this.makeDir(abs) : this.ensureDir(abs, dirPath);
                if (made === undefined)
                    continue;
                this.result.dirs++;
                await this.restoreDir(node.subtree, dirPath, abs, entireEntry, made);
                this.dirMeta.push({ path: abs, node });
            }
            else if (node.type === 'symlink') {
                await this.symlink(abs, path ?? pathIn(rel, node), node, fresh);
            }
            else {
                // Most files are queued without waiting: a promise (and a turn of the event loop) per
                // file only when its batch goes out.
                const queued = this.file(abs, rel, node, fresh);
                if (queued)
                    await queued;
            }
        }
    }
    /**
     * The entries that may be created: safe names, each once (refused ones are reported). Names in
     * order, as encodeTree writes them, cannot repeat: only a directory out of order (a damaged or
     * crafted tree) needs a set of the names seen. `keep` (for --delete) is given every name kept.
     */
    acceptedNodes(nodes, rel, keep) {
        let inOrder = true;
        for (let i = 1; i < nodes.length && inOrder; i++)
            inOrder = Buffer.compare(nodes[i - 1].name, nodes[i].name) < 0;
        const seen = inOrder ? keep : (keep ?? new Set());
        const accepted = [];
        for (const node of nodes) {
            const reason = (0, restore_safety_1.unsafeNameReason)(node.name);
            if (reason) {
                this.result.refused.push({ path: pathIn(rel, node), problem: reason });
                continue;
            }
            if (seen) {
                const key = node.name.toString('latin1');
                if (seen.has(key)) {
                    this.result.refused.push({
                        path: pathIn(rel, node),
                        problem: 'second entry of the same name in one directory',
                    });
                    continue;
                }
                seen.add(key);
            }
            accepted.push(node);
        }
        return accepted;
    }
    removeExtra(dir, rel, keep) {
        for (const name of (0, node_fs_1.readdirSync)(dir, { encoding: 'buffer' })) {
            if (keep.has(name.toString('latin1')))
                continue;
            const abs = join(dir, name);
            if (!this.mayRemove(abs, rel ? `${rel}/${(0, path_text_1.nameText)(name)}` : (0, path_text_1.nameText)(name)))
                continue;
            (0, node_fs_1.rmSync)(abs, { recursive: true, force: true });
            this.result.deleted++;
        }
    }
    /** False, reported, when `abs` is or holds one of Lifeboat's own files (see OwnFiles). */
    mayRemove(abs, path) {
        const what = this.own.heldBy(abs);
        if (what)
            this.leaveAlone(path, what);
        return what === undefined;
    }
    leaveAlone(path, what) {
        this.result.skipped.push({ path, problem: `${what}: left alone` });
    }
    makeDir(abs) {
        (0, node_fs_1.mkdirSync)(abs, { mode: 0o700 });
        return true;
    }
    /**
     * A real directory at `abs` (never a symlink to one): true when it was created (so it is
     * empty), false when it existed, undefined when it cannot be.
     */
    ensureDir(abs, path) {
        const existing = lstatOrUndefined(abs);
        if (existing?.isDirectory())
            return false;
        if (existing) {
            if (this.overwrite === 'never') {
                this.result.refused.push({
                    path,
                    problem: 'exists and is not a directory; left alone (--overwrite never)',
                });
                return undefined;
            }
            (0, node_fs_1.rmSync)(abs, { force: true });
        }
        return this.makeDir(abs);
    }
    /** Whether an existing entry is replaced; counts what is kept. */
    replaces(existing, abs, path, node) {
        if (this.overwrite === 'never') {
            this.result.files_skipped++;
            this.result.skipped.push({ path, problem: exports.KEPT_BY_NEVER });
            return false;
        }
        if (this.overwrite === 'if-changed' &&
            node.type === 'file' &&
            existing.isFile() &&
            existing.size === BigInt(node.size) &&
            // To the microsecond: a copy made through Node's utimes (or a restore where the addon of
            // nano-times.ts was missing) holds the backup's time cut there, with the same content.
            existing.mtimeNs / 1000n === node.mtimeNs / 1000n) {
            this.result.files_unchanged++;
            this.keepWithBackupsMetadata(abs, existing, path, node);
            return false;
        }
        return true;
    }
    /**
     * A file kept for its content (--overwrite if-changed) still gets the backup's mode, owner and
     * time to the nanosecond: a chmod or chown changes neither size nor mtime, so the content check
     * cannot see it, and that check compares microseconds. Through a descriptor opened without
     * following a symlink, like every file a restore writes; by path only when the file cannot be
     * opened (mode 000 for a user other than root), as directories are.
     */
    keepWithBackupsMetadata(abs, existing, path, node) {
        const owner = this.asRoot ? { uid: this.uid(node), gid: this.gid(node) } : undefined;
        const ownerDiffers = owner && (existing.uid !== BigInt(owner.uid) || existing.gid !== BigInt(owner.gid));
        const modeDiffers = Number(existing.mode & 4095n) !== node.mode;
        const timeDiffers = existing.mtimeNs !== node.mtimeNs;
        if (!ownerDiffers && !modeDiffers && !timeDiffers)
            return;
        try {
            const fd = openUnlessForbidden(abs);
            try {
                // The owner first: chown clears the set-user-id and set-group-id bits that chmod sets.
                if (fd === undefined) {
                    if (ownerDiffers)
                        (0, node_fs_1.lchownSync)(abs, owner.uid, owner.gid);
                    (0, node_fs_1.chmodSync)(abs, node.mode);
                    if (timeDiffers)
                        (0, nano_times_1.setPathTimes)(abs, node.mtimeNs, true);
                }
                else {
                    if (ownerDiffers)
                        (0, node_fs_1.fchownSync)(fd, owner.uid, owner.gid);
                    (0, node_fs_1.fchmodSync)(fd, node.mode);
                    if (timeDiffers)
                        (0, nano_times_1.setFileTimes)(fd, (0, nano_times_1.splitNanos)(node.mtimeNs));
                }
            }
            finally {
                if (fd !== undefined)
                    (0, node_fs_1.closeSync)(fd);
            }
        }
        catch (error) {
            this.failures.push({
                path,
                problem: `its content is the backup's, but not its mode, owner or time: ${error.message}`,
            });
        }
    }
    async symlink(abs, path, node, fresh) {
        const existing = fresh ? undefined : lstatOrUndefined(abs);
        if (existing && !this.replaces(existing, abs, path, node))
            return;
        if (existing?.isDirectory() && !this.mayRemove(abs, path))
            return;
        if (existing)
            (0, node_fs_1.rmSync)(abs, { recursive: existing.isDirectory(), force: true });
        await fs.symlink(node.target, abs);
        if (this.asRoot)
            await fs.lchown(abs, this.uid(node), this.gid(node)).catch(() => undefined);
        try {
            (0, nano_times_1.setPathTimes)(abs, node.mtimeNs, true);
        }
        catch {
            // A link's own times matter least; some filesystems refuse to set them.
        }
        this.result.symlinks++;
    }
    /** Queues a file for the workers; a promise only when that has to wait (see restoreDir). */
    file(abs, dir, node, fresh) {
        const linkKey = node.nlink > 1 ? (0, paths_1.inodeKey)(node) : undefined;
        const first = linkKey ? this.linkFirst.get(linkKey) : undefined;
        if (first) {
            this.links.push({ first, path: abs, rel: pathIn(dir, node) });
            return;
        }
        const existing = fresh ? undefined : lstatOrUndefined(abs);
        const replaced = !existing || this.replaces(existing, abs, pathIn(dir, node), node);
        if (replaced && existing?.isDirectory() && !this.mayRemove(abs, pathIn(dir, node)))
            return;
        // Later names link to this one only if it holds the backed-up content: restored now, or
        // found unchanged. A file left alone (--overwrite never) may hold anything.
        if (linkKey && (replaced || this.overwrite === 'if-changed'))
            this.linkFirst.set(linkKey, abs);
        if (!replaced)
            return;
        if (existing?.isDirectory())
            (0, node_fs_1.rmSync)(abs, { recursive: true, force: true });
        const replace = existing !== undefined && !existing.isDirectory();
        const added = this.writers.addFile(abs, (0, tree_io_1.fileRefList)(this.reader, node.content), node.size, replace, {
            size: node.size,
            mode: node.mode,
            uid: this.asRoot ? this.uid(node) : undefined,
            gid: this.asRoot ? this.gid(node) : undefined,
            mtimeNs: node.mtimeNs,
        });
        if (typeof added === 'number')
            this.pendingFiles.set(added, { abs, dir, node });
        else
            return added.then((fid) => void this.pendingFiles.set(fid, { abs, dir, node }));
    }
    /** What the workers report for each file. */
    outcome(outcome) {
        const file = this.pendingFiles.get(outcome.fid);
        if (!file)
            return;
        this.pendingFiles.delete(outcome.fid);
        if (outcome.bytes !== undefined) {
            this.restored(outcome.bytes);
        }
        else if (outcome.integrity) {
            // The first copy is damaged: read this file again chunk by chunk, trying every copy.
            this.retries.push(file);
        }
        else {
            this.failures.push({ path: pathIn(file.dir, file.node), problem: outcome.problem ?? 'failed' });
        }
    }
    /** Writes into a new temporary name, then renames over the path: never a half-written file. */
    async writeFile(abs, node) {
        const dir = nodePath.dirname(abs.toString('latin1'));
        const tmp = Buffer.from(`${dir}/.lifeboat-${(0, node_crypto_1.randomBytes)(8).toString('hex')}.tmp`, 'latin1');
        const handle = await fs.open(tmp, node_fs_1.constants.O_WRONLY | node_fs_1.constants.O_CREAT | node_fs_1.constants.O_EXCL | node_fs_1.constants.O_NOFOLLOW, 0o600);
        try {
            let position = 0;
            const pending = [];
            const writeOne = async () => {
                const { data, length } = await pending.shift();
                if (data)
                    await handle.write(data, 0, data.length, position);
                position += length;
            };
            for await (const ref of (0, tree_io_1.fileRefs)(this.reader, node.content)) {
                const hex = ref.id.toString('hex');
                // Runs of zeros (sparse files, disk images) become holes: nothing to read or write.
                const read = this.zeroChunks.has(hex)
                    ? Promise.resolve({ data: undefined, length: ref.rawLength })
                    : this.reader.readVerified(ref.id).then(({ data }) => {
                        if ((0, zeros_1.isZero)(data)) {
                            this.zeroChunks.add(hex);
                            return { data: undefined, length: data.length };
                        }
                        return { data, length: data.length };
                    });
                read.catch(() => undefined);
                pending.push(read);
                if (pending.length >= 4)
                    await writeOne();
            }
            while (pending.length > 0)
                await writeOne();
            if (position !== node.size) {
                throw new Error(`file has ${position} bytes in its chunks, its size is ${node.size}`);
            }
            await handle.truncate(node.size);
            if (this.asRoot)
                await handle.chown(this.uid(node), this.gid(node));
            await handle.chmod(node.mode);
            (0, nano_times_1.setFileTimes)(handle.fd, (0, nano_times_1.splitNanos)(node.mtimeNs));
        }
        catch (error) {
            await handle.close();
            await fs.rm(tmp, { force: true });
            throw error;
        }
        await handle.close();
        await fs.rename(tmp, abs);
        this.restored(node.size);
    }
    restored(bytes) {
        this.result.files_restored++;
        this.result.bytes_restored += bytes;
        this.onProgress?.(this.result.files_restored, this.result.bytes_restored);
    }
    async close() {
        await this.writers.close();
    }
    uid(node) {
        return (node.user ? this.owners?.uidOf(node.user) : undefined) ?? node.uid;
    }
    gid(node) {
        return (node.group ? this.owners?.gidOf(node.group) : undefined) ?? node.gid;
    }
    async finish() {
        await this.writers.flush();
        for (const retry of this.retries) {
            try {
                await this.writeFile(retry.abs, retry.node);
            }
            catch (error) {
                this.damaged ||= error.code === 'INTEGRITY';
                this.failures.push({ path: pathIn(retry.dir, retry.node), problem: error.message });
            }
        }
        if (this.failures.length > 0)
            throw new RestoreFailedError(this.failures, this.damaged);
        for (const link of this.links) {
            const existing = lstatOrUndefined(link.path);
            if (existing) {
                if (this.overwrite === 'never') {
                    this.result.skipped.push({ path: link.rel, problem: exports.KEPT_BY_NEVER });
                    continue;
                }
                if (!this.mayRemove(link.path, link.rel))
                    continue;
                (0, node_fs_1.rmSync)(link.path, { recursive: true, force: true });
            }
            await fs.link(link.first, link.path);
            this.result.hardlinks++;
        }
        // Deepest first, after their contents: writing into a directory changes its mtime. Synchronous
        // calls: nothing else runs now, and through the libuv pool 5,000 directories took 0.7 s.
        for (const { path, node } of this.dirMeta.reverse()) {
            if (this.asRoot)
                (0, node_fs_1.lchownSync)(path, this.uid(node), this.gid(node));
            (0, node_fs_1.chmodSync)(path, node.mode);
            (0, nano_times_1.setPathTimes)(path, node.mtimeNs);
        }
    }
}
function parseFilters(values, option) {
    return (values ?? []).map((value) => {
        const parts = (0, restore_safety_1.splitSnapshotPath)(value);
        if (!parts) {
            throw new errors_1.InputError(`${option} ${value}: a snapshot path must not contain "." or ".." components.`, `Give the path as \`ls\` shows it, e.g. ${option} src/main.c.`);
        }
        return parts;
    });
}
/**
 * Whether a restore may go into `target` with this overwrite mode (undefined: none given):
 * InputError when the target is a file, is (inside) one of Lifeboat's own files, or is not empty
 * and no mode was chosen. `fresh`: new or empty, so nothing there needs comparing.
 */
function checkRestoreTarget(requested, overwrite, own = new own_files_1.OwnFiles()) {
    const target = nodePath.resolve(requested);
    const ownTarget = own.containing(target);
    if (ownTarget) {
        throw new errors_1.InputError(`The target ${target} is ${ownTarget}, or inside it; nothing was restored.`, 'Restore into another directory.');
    }
    const existing = lstatOrUndefined((0, path_text_1.nameBytes)(target));
    if (existing && !existing.isDirectory()) {
        throw new errors_1.InputError(`The target ${target} exists and is not a directory.`, 'Give a directory (it is created when missing).');
    }
    // A target that is new or empty needs no check, entry by entry, of what is already there.
    const fresh = !existing || (0, node_fs_1.readdirSync)((0, path_text_1.nameBytes)(target)).length === 0;
    if (!fresh && overwrite === undefined) {
        throw new errors_1.InputError(`The target ${target} is not empty; nothing was restored.`, 'Restore into an empty or new directory, or choose what happens to existing files with --overwrite never|if-changed|always (and --delete to remove what the backup does not hold).');
    }
    return { target, fresh };
}
/**
 * Restores a tree snapshot into `target`, byte for byte with metadata. Names that would escape
 * the target are refused and reported; a directory is only ever entered after checking that it
 * is a real directory, so a symlink (restored or found) is never followed.
 */
async function restoreTree(repo, manifest, request) {
    const started = Date.now();
    if (manifest.content.kind !== 'tree') {
        throw new errors_1.InputError(`Backup ${manifest.id} is a stream, not a file tree.`, 'Restore it with --stdout.');
    }
    const filter = new restore_safety_1.PathFilter(parseFilters(request.includes, '--include'), parseFilters(request.excludes, '--exclude'));
    const own = new own_files_1.OwnFiles(request.ownFiles);
    const { target, fresh } = checkRestoreTarget(request.target, request.overwrite, own);
    (0, node_fs_1.mkdirSync)((0, path_text_1.nameBytes)(target), { recursive: true });
    let restore;
    try {
        // Trees (and the rare file re-read after damage) are verified here; contents on RestoreWorkers.
        const reader = new reader_1.ChunkReader(repo, await (0, reader_1.loadChunkIndex)(repo));
        const rootParts = manifest.content.tree.map((hex) => Buffer.from(hex, 'hex'));
        if ((await (0, tree_io_1.treeDigest)(reader, rootParts)).toString('hex') !== manifest.checksum_value) {
            throw new errors_1.IntegrityError(`snapshot ${manifest.id}`, 'root tree does not match the checksum in the manifest');
        }
        restore = new TreeRestore(repo, reader, filter, request.overwrite ?? 'never', request.delete ?? false, request.onProgress, own);
        await restore.restoreDir(rootParts, '', (0, path_text_1.nameBytes)(target), filter.whole(''), fresh);
        await restore.finish();
        restore.result.duration_ms = Date.now() - started;
        return restore.result;
    }
    finally {
        await restore?.close();
    }
}
//# sourceMappingURL=restore.js.map