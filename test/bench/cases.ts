// The measured cases: full backup, second backup of the changed file, restore of the first backup
// (checked by SHA-256), and Lifeboat's peak RSS on generated streams.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { GiB, MiB, STREAM_SEED } from './config';
import { sha256File, type FileDataset } from './datasets';
import { dirBytes, timedToFile, type TimedOutcome } from './measure';
import { keystreamReadable } from './prng';
import type { BackupKind, Tool, ToolName } from './tools';

/** `restore-read-back`: a tree restore that then reads every file back (restic's --verify). */
export type CaseName = 'full' | 'incremental' | 'restore' | 'restore-read-back' | 'stream';
export type CloudStore = 'local' | 's3' | 'azure';

export interface CaseResult {
  dataset: string;
  case: CaseName;
  /** For streams: the stream's size, e.g. "1 GiB". */
  label: string;
  tool: ToolName;
  ok: boolean;
  error?: string;
  inputBytes?: number;
  wallS?: number;
  userS?: number;
  sysS?: number;
  peakRssMiB?: number;
  /** Repository size after the command (backups). */
  repoBytes?: number;
  /** Repository growth caused by the command (backups). */
  growthBytes?: number;
  /** Restores: the restored bytes (or tree) hash to the original's SHA-256. */
  verified?: boolean;
  /** What the tool itself printed about the backup (Lifeboat's and restic's --json). */
  reported?: unknown;
  /** Cloud streams: where the repository was. */
  store?: CloudStore;
  /** With --repeat: how many runs the medians above are taken over, and each run's figures. */
  samples?: number;
  runs?: RunFigures[];
}

/** One run's figures, of those a case reports the median of. */
export type RunFigures = Partial<
  Pick<CaseResult, 'ok' | 'wallS' | 'userS' | 'sysS' | 'peakRssMiB' | 'growthBytes'>
>;

export interface CaseContext {
  runDir: string;
  log: (msg: string) => void;
}

export function fill(result: CaseResult, outcome: TimedOutcome): void {
  const m = outcome.measurement;
  if (m) {
    result.wallS = m.wallS;
    result.userS = m.userS;
    result.sysS = m.sysS;
    result.peakRssMiB = m.maxRssKiB / 1024;
  }
  if (!outcome.ok) {
    result.ok = false;
    result.error = outcome.error ?? 'failed';
  }
}

export function files(
  ctx: CaseContext,
  tool: ToolName,
  tag: string,
): { out: string; time: string; log: string } {
  const dir = path.join(ctx.runDir, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  return {
    out: path.join(dir, `${tag}-${tool}.stdout`),
    time: path.join(dir, `${tag}-${tool}.time`),
    log: path.join(dir, `${tool}.log`),
  };
}

export function summary(r: CaseResult): string {
  if (!r.ok) return `FAILED: ${(r.error ?? '').split('\n')[0] ?? ''}`;
  const parts = [`${r.wallS?.toFixed(2)} s`, `${r.peakRssMiB?.toFixed(0)} MiB RSS`];
  if (r.growthBytes !== undefined) parts.push(`+${(r.growthBytes / MiB).toFixed(1)} MiB stored`);
  if (r.verified) parts.push('sha256 ok');
  return parts.join(', ');
}

/**
 * Runs the cases `repeats` times, each time with fresh repositories, and reports the median of each
 * figure: on a small or shared machine a single sample can be off by tens of percent, which is
 * more than the margins of the goals.
 */
export async function benchFileDataset(
  ds: FileDataset,
  makeTools: (dir: string) => Tool[],
  repeats: number,
  ctx: CaseContext,
): Promise<CaseResult[]> {
  ctx.log(`${ds.key}: reading the inputs once (warm cache, SHA-256)`);
  const baseSha = await sha256File(ds.base);
  await sha256File(ds.changed);
  const samples: CaseResult[][] = [];
  for (let i = 1; i <= repeats; i++) {
    const dir = path.join(ctx.runDir, ds.key, `rep-${i}`);
    const tag = repeats > 1 ? `${ds.key}-r${i}` : ds.key;
    samples.push(await runFileDataset(ds, baseSha, makeTools(dir), ctx, tag));
    // Repositories of a finished repetition are only disk usage (GBs over several repetitions).
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return aggregate(samples);
}

function median(values: (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}

/** One result per (case, tool): medians of the samples; any failed sample fails the result. */
export function aggregate(samples: CaseResult[][]): CaseResult[] {
  const first = samples[0] ?? [];
  if (samples.length <= 1) return first;
  return first.map((proto) => {
    const same = samples
      .map((rs) => rs.find((r) => r.case === proto.case && r.tool === proto.tool))
      .filter((r): r is CaseResult => r !== undefined);
    const failed = same.find((r) => !r.ok);
    const out: CaseResult = { ...proto, ok: failed === undefined, samples: same.length };
    if (failed)
      out.error = `${failed.error ?? 'failed'} (in ${same.filter((r) => !r.ok).length}/${same.length} runs)`;
    else delete out.error;
    const keys = ['wallS', 'userS', 'sysS', 'peakRssMiB', 'repoBytes', 'growthBytes'] as const;
    for (const k of keys) {
      const m = median(same.map((r) => r[k]));
      // Means of two floats print as 1.7249999…; GNU time has two decimals anyway.
      if (m === undefined) delete out[k];
      else out[k] = k.endsWith('Bytes') ? Math.round(m) : Math.round(m * 1000) / 1000;
    }
    if (proto.case.startsWith('restore')) out.verified = same.every((r) => r.verified === true);
    out.runs = same.map((r) => ({
      ok: r.ok,
      wallS: r.wallS,
      userS: r.userS,
      sysS: r.sysS,
      peakRssMiB: r.peakRssMiB,
      growthBytes: r.growthBytes,
    }));
    return out;
  });
}

/** Runs full, incremental and restore for every tool on one dataset; tools take turns per case. */
export async function runFileDataset(
  ds: FileDataset,
  baseSha: string,
  tools: Tool[],
  ctx: CaseContext,
  tag: string,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const firstId = new Map<ToolName, string>();
  const ready = new Set<ToolName>();

  for (const tool of tools) {
    try {
      await tool.init(files(ctx, tool.name, `${tag}-init`).log);
      ready.add(tool.name);
    } catch (err) {
      const error = `init failed: ${err instanceof Error ? err.message : String(err)}`;
      for (const c of ['full', 'incremental', 'restore'] as const) {
        if (c !== 'restore' || tool.restore) {
          results.push({ dataset: ds.key, case: c, label: c, tool: tool.name, ok: false, error });
        }
      }
    }
  }

  const kinds: [BackupKind, string][] = [
    ['full', ds.base],
    ['incremental', ds.changed],
  ];
  for (const [seq, [kind, input]] of kinds.entries()) {
    for (const tool of tools.filter((t) => ready.has(t.name))) {
      const r: CaseResult = { dataset: ds.key, case: kind, label: kind, tool: tool.name, ok: true };
      r.inputBytes = fs.statSync(input).size;
      if (kind === 'incremental' && !firstId.has(tool.name)) {
        results.push({ ...r, ok: false, error: 'skipped: the full backup failed' });
        continue;
      }
      const f = files(ctx, tool.name, `${tag}-${kind}`);
      const before = dirBytes(tool.repo);
      const cmd = tool.backup(ds.name, kind, seq + 1);
      const stdin = fs.openSync(input, 'r');
      try {
        fill(r, await timedToFile(cmd, f.out, { env: tool.env, stdin, logFile: f.log, timeFile: f.time }));
      } finally {
        fs.closeSync(stdin);
      }
      r.repoBytes = dirBytes(tool.repo);
      r.growthBytes = r.repoBytes - before;
      if (r.ok) {
        try {
          const parsed = tool.parseBackup(fs.readFileSync(f.out, 'utf8'), seq + 1);
          if (parsed.reported !== undefined) r.reported = parsed.reported;
          if (kind === 'full') firstId.set(tool.name, parsed.id);
        } catch (err) {
          r.ok = false;
          r.error = `unreadable output: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      ctx.log(`${tag} ${kind} ${tool.name}: ${summary(r)}`);
      results.push(r);
    }
  }

  for (const tool of tools.filter((t) => ready.has(t.name))) {
    if (!tool.restore) continue;
    const r: CaseResult = { dataset: ds.key, case: 'restore', label: 'restore', tool: tool.name, ok: true };
    const id = firstId.get(tool.name);
    if (id === undefined) {
      results.push({ ...r, ok: false, error: 'skipped: the full backup failed' });
      continue;
    }
    const f = files(ctx, tool.name, `${tag}-restore`);
    const target = path.join(ctx.runDir, `restored-${ds.key}-${tool.name}`);
    const cmd = tool.restore(id, ds.name);
    fill(
      r,
      await timedToFile(cmd, target, { env: tool.env, stdin: 'ignore', logFile: f.log, timeFile: f.time }),
    );
    r.inputBytes = fs.statSync(target).size;
    if (r.ok) {
      r.verified = (await sha256File(target)) === baseSha;
      if (!r.verified) {
        r.ok = false;
        r.error = `restored bytes differ from ${path.basename(ds.base)} (${r.inputBytes} bytes restored)`;
      }
    }
    fs.rmSync(target, { force: true });
    ctx.log(`${tag} restore ${tool.name}: ${summary(r)}`);
    results.push(r);
  }
  return results;
}

export function sizeLabel(bytes: number): string {
  return bytes >= GiB && bytes % GiB === 0 ? `${bytes / GiB} GiB` : `${bytes / MiB} MiB`;
}

/**
 * Backs up a generated stream of `size` bytes with a fresh repository and records peak RSS. The
 * stream is keystream (unique, incompressible): every chunk is new, so whatever Lifeboat keeps per
 * chunk or per pack in memory grows as much as it can.
 */
export async function runStream(
  size: number,
  makeTool: (dir: string) => Tool,
  ctx: CaseContext,
): Promise<CaseResult> {
  const label = sizeLabel(size);
  const dir = path.join(ctx.runDir, `stream-${size}`);
  fs.mkdirSync(dir, { recursive: true });
  const tool = makeTool(dir);
  const r: CaseResult = {
    dataset: 'memory',
    case: 'stream',
    label,
    tool: tool.name,
    ok: true,
    inputBytes: size,
  };
  const f = files(ctx, tool.name, `stream-${size}`);
  try {
    await tool.init(f.log);
    const cmd = tool.backup(`stream-${label.replace(' ', '')}`, 'full', 1);
    const feed = (sink: Writable): Promise<void> => pipeline(keystreamReadable(STREAM_SEED, size), sink);
    fill(r, await timedToFile(cmd, f.out, { env: tool.env, stdin: feed, logFile: f.log, timeFile: f.time }));
    r.repoBytes = dirBytes(tool.repo);
    r.growthBytes = r.repoBytes;
  } catch (err) {
    r.ok = false;
    r.error = err instanceof Error ? err.message : String(err);
  }
  // Up to 4 GiB of incompressible packs: not worth keeping once measured.
  fs.rmSync(dir, { recursive: true, force: true });
  ctx.log(`memory ${label} ${tool.name}: ${summary(r)}`);
  return r;
}
