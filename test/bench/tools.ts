// The three programs under test, reduced to what the cases need: how to create a repository, how to
// back a stream up from stdin and restore it to stdout, and how to back a directory tree up and
// restore it into an empty directory.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PEER_PASSWORD } from './config';
import { capture, runLogged } from './exec';

export type ToolName = 'lifeboat' | 'restic' | 'borg';
export type BackupKind = 'full' | 'incremental';

export interface Command {
  cmd: string;
  args: string[];
}

export interface Tool {
  readonly name: ToolName;
  readonly repo: string;
  readonly env: NodeJS.ProcessEnv;
  /** Untimed set-up: each tool's repository (and Lifeboat's key) made before the first backup. */
  init(logFile: string): Promise<void>;
  backup(name: string, kind: BackupKind, seq: number): Command;
  /** The id to restore from, and the tool's own report if it printed one, from the backup's stdout. */
  parseBackup(stdout: string, seq: number): { id: string; reported?: unknown };
  /** undefined when the tool is only benchmarked for backups (borg). */
  restore?(id: string, name: string): Command;
}

/** A command together with the directory it must run in (borg extract writes into its cwd). */
export interface TreeCommand extends Command {
  cwd?: string;
}

/** The same program as Tool, driven on a directory tree instead of a stream. */
export interface TreeTool {
  readonly name: ToolName;
  readonly repo: string;
  readonly env: NodeJS.ProcessEnv;
  init(logFile: string): Promise<void>;
  /** Backs up the directory `dir` (an absolute path, the same for every tool). */
  backup(dir: string, name: string, kind: BackupKind, seq: number): TreeCommand;
  parseBackup(stdout: string, seq: number): { id: string; reported?: unknown };
  /** Restores backup `id` into `target`, an empty directory. */
  restore(id: string, target: string): TreeCommand;
  /** The same, then reads every restored file back and compares it (absent for borg). */
  restoreReadBack?(id: string, target: string): TreeCommand;
  /** Where the backed-up `dir` ends up below `target`: restic and borg keep the absolute path. */
  restoredRoot(target: string, dir: string): string;
}

/** How to start the Lifeboat CLI: LIFEBOAT_BENCH_CMD (whitespace-separated, no shell) or the build. */
export function lifeboatCommand(repoRoot: string): Command & { builtin: boolean } {
  const override = process.env['LIFEBOAT_BENCH_CMD']?.trim();
  if (override) {
    const [cmd, ...args] = override.split(/\s+/);
    if (cmd) return { cmd, args, builtin: false };
  }
  return { cmd: process.execPath, args: [path.join(repoRoot, 'dist', 'bin', 'lifeboat.js')], builtin: true };
}

/**
 * The repository and its key are made by `lifeboat init`, untimed like restic's and borg's init:
 * left to the first backup (which makes them when there are none), they were a third of a second
 * of its time that the peers' first backups do not count.
 */
function lifeboatBase(
  base: Command,
  workDir: string,
): Pick<Tool, 'name' | 'repo' | 'env' | 'init'> & { home: string } {
  const repo = path.join(workDir, 'lifeboat-repo');
  const home = path.join(workDir, 'lifeboat-home');
  const env = { ...process.env, LIFEBOAT_HOME: home };
  return {
    name: 'lifeboat',
    repo,
    home,
    env,
    init: async (logFile) => {
      fs.mkdirSync(home, { recursive: true });
      await runLogged(
        base.cmd,
        [...base.args, '--repo', repo, '--key-file', path.join(home, 'key'), 'init'],
        logFile,
        {
          env,
        },
      );
    },
  };
}

function parseLifeboatBackup(stdout: string): { id: string; reported: unknown } {
  const reported = lastJson(stdout, () => true);
  const id = field(reported, 'id');
  if (typeof id !== 'string' || id === '') throw new Error('backup --json printed no "id"');
  return { id, reported };
}

export function lifeboat(base: Command, workDir: string): Tool {
  const common = lifeboatBase(base, workDir);
  const { repo } = common;
  return {
    ...common,
    backup: (name, kind) => ({
      cmd: base.cmd,
      args: [...base.args, 'backup', '--stdin', '--name', name, '--type', kind, '--json', '--repo', repo],
    }),
    parseBackup: parseLifeboatBackup,
    restore: (id) => ({ cmd: base.cmd, args: [...base.args, 'restore', id, '--stdout', '--repo', repo] }),
  };
}

/** Lifeboat's filesystem backup, into the repository that init made. */
export function lifeboatTree(base: Command, workDir: string): TreeTool {
  const { home, ...common } = lifeboatBase(base, workDir);
  const { repo } = common;
  const global = ['--repo', repo, '--key-file', path.join(home, 'key')];
  return {
    ...common,
    backup: (dir, backupName, kind) => ({
      cmd: base.cmd,
      args: [...base.args, ...global, 'backup', dir, '--name', backupName, '--type', kind, '--json'],
    }),
    parseBackup: parseLifeboatBackup,
    restore: (id, target) => ({
      cmd: base.cmd,
      args: [...base.args, ...global, 'restore', id, '--target', target, '--json'],
    }),
    restoreReadBack: (id, target) => ({
      cmd: base.cmd,
      args: [...base.args, ...global, 'restore', id, '--target', target, '--json', '--read-back'],
    }),
    // Lifeboat restores the backed-up directory's contents into the target.
    restoredRoot: (target) => target,
  };
}

export interface ResticInfo {
  path: string;
  version: string;
  /** `init --repository-version` exists from 0.14 on; 2 is the format with compression. */
  repoVersionFlag: boolean;
}

export async function resticInfo(bin: string): Promise<ResticInfo> {
  const version = (await capture(bin, ['version'])).stdout.trim();
  const help = await capture(bin, ['init', '--help']);
  return { path: bin, version, repoVersionFlag: help.stdout.includes('--repository-version') };
}

function resticBase(info: ResticInfo, workDir: string): Pick<Tool, 'name' | 'repo' | 'env' | 'init'> {
  const repo = path.join(workDir, 'restic-repo');
  const env = {
    ...process.env,
    RESTIC_PASSWORD: PEER_PASSWORD,
    RESTIC_CACHE_DIR: path.join(workDir, 'restic-cache'),
  };
  return {
    name: 'restic',
    repo,
    env,
    init: (logFile) =>
      runLogged(
        info.path,
        ['-r', repo, 'init', ...(info.repoVersionFlag ? ['--repository-version', '2'] : [])],
        logFile,
        { env },
      ),
  };
}

function parseResticBackup(stdout: string): { id: string; reported: unknown } {
  const reported = lastJson(stdout, (l) => l.includes('"summary"'));
  const id = field(reported, 'snapshot_id');
  if (typeof id !== 'string') throw new Error('restic printed no snapshot_id');
  return { id, reported };
}

export function restic(info: ResticInfo, workDir: string): Tool {
  const common = resticBase(info, workDir);
  const { repo } = common;
  return {
    ...common,
    // --host pins the parent lookup to this repository's own snapshots; --json gives the id.
    backup: (name) => ({
      cmd: info.path,
      args: ['-r', repo, 'backup', '--stdin', '--stdin-filename', name, '--host', 'bench', '--json'],
    }),
    parseBackup: parseResticBackup,
    // The first backup is restored by id: `latest` would be the second one.
    restore: (id, name) => ({ cmd: info.path, args: ['-r', repo, 'dump', id, `/${name}`] }),
  };
}

export function resticTree(info: ResticInfo, workDir: string): TreeTool {
  const common = resticBase(info, workDir);
  const { repo } = common;
  return {
    ...common,
    // Same host and path both times, so the second backup finds the first as its parent.
    backup: (dir) => ({ cmd: info.path, args: ['-r', repo, 'backup', dir, '--host', 'bench', '--json'] }),
    parseBackup: parseResticBackup,
    restore: (id, target) => ({ cmd: info.path, args: ['-r', repo, 'restore', id, '--target', target] }),
    restoreReadBack: (id, target) => ({
      cmd: info.path,
      args: ['-r', repo, 'restore', id, '--target', target, '--verify'],
    }),
    restoredRoot: (target, dir) => path.join(target, dir),
  };
}

export async function borgVersion(bin: string): Promise<string> {
  return (await capture(bin, ['--version'])).stdout.trim();
}

function borgBase(bin: string, workDir: string): Pick<Tool, 'name' | 'repo' | 'env' | 'init'> {
  const repo = path.join(workDir, 'borg-repo');
  const env = {
    ...process.env,
    BORG_PASSPHRASE: PEER_PASSWORD,
    // Cache, config and security dirs inside the run dir, so runs do not leak state into each other.
    BORG_BASE_DIR: path.join(workDir, 'borg-base'),
    BORG_DISPLAY_PASSPHRASE: 'no',
    BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
  };
  return {
    name: 'borg',
    repo,
    env,
    init: (logFile) => runLogged(bin, ['init', '-e', 'repokey', repo], logFile, { env }),
  };
}

const borgArchive = (seq: number): string => `archive-${seq}`;

/** The archive name is the id; borg's --json stats are kept when present, for reference only. */
function parseBorgBackup(stdout: string, seq: number): { id: string; reported?: unknown } {
  try {
    return { id: borgArchive(seq), reported: lastJson(stdout, () => true) };
  } catch {
    return { id: borgArchive(seq) };
  }
}

export function borg(bin: string, workDir: string): Tool {
  const common = borgBase(bin, workDir);
  const { repo } = common;
  return {
    ...common,
    backup: (streamName, _kind, seq) => ({
      cmd: bin,
      args: [
        'create',
        '--compression',
        'zstd,3',
        '--stdin-name',
        streamName,
        '--json',
        `${repo}::${borgArchive(seq)}`,
        '-',
      ],
    }),
    parseBackup: parseBorgBackup,
  };
}

export function borgTree(bin: string, workDir: string): TreeTool {
  const common = borgBase(bin, workDir);
  const { repo } = common;
  return {
    ...common,
    backup: (dir, _name, _kind, seq) => ({
      cmd: bin,
      args: ['create', '--compression', 'zstd,3', '--json', `${repo}::${borgArchive(seq)}`, dir],
    }),
    parseBackup: parseBorgBackup,
    // borg extract writes into its working directory, under the stored path (the absolute one
    // without its leading slash).
    restore: (id, target) => ({ cmd: bin, args: ['extract', `${repo}::${id}`], cwd: target }),
    restoredRoot: (target, dir) => path.join(target, dir),
  };
}

/**
 * The object a command printed: the whole of stdout if it is one (pretty-printed or not), else the
 * last line that parses and passes the filter (restic --json prints one message per line).
 */
function lastJson(stdout: string, filter: (line: string) => boolean): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    // Not a single document: look at the lines.
  }
  const lines = stdout.split('\n').map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (!line.startsWith('{') || !filter(line)) continue;
    try {
      return JSON.parse(line);
    } catch {
      // A progress line cut short; keep looking.
    }
  }
  throw new Error(`no JSON object in output: ${JSON.stringify(stdout.slice(0, 200))}`);
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}
