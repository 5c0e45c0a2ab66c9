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
exports.treeDigest = treeDigest;
exports.treeDataset = treeDataset;
exports.treeInfo = treeInfo;
exports.benchTree = benchTree;
exports.turnOrder = turnOrder;
// The directory-tree part: the Linux 6.1 source tree, extracted once from linux.tar, backed up by
// Lifeboat, restic and borg from the same path; then a second backup after a small change, and a
// restore of the first backup into an empty directory, checked file by file against the original;
// then the same restore with the tool's read-back of every file (Lifeboat --read-back, restic
// --verify; borg has none) into another.
const node_crypto_1 = require("node:crypto");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const promises_1 = require("node:stream/promises");
const cases_1 = require("./cases");
const config_1 = require("./config");
const datasets_1 = require("./datasets");
const exec_1 = require("./exec");
const measure_1 = require("./measure");
const prng_1 = require("./prng");
/** Regular files and symbolic links below root, by relative path in code-unit order. */
function listTree(root) {
    const out = [];
    const stack = [''];
    for (let rel = stack.pop(); rel !== undefined; rel = stack.pop()) {
        for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
            const r = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory())
                stack.push(r);
            else if (e.isFile())
                out.push({ rel: r, kind: 'file' });
            else if (e.isSymbolicLink())
                out.push({ rel: r, kind: 'symlink' });
        }
    }
    return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
async function sha256Small(file) {
    const size = (await fs.promises.stat(file)).size;
    // Most source files are a few KiB: one read each is far quicker than a stream.
    if (size > 16 * config_1.MiB)
        return { sha: await (0, datasets_1.sha256File)(file), size };
    const data = await fs.promises.readFile(file);
    return { sha: (0, node_crypto_1.createHash)('sha256').update(data).digest('hex'), size: data.length };
}
/** Reads the whole tree: also warms the page cache, so that every tool starts from the same state. */
async function treeDigest(root) {
    if (!fs.statSync(root).isDirectory())
        throw new Error(`${root} is not a directory`);
    const entries = listTree(root);
    const lines = new Array(entries.length);
    let files = 0;
    let symlinks = 0;
    let bytes = 0;
    let next = 0;
    const worker = async () => {
        for (let i = next++; i < entries.length; i = next++) {
            const e = entries[i];
            const full = path.join(root, e.rel);
            if (e.kind === 'symlink') {
                symlinks++;
                lines[i] = `L\0${e.rel}\0${await fs.promises.readlink(full)}\n`;
            }
            else {
                const { sha, size } = await sha256Small(full);
                files++;
                bytes += size;
                lines[i] = `F\0${e.rel}\0${sha}\n`;
            }
        }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const hash = (0, node_crypto_1.createHash)('sha256');
    for (const line of lines)
        hash.update(line);
    return { files, symlinks, bytes, sha256: hash.digest('hex') };
}
function describeDigest(d) {
    return `${d.files} files (${d.bytes} bytes), ${plural(d.symlinks, 'symlink')}, sha256 ${d.sha256.slice(0, 12)}…`;
}
function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
/** Extracts linux.tar (or, with --quick, a few of its directories) into data/ once. */
async function treeDataset(dataDir, quick, log) {
    const tar = await (0, datasets_1.linuxTar)(dataDir, log);
    // The quick subset's directory is named after it, so that another subset is extracted anew.
    const subset = config_1.TREE_QUICK_DIRS.map((d) => d.replace(/\//g, '-')).join('+');
    const root = path.join(dataDir, quick ? `linux-tree-${subset}` : 'linux-tree');
    if (fs.existsSync(root)) {
        log(`reusing ${root}`);
    }
    else {
        // Extracted under a temporary name and renamed when complete, like the files in datasets.ts.
        const tmp = `${root}.partial`;
        fs.rmSync(tmp, { recursive: true, force: true });
        fs.mkdirSync(tmp, { recursive: true });
        const started = Date.now();
        log(`extracting ${quick ? config_1.TREE_QUICK_DIRS.join(', ') : 'the whole tree'} of ${tar} into ${root}`);
        const members = quick ? config_1.TREE_QUICK_DIRS.map((d) => `${config_1.LINUX_TAR_TOP}/${d}`) : [];
        const r = await (0, exec_1.run)((0, exec_1.which)('tar') ?? 'tar', ['-xf', tar, '-C', tmp, '--strip-components=1', ...members], {
            stdin: 'ignore',
            stdout: 'inherit',
            stderr: 'inherit',
        });
        if (r.code !== 0)
            throw new Error(`tar -xf ${tar} ${(0, exec_1.describeExit)(r)}`);
        fs.renameSync(tmp, root);
        log(`extracted ${root} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    log(`tree: reading ${root} once (warm cache, SHA-256 of every file)`);
    const digest = await treeDigest(root);
    log(`tree: ${describeDigest(digest)}`);
    const cFiles = listTree(root).filter((e) => e.kind === 'file' && e.rel.endsWith('.c'));
    const appendTo = cFiles.filter((_, i) => i % config_1.TREE_CHANGE_EVERY === config_1.TREE_CHANGE_EVERY - 1).map((e) => e.rel);
    if (appendTo.length === 0)
        throw new Error(`${root} has fewer than ${config_1.TREE_CHANGE_EVERY} .c files`);
    const added = appendTo.length * Buffer.byteLength(config_1.TREE_CHANGE_LINE) + config_1.TREE_RANDOM_BYTES;
    return {
        key: 'tree',
        name: quick ? `Linux 6.1 source tree, ${config_1.TREE_QUICK_DIRS.join(' and ')} only` : 'Linux 6.1 source tree',
        backupName: quick ? 'linux-tree-quick' : 'linux-tree',
        root,
        digest,
        change: { appendTo, cFiles: cFiles.length },
        changedBytes: digest.bytes + added,
    };
}
function treeInfo(ds) {
    const line = Buffer.byteLength(config_1.TREE_CHANGE_LINE);
    return {
        key: ds.key,
        name: ds.name,
        baseBytes: ds.digest.bytes,
        changedBytes: ds.changedBytes,
        changeNote: `one ${line}-byte line appended to ${ds.change.appendTo.length} of the ${ds.change.cFiles} \`.c\` ` +
            `files (every ${config_1.TREE_CHANGE_EVERY}th in sorted path order) and one new ${(0, datasets_1.mib)(config_1.TREE_RANDOM_BYTES)} MiB ` +
            `file of seeded random bytes`,
        files: ds.digest.files,
        restoreCheck: `checked against the original tree (${ds.digest.files} files and ${plural(ds.digest.symlinks, 'symlink')}: ` +
            `count, and SHA-256 over the sorted paths with each file's SHA-256 or link's target); ` +
            'restore-read-back is the same restore with the tool reading every file back after it ' +
            '(Lifeboat --read-back, restic --verify; borg has no such option)',
    };
}
/** The change of the second backup, made on the working copy (never on the pristine tree). */
async function applyChange(work, change) {
    for (const rel of change.appendTo)
        fs.appendFileSync(path.join(work, rel), config_1.TREE_CHANGE_LINE);
    await (0, promises_1.pipeline)((0, prng_1.keystreamReadable)(config_1.TREE_RANDOM_SEED, config_1.TREE_RANDOM_BYTES), fs.createWriteStream(path.join(work, config_1.TREE_RANDOM_FILE)));
}
async function copyTree(from, to) {
    fs.rmSync(to, { recursive: true, force: true });
    const r = await (0, exec_1.run)((0, exec_1.which)('cp') ?? 'cp', ['-a', from, to], {
        stdin: 'ignore',
        stdout: 'ignore',
        stderr: 'inherit',
    });
    if (r.code !== 0)
        throw new Error(`cp -a ${from} ${to} ${(0, exec_1.describeExit)(r)}`);
}
function field(obj, key) {
    return typeof obj === 'object' && obj !== null ? obj[key] : undefined;
}
/**
 * Runs `repeats` rounds with fresh repositories (and a fresh working copy for every tool) and
 * reports medians, like benchFileDataset. Within a round the tools take turns case by case, in
 * the opposite order each round: on a shared machine the load drifts over minutes, and when each
 * tool ran all its cases in one stretch, one tool could get a busy stretch and another a quiet one
 * (the ratios moved by 0.2-0.5 between rounds then).
 *
 * Nothing of the tree's copies is deleted until the end: a restore that creates 78,579 files right
 * after 78,579 were deleted spends most of its time in the kernel skipping recently freed inodes
 * (ext4 without a journal, as here: `recently_deleted` in a perf profile), 10-19 s of system time
 * that belongs to neither tool and hid how far apart they are (Lifeboat 15.8-19.3 s against
 * restic's 10.7-10.9 s into fresh directories; 23.5 s against 21.4 s after a deletion).
 */
async function benchTree(ds, makeTools, repeats, ctx) {
    const samples = [];
    const scratch = path.join(ctx.runDir, 'tree-copies');
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.mkdirSync(scratch, { recursive: true });
    let copies = 0;
    for (let i = 1; i <= repeats; i++) {
        const dir = path.join(ctx.runDir, ds.key, `rep-${i}`);
        const tag = repeats > 1 ? `${ds.key}-r${i}` : ds.key;
        // Each tool's repository goes below it; whichever tool starts the round finds it there.
        fs.mkdirSync(dir, { recursive: true });
        const runs = makeTools(dir).map((tool) => {
            // Paths of one length for every tool and round, as the tools record them.
            const n = String(++copies).padStart(3, '0');
            return {
                tool,
                results: [],
                work: path.join(scratch, `work-${n}`),
                target: path.join(scratch, `restore-${n}`),
                readBackTarget: path.join(scratch, `verify-${n}`),
            };
        });
        const order = turnOrder(runs, i);
        ctx.log(`${tag}: tools in the order ${order.map((r) => r.tool.name).join(', ')}`);
        await runRound(ds, order, ctx, tag);
        samples.push(runs.flatMap((r) => r.results));
        fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.rmSync(scratch, { recursive: true, force: true });
    return (0, cases_1.aggregate)(samples);
}
/** The tools' order in round `round` (from 1): as given in odd rounds, reversed in even ones. */
function turnOrder(tools, round) {
    return round % 2 === 1 ? [...tools] : [...tools].reverse();
}
/**
 * Every tool does each step before any tool does the next: the copies, backup 1, the change,
 * backup 2, a restore of backup 1 into an empty directory, and one that reads back. A tool whose
 * init or first backup failed is reported failed for the cases that needed it.
 */
async function runRound(ds, order, ctx, tag) {
    const fail = (r, cases, error) => {
        for (const c of cases) {
            r.results.push({ dataset: ds.key, tool: r.tool.name, case: c, label: c, ok: false, error });
        }
    };
    const casesOf = (tool) => tool.restoreReadBack
        ? ['full', 'incremental', 'restore', 'restore-read-back']
        : ['full', 'incremental', 'restore'];
    const ready = [];
    for (const r of order) {
        ctx.log(`${tag} ${r.tool.name}: copying the tree to ${r.work}`);
        await copyTree(ds.root, r.work);
        try {
            await r.tool.init((0, cases_1.files)(ctx, r.tool.name, `${tag}-init`).log);
            ready.push(r);
        }
        catch (err) {
            fail(r, casesOf(r.tool), `init failed: ${err instanceof Error ? err.message : String(err)}`);
        }
    }
    const backedUp = [];
    for (const r of ready) {
        const full = await treeBackup(ds, r.tool, r.work, 'full', 1, ctx, tag);
        r.results.push(full.result);
        if (full.id === undefined)
            fail(r, casesOf(r.tool).slice(1), 'skipped: the full backup failed');
        else
            backedUp.push({ r, id: full.id });
    }
    for (const { r } of backedUp)
        await applyChange(r.work, ds.change);
    for (const { r } of backedUp) {
        const incremental = await treeBackup(ds, r.tool, r.work, 'incremental', 2, ctx, tag);
        r.results.push(incremental.result);
        checkCounts(ds, r.tool.name, incremental.result, ctx);
    }
    for (const { r, id } of backedUp) {
        const command = r.tool.restore(id, r.target);
        r.results.push(await treeRestore(ds, r.tool, command, 'restore', r.work, r.target, ctx, tag));
    }
    for (const { r, id } of backedUp) {
        if (!r.tool.restoreReadBack)
            continue;
        const command = r.tool.restoreReadBack(id, r.readBackTarget);
        r.results.push(await treeRestore(ds, r.tool, command, 'restore-read-back', r.work, r.readBackTarget, ctx, tag));
    }
}
async function treeBackup(ds, tool, work, kind, seq, ctx, tag) {
    const r = { dataset: ds.key, case: kind, label: kind, tool: tool.name, ok: true };
    const f = (0, cases_1.files)(ctx, tool.name, `${tag}-${kind}`);
    const before = (0, measure_1.dirBytes)(tool.repo);
    const cmd = tool.backup(work, ds.backupName, kind, seq);
    (0, cases_1.fill)(r, await (0, measure_1.timedToFile)(cmd, f.out, { env: tool.env, stdin: 'ignore', logFile: f.log, timeFile: f.time }));
    r.inputBytes = kind === 'full' ? ds.digest.bytes : ds.changedBytes;
    r.repoBytes = (0, measure_1.dirBytes)(tool.repo);
    r.growthBytes = r.repoBytes - before;
    let id;
    if (r.ok) {
        try {
            const parsed = tool.parseBackup(fs.readFileSync(f.out, 'utf8'), seq);
            if (parsed.reported !== undefined)
                r.reported = parsed.reported;
            id = parsed.id;
        }
        catch (err) {
            r.ok = false;
            r.error = `unreadable output: ${err instanceof Error ? err.message : String(err)}`;
        }
    }
    ctx.log(`${tag} ${kind} ${tool.name}: ${(0, cases_1.summary)(r)}`);
    return id === undefined ? { result: r } : { result: r, id };
}
/**
 * Lifeboat and restic report new and changed files: a second backup that reads more than the
 * changed files, or misses some, shows here before it shows in the timings. Logged, not failed.
 */
function checkCounts(ds, tool, r, ctx) {
    if (!r.ok || (tool !== 'lifeboat' && tool !== 'restic'))
        return;
    const got = { new: field(r.reported, 'files_new'), changed: field(r.reported, 'files_changed') };
    const want = { new: 1, changed: ds.change.appendTo.length };
    if (got.new !== want.new || got.changed !== want.changed) {
        ctx.log(`warning: ${tool}'s second backup reports ${String(got.new)} new and ${String(got.changed)} changed ` +
            `files; the change added ${want.new} and changed ${want.changed}`);
    }
}
async function treeRestore(ds, tool, cmd, kind, work, target, ctx, tag) {
    const r = { dataset: ds.key, case: kind, label: kind, tool: tool.name, ok: true };
    const f = (0, cases_1.files)(ctx, tool.name, `${tag}-${kind}`);
    fs.mkdirSync(target, { recursive: true });
    (0, cases_1.fill)(r, await (0, measure_1.timedToFile)(cmd, f.out, { env: tool.env, stdin: 'ignore', logFile: f.log, timeFile: f.time }));
    if (r.ok) {
        const root = tool.restoredRoot(target, work);
        try {
            const got = await treeDigest(root);
            r.inputBytes = got.bytes;
            r.verified =
                got.files === ds.digest.files &&
                    got.symlinks === ds.digest.symlinks &&
                    got.sha256 === ds.digest.sha256;
            if (!r.verified) {
                r.ok = false;
                r.error = `restored tree differs from the original: ${describeDigest(got)}; expected ${describeDigest(ds.digest)}`;
            }
        }
        catch (err) {
            r.ok = false;
            r.verified = false;
            r.error = `restored tree unreadable at ${root}: ${err instanceof Error ? err.message : String(err)}`;
        }
    }
    ctx.log(`${tag} ${kind} ${tool.name}: ${(0, cases_1.summary)(r)}`);
    return r;
}
//# sourceMappingURL=tree.js.map