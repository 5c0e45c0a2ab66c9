// The directory-tree part: the Linux 6.1 source tree, extracted once from linux.tar, backed up by
// Lifeboat, restic and borg from the same path; then a second backup after a small change, and a
// restore of the first backup into an empty directory, checked file by file against the original;
// then the same restore with the tool's read-back of every file (Lifeboat --read-back, restic
// --verify; borg has none) into another.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { aggregate, files, fill, summary, type CaseContext, type CaseName, type CaseResult } from './cases';
import {
  LINUX_TAR_TOP,
  MiB,
  TREE_CHANGE_EVERY,
  TREE_CHANGE_LINE,
  TREE_QUICK_DIRS,
  TREE_RANDOM_BYTES,
  TREE_RANDOM_FILE,
  TREE_RANDOM_SEED,
} from './config';
import { linuxTar, mib, sha256File } from './datasets';
import { describeExit, run, which } from './exec';
import { dirBytes, timedToFile } from './measure';
import { keystreamReadable } from './prng';
import type { DatasetInfo } from './report';
import type { BackupKind, TreeCommand, TreeTool } from './tools';

type Log = (msg: string) => void;

/** What a restore is compared with: regular files by content, symbolic links by target. */
export interface TreeDigest {
  files: number;
  symlinks: number;
  /** Bytes of the regular files. */
  bytes: number;
  /** SHA-256 over the sorted (kind, path, SHA-256 of content or link target) lines. */
  sha256: string;
}

/** The change between the first and the second backup, the same for every tool. */
export interface TreeChange {
  /** Paths (relative to the tree) of the `.c` files that get TREE_CHANGE_LINE appended. */
  appendTo: string[];
  /** `.c` files in the tree, of which appendTo is every TREE_CHANGE_EVERY-th. */
  cFiles: number;
}

export interface TreeDataset {
  key: 'tree';
  /** The report's heading. */
  name: string;
  /** Lifeboat's --name (letters, digits and . _ : @ + -). */
  backupName: string;
  /** The pristine tree; never written to after extraction. */
  root: string;
  digest: TreeDigest;
  change: TreeChange;
  /** Bytes of the regular files after the change. */
  changedBytes: number;
}

interface Entry {
  rel: string;
  kind: 'file' | 'symlink';
}

/** Regular files and symbolic links below root, by relative path in code-unit order. */
function listTree(root: string): Entry[] {
  const out: Entry[] = [];
  const stack = [''];
  for (let rel = stack.pop(); rel !== undefined; rel = stack.pop()) {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) stack.push(r);
      else if (e.isFile()) out.push({ rel: r, kind: 'file' });
      else if (e.isSymbolicLink()) out.push({ rel: r, kind: 'symlink' });
    }
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

async function sha256Small(file: string): Promise<{ sha: string; size: number }> {
  const size = (await fs.promises.stat(file)).size;
  // Most source files are a few KiB: one read each is far quicker than a stream.
  if (size > 16 * MiB) return { sha: await sha256File(file), size };
  const data = await fs.promises.readFile(file);
  return { sha: createHash('sha256').update(data).digest('hex'), size: data.length };
}

/** Reads the whole tree: also warms the page cache, so that every tool starts from the same state. */
export async function treeDigest(root: string): Promise<TreeDigest> {
  if (!fs.statSync(root).isDirectory()) throw new Error(`${root} is not a directory`);
  const entries = listTree(root);
  const lines = new Array<string>(entries.length);
  let files = 0;
  let symlinks = 0;
  let bytes = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < entries.length; i = next++) {
      const e = entries[i] as Entry;
      const full = path.join(root, e.rel);
      if (e.kind === 'symlink') {
        symlinks++;
        lines[i] = `L\0${e.rel}\0${await fs.promises.readlink(full)}\n`;
      } else {
        const { sha, size } = await sha256Small(full);
        files++;
        bytes += size;
        lines[i] = `F\0${e.rel}\0${sha}\n`;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return { files, symlinks, bytes, sha256: hash.digest('hex') };
}

function describeDigest(d: TreeDigest): string {
  return `${d.files} files (${d.bytes} bytes), ${plural(d.symlinks, 'symlink')}, sha256 ${d.sha256.slice(0, 12)}…`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Extracts linux.tar (or, with --quick, a few of its directories) into data/ once. */
export async function treeDataset(dataDir: string, quick: boolean, log: Log): Promise<TreeDataset> {
  const tar = await linuxTar(dataDir, log);
  // The quick subset's directory is named after it, so that another subset is extracted anew.
  const subset = TREE_QUICK_DIRS.map((d) => d.replace(/\//g, '-')).join('+');
  const root = path.join(dataDir, quick ? `linux-tree-${subset}` : 'linux-tree');
  if (fs.existsSync(root)) {
    log(`reusing ${root}`);
  } else {
    // Extracted under a temporary name and renamed when complete, like the files in datasets.ts.
    const tmp = `${root}.partial`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    const started = Date.now();
    log(`extracting ${quick ? TREE_QUICK_DIRS.join(', ') : 'the whole tree'} of ${tar} into ${root}`);
    const members = quick ? TREE_QUICK_DIRS.map((d) => `${LINUX_TAR_TOP}/${d}`) : [];
    const r = await run(which('tar') ?? 'tar', ['-xf', tar, '-C', tmp, '--strip-components=1', ...members], {
      stdin: 'ignore',
      stdout: 'inherit',
      stderr: 'inherit',
    });
    if (r.code !== 0) throw new Error(`tar -xf ${tar} ${describeExit(r)}`);
    fs.renameSync(tmp, root);
    log(`extracted ${root} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  log(`tree: reading ${root} once (warm cache, SHA-256 of every file)`);
  const digest = await treeDigest(root);
  log(`tree: ${describeDigest(digest)}`);
  const cFiles = listTree(root).filter((e) => e.kind === 'file' && e.rel.endsWith('.c'));
  const appendTo = cFiles.filter((_, i) => i % TREE_CHANGE_EVERY === TREE_CHANGE_EVERY - 1).map((e) => e.rel);
  if (appendTo.length === 0) throw new Error(`${root} has fewer than ${TREE_CHANGE_EVERY} .c files`);
  const added = appendTo.length * Buffer.byteLength(TREE_CHANGE_LINE) + TREE_RANDOM_BYTES;
  return {
    key: 'tree',
    name: quick ? `Linux 6.1 source tree, ${TREE_QUICK_DIRS.join(' and ')} only` : 'Linux 6.1 source tree',
    backupName: quick ? 'linux-tree-quick' : 'linux-tree',
    root,
    digest,
    change: { appendTo, cFiles: cFiles.length },
    changedBytes: digest.bytes + added,
  };
}

export function treeInfo(ds: TreeDataset): DatasetInfo {
  const line = Buffer.byteLength(TREE_CHANGE_LINE);
  return {
    key: ds.key,
    name: ds.name,
    baseBytes: ds.digest.bytes,
    changedBytes: ds.changedBytes,
    changeNote:
      `one ${line}-byte line appended to ${ds.change.appendTo.length} of the ${ds.change.cFiles} \`.c\` ` +
      `files (every ${TREE_CHANGE_EVERY}th in sorted path order) and one new ${mib(TREE_RANDOM_BYTES)} MiB ` +
      `file of seeded random bytes`,
    files: ds.digest.files,
    restoreCheck:
      `checked against the original tree (${ds.digest.files} files and ${plural(ds.digest.symlinks, 'symlink')}: ` +
      `count, and SHA-256 over the sorted paths with each file's SHA-256 or link's target); ` +
      'restore-read-back is the same restore with the tool reading every file back after it ' +
      '(Lifeboat --read-back, restic --verify; borg has no such option)',
  };
}

/** The change of the second backup, made on the working copy (never on the pristine tree). */
async function applyChange(work: string, change: TreeChange): Promise<void> {
  for (const rel of change.appendTo) fs.appendFileSync(path.join(work, rel), TREE_CHANGE_LINE);
  await pipeline(
    keystreamReadable(TREE_RANDOM_SEED, TREE_RANDOM_BYTES),
    fs.createWriteStream(path.join(work, TREE_RANDOM_FILE)),
  );
}

async function copyTree(from: string, to: string): Promise<void> {
  fs.rmSync(to, { recursive: true, force: true });
  const r = await run(which('cp') ?? 'cp', ['-a', from, to], {
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'inherit',
  });
  if (r.code !== 0) throw new Error(`cp -a ${from} ${to} ${describeExit(r)}`);
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
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
export async function benchTree(
  ds: TreeDataset,
  makeTools: (dir: string) => TreeTool[],
  repeats: number,
  ctx: CaseContext,
): Promise<CaseResult[]> {
  const samples: CaseResult[][] = [];
  const scratch = path.join(ctx.runDir, 'tree-copies');
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  let copies = 0;
  for (let i = 1; i <= repeats; i++) {
    const dir = path.join(ctx.runDir, ds.key, `rep-${i}`);
    const tag = repeats > 1 ? `${ds.key}-r${i}` : ds.key;
    // Each tool's repository goes below it; whichever tool starts the round finds it there.
    fs.mkdirSync(dir, { recursive: true });
    const runs = makeTools(dir).map((tool): ToolRun => {
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
  return aggregate(samples);
}

/** The tools' order in round `round` (from 1): as given in odd rounds, reversed in even ones. */
export function turnOrder<T>(tools: readonly T[], round: number): T[] {
  return round % 2 === 1 ? [...tools] : [...tools].reverse();
}

/** One tool's part of a round: where its copies go, what it measured, how far it got. */
interface ToolRun {
  tool: TreeTool;
  results: CaseResult[];
  /** A fresh copy of the pristine tree, backed up and then changed. */
  work: string;
  /** Empty directories for the restore and for the restore that reads back. All stay (benchTree). */
  target: string;
  readBackTarget: string;
}

/**
 * Every tool does each step before any tool does the next: the copies, backup 1, the change,
 * backup 2, a restore of backup 1 into an empty directory, and one that reads back. A tool whose
 * init or first backup failed is reported failed for the cases that needed it.
 */
async function runRound(ds: TreeDataset, order: ToolRun[], ctx: CaseContext, tag: string): Promise<void> {
  const fail = (r: ToolRun, cases: CaseName[], error: string): void => {
    for (const c of cases) {
      r.results.push({ dataset: ds.key, tool: r.tool.name, case: c, label: c, ok: false, error });
    }
  };
  const casesOf = (tool: TreeTool): CaseName[] =>
    tool.restoreReadBack
      ? ['full', 'incremental', 'restore', 'restore-read-back']
      : ['full', 'incremental', 'restore'];

  const ready: ToolRun[] = [];
  for (const r of order) {
    ctx.log(`${tag} ${r.tool.name}: copying the tree to ${r.work}`);
    await copyTree(ds.root, r.work);
    try {
      await r.tool.init(files(ctx, r.tool.name, `${tag}-init`).log);
      ready.push(r);
    } catch (err) {
      fail(r, casesOf(r.tool), `init failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const backedUp: { r: ToolRun; id: string }[] = [];
  for (const r of ready) {
    const full = await treeBackup(ds, r.tool, r.work, 'full', 1, ctx, tag);
    r.results.push(full.result);
    if (full.id === undefined) fail(r, casesOf(r.tool).slice(1), 'skipped: the full backup failed');
    else backedUp.push({ r, id: full.id });
  }
  for (const { r } of backedUp) await applyChange(r.work, ds.change);
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
    if (!r.tool.restoreReadBack) continue;
    const command = r.tool.restoreReadBack(id, r.readBackTarget);
    r.results.push(
      await treeRestore(ds, r.tool, command, 'restore-read-back', r.work, r.readBackTarget, ctx, tag),
    );
  }
}

async function treeBackup(
  ds: TreeDataset,
  tool: TreeTool,
  work: string,
  kind: BackupKind,
  seq: number,
  ctx: CaseContext,
  tag: string,
): Promise<{ result: CaseResult; id?: string }> {
  const r: CaseResult = { dataset: ds.key, case: kind, label: kind, tool: tool.name, ok: true };
  const f = files(ctx, tool.name, `${tag}-${kind}`);
  const before = dirBytes(tool.repo);
  const cmd = tool.backup(work, ds.backupName, kind, seq);
  fill(
    r,
    await timedToFile(cmd, f.out, { env: tool.env, stdin: 'ignore', logFile: f.log, timeFile: f.time }),
  );
  r.inputBytes = kind === 'full' ? ds.digest.bytes : ds.changedBytes;
  r.repoBytes = dirBytes(tool.repo);
  r.growthBytes = r.repoBytes - before;
  let id: string | undefined;
  if (r.ok) {
    try {
      const parsed = tool.parseBackup(fs.readFileSync(f.out, 'utf8'), seq);
      if (parsed.reported !== undefined) r.reported = parsed.reported;
      id = parsed.id;
    } catch (err) {
      r.ok = false;
      r.error = `unreadable output: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  ctx.log(`${tag} ${kind} ${tool.name}: ${summary(r)}`);
  return id === undefined ? { result: r } : { result: r, id };
}

/**
 * Lifeboat and restic report new and changed files: a second backup that reads more than the
 * changed files, or misses some, shows here before it shows in the timings. Logged, not failed.
 */
function checkCounts(ds: TreeDataset, tool: string, r: CaseResult, ctx: CaseContext): void {
  if (!r.ok || (tool !== 'lifeboat' && tool !== 'restic')) return;
  const got = { new: field(r.reported, 'files_new'), changed: field(r.reported, 'files_changed') };
  const want = { new: 1, changed: ds.change.appendTo.length };
  if (got.new !== want.new || got.changed !== want.changed) {
    ctx.log(
      `warning: ${tool}'s second backup reports ${String(got.new)} new and ${String(got.changed)} changed ` +
        `files; the change added ${want.new} and changed ${want.changed}`,
    );
  }
}

async function treeRestore(
  ds: TreeDataset,
  tool: TreeTool,
  cmd: TreeCommand,
  kind: 'restore' | 'restore-read-back',
  work: string,
  target: string,
  ctx: CaseContext,
  tag: string,
): Promise<CaseResult> {
  const r: CaseResult = { dataset: ds.key, case: kind, label: kind, tool: tool.name, ok: true };
  const f = files(ctx, tool.name, `${tag}-${kind}`);
  fs.mkdirSync(target, { recursive: true });
  fill(
    r,
    await timedToFile(cmd, f.out, { env: tool.env, stdin: 'ignore', logFile: f.log, timeFile: f.time }),
  );
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
    } catch (err) {
      r.ok = false;
      r.verified = false;
      r.error = `restored tree unreadable at ${root}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  ctx.log(`${tag} ${kind} ${tool.name}: ${summary(r)}`);
  return r;
}
