// The three programs under test, reduced to what the cases need: how to create a repository, how to
// back a stream up from stdin, and how to restore it to stdout.
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
  /** Untimed set-up (restic and borg need an explicit init; Lifeboat initialises on first use). */
  init(logFile: string): Promise<void>;
  backup(name: string, kind: BackupKind, seq: number): Command;
  /** The id to restore from, and the tool's own report if it printed one, from the backup's stdout. */
  parseBackup(stdout: string, seq: number): { id: string; reported?: unknown };
  /** undefined when the tool is only benchmarked for backups (borg). */
  restore?(id: string, name: string): Command;
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

export function lifeboat(base: Command, workDir: string): Tool {
  const repo = path.join(workDir, 'lifeboat-repo');
  const env = { ...process.env, LIFEBOAT_HOME: path.join(workDir, 'lifeboat-home') };
  return {
    name: 'lifeboat',
    repo,
    env,
    init: async () => {
      fs.mkdirSync(env.LIFEBOAT_HOME, { recursive: true });
    },
    backup: (name, kind) => ({
      cmd: base.cmd,
      args: [...base.args, 'backup', '--stdin', '--name', name, '--type', kind, '--json', '--repo', repo],
    }),
    parseBackup: (stdout) => {
      const reported = lastJson(stdout, () => true);
      const id = field(reported, 'id');
      if (typeof id !== 'string' || id === '') throw new Error('backup --json printed no "id"');
      return { id, reported };
    },
    restore: (id) => ({ cmd: base.cmd, args: [...base.args, 'restore', id, '--stdout', '--repo', repo] }),
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

export function restic(info: ResticInfo, workDir: string): Tool {
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
    // --host pins the parent lookup to this repository's own snapshots; --json gives the id.
    backup: (name) => ({
      cmd: info.path,
      args: ['-r', repo, 'backup', '--stdin', '--stdin-filename', name, '--host', 'bench', '--json'],
    }),
    parseBackup: (stdout) => {
      const reported = lastJson(stdout, (l) => l.includes('"summary"'));
      const id = field(reported, 'snapshot_id');
      if (typeof id !== 'string') throw new Error('restic printed no snapshot_id');
      return { id, reported };
    },
    // The first backup is restored by id: `latest` would be the second one.
    restore: (id, name) => ({ cmd: info.path, args: ['-r', repo, 'dump', id, `/${name}`] }),
  };
}

export async function borgVersion(bin: string): Promise<string> {
  return (await capture(bin, ['--version'])).stdout.trim();
}

export function borg(bin: string, workDir: string): Tool {
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
  const archive = (seq: number): string => `archive-${seq}`;
  return {
    name: 'borg',
    repo,
    env,
    init: (logFile) => runLogged(bin, ['init', '-e', 'repokey', repo], logFile, { env }),
    backup: (name, _kind, seq) => ({
      cmd: bin,
      args: [
        'create',
        '--compression',
        'zstd,3',
        '--stdin-name',
        name,
        '--json',
        `${repo}::${archive(seq)}`,
        '-',
      ],
    }),
    // The archive name is the id; borg's --json stats are kept when present, for reference only.
    parseBackup: (stdout, seq) => {
      try {
        return { id: archive(seq), reported: lastJson(stdout, () => true) };
      } catch {
        return { id: archive(seq) };
      }
    },
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
