"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.NOT_RESTORED_KEPT = void 0;
exports.verifyRestoredTree = verifyRestoredTree;
const node_fs_1 = require("node:fs");
const tree_io_1 = require("../../repository/tree-io");
const young_gc_1 = require("../../repository/young-gc");
const browse_1 = require("./browse");
const path_text_1 = require("./path-text");
const restore_safety_1 = require("./restore-safety");
const verify_workers_1 = require("./verify-workers");
const SLASH = Buffer.from('/');
/** Enough to act on; a restore that is wrong everywhere need not list every file. */
const MAX_PROBLEMS = 100;
/**
 * Paths a restore left alone on purpose (refused names, existing files kept, Lifeboat's own
 * files) kept in its record for this check, at most: a catalog record stays small; beyond this
 * many, the check reports the rest as differences.
 */
exports.NOT_RESTORED_KEPT = 1000;
/**
 * Checks a restored directory against the snapshot it came from, independently of the restore:
 * every entry must be there with its type, every regular file with its size, directories must be
 * directories and symbolic links must point where they pointed. With `readBack` (the default),
 * every regular file is also read back, cut with the repository's keyed chunker and hashed, and
 * its chunk ids must be the ones the snapshot records, in order (so its bytes are the backed-up
 * bytes). Of `options`, `includes`/`excludes` are the restore's filters (snapshot paths) and
 * `notRestored` the paths it refused or left alone, which are not compared (nor anything below them).
 */
async function verifyRestoredTree(repo, reader, manifest, target, options = {}, onProgress) {
    const readBack = options.readBack ?? true;
    const split = (paths = []) => paths.map((p) => (0, restore_safety_1.splitSnapshotPath)(p) ?? []);
    const filter = new restore_safety_1.PathFilter(split(options.includes), split(options.excludes));
    // What the restore left alone on purpose (refused names, existing files kept): not its bytes.
    const leftAlone = options.notRestored ?? [];
    const isLeftAlone = (p) => leftAlone.some((x) => p === x || p.startsWith(`${x}/`));
    const result = {
        files_checked: 0,
        bytes_checked: 0,
        dirs_checked: 0,
        symlinks_checked: 0,
        read_back: readBack,
        problems: [],
    };
    // Files are read back and hashed on worker threads; their outcomes arrive out of walk order,
    // so problems carry their place in the walk and are sorted at the end.
    let found = [];
    let order = 0;
    const report = (at, path, problem) => {
        found.push({ order: at, path, problem });
        // Only the first MAX_PROBLEMS in walk order are kept: a later one can only push these out.
        if (found.length > 2 * MAX_PROBLEMS)
            found = found.sort((a, b) => a.order - b.order).slice(0, MAX_PROBLEMS);
    };
    const problem = (path, text) => report(order++, path, text);
    const workers = readBack
        ? new verify_workers_1.VerifyWorkers({ idKey: repo.keys.id, chunker: repo.chunkerParams, gear: repo.gear() })
        : undefined;
    // A restore just before this (`restore --read-back`) leaves the main thread's heap at its
    // largest, and V8 keeps those pages: given back before the workers grow theirs, the peak of a
    // read-back restore of the Linux source tree was 242-249 MiB against 277-283 (tmpfs, in
    // turns), for one full collection.
    if (workers)
        (0, young_gc_1.compactHeap)();
    try {
        // A path as text (path-text.ts) is made only where it is needed, for the filters and
        // for what is reported: made for every entry, it took about 70 ms of a 1 s check of the Linux
        // source tree without read-back. Its bytes are made once per entry, and its place in the
        // target from the directory's (made once per directory).
        const filtering = filter.narrows || leftAlone.length > 0;
        const root = (0, path_text_1.nameBytes)(`${target}/`);
        const walk = await browse_1.TreeWalk.start(reader, (0, browse_1.rootParts)(manifest));
        let inDir = walk.dir;
        let targetDir = root;
        for (let node = walk.next(); node; node = walk.next()) {
            if (walk.dir !== inDir) {
                inDir = walk.dir;
                targetDir = inDir.length > 0 ? Buffer.concat([root, inDir, SLASH]) : root;
            }
            const dir = inDir;
            const name = node.name;
            let pathBytes; // made once, if at all
            const path = () => (pathBytes ??= (0, browse_1.childPath)(dir, name));
            if (node.type === 'dir')
                await walk.descend(node, path());
            const filtered = filtering ? (0, path_text_1.nameText)(path()) : undefined;
            if (filtered !== undefined && (!filter.whole(filtered) || isLeftAlone(filtered)))
                continue;
            const shown = () => filtered ?? (0, path_text_1.nameText)(path());
            const full = Buffer.concat([targetDir, name]);
            if (node.type === 'file' && workers) {
                const refs = await (0, tree_io_1.allFileRefs)(reader, node.content);
                const at = order++;
                await workers.add({
                    path: full,
                    size: node.size,
                    ids: Buffer.concat(refs.map((r) => r.id)),
                    lengths: refs.map((r) => r.rawLength),
                }, (mismatch) => {
                    if (mismatch)
                        report(at, shown(), mismatch);
                    else {
                        result.files_checked++;
                        result.bytes_checked += node.size;
                        onProgress?.(node.size);
                    }
                });
                continue;
            }
            let st;
            try {
                st = (0, node_fs_1.lstatSync)(full);
            }
            catch {
                problem(shown(), 'missing');
                continue;
            }
            if (node.type === 'file') {
                if (!st.isFile())
                    problem(shown(), 'not a regular file');
                else if (st.size !== node.size)
                    problem(shown(), `size differs (${st.size} bytes, backup ${node.size})`);
                else
                    result.files_checked++;
            }
            else if (node.type === 'dir') {
                if (st.isDirectory())
                    result.dirs_checked++;
                else
                    problem(shown(), 'not a directory');
            }
            else if (!st.isSymbolicLink())
                problem(shown(), 'not a symbolic link');
            else if (!(0, node_fs_1.readlinkSync)(full, { encoding: 'buffer' }).equals(node.target))
                problem(shown(), 'points elsewhere');
            else
                result.symlinks_checked++;
        }
        await workers?.finish();
    }
    finally {
        await workers?.close();
    }
    found.sort((a, b) => a.order - b.order);
    result.problems = found.slice(0, MAX_PROBLEMS).map(({ path, problem }) => ({ path, problem }));
    return result;
}
//# sourceMappingURL=verify-restored.js.map