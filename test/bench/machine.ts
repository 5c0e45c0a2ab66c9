// What the numbers were measured on: ratios are only comparable on the same machine and versions.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { capture } from './exec';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  /** 1/5/15-minute load when the run started: other work on the machine skews timings. */
  loadAtStart: string;
  node: string;
  lifeboatCommit: string;
  lifeboatCommand: string;
  restic: string;
  borg: string;
  postgres: string;
}

function cpuModel(): string {
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

async function gitCommit(repoRoot: string): Promise<string> {
  try {
    const head = await capture('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']);
    const dirty = await capture('git', ['-C', repoRoot, 'status', '--porcelain']);
    if (head.code !== 0) return 'unknown';
    return head.stdout.trim() + (dirty.stdout.trim() ? ' (modified)' : '');
  } catch {
    return 'unknown';
  }
}

export async function machineInfo(
  repoRoot: string,
  versions: { lifeboatCommand: string; restic?: string; borg?: string; postgres?: string },
): Promise<Machine> {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    loadAtStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    node: process.version,
    lifeboatCommit: await gitCommit(repoRoot),
    lifeboatCommand: versions.lifeboatCommand,
    restic: versions.restic ?? 'not used',
    borg: versions.borg ?? 'not used',
    postgres: versions.postgres ?? 'not used',
  };
}
