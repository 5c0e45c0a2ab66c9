// `npm run bench`: Lifeboat against restic (and borg, for reference) on the same data, on the same
// machine, in the same run. See the help text below for the options and environment.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { benchFileDataset, runStream, sizeLabel, type CaseContext, type CaseResult } from './cases';
import { runCloudStreams } from './cloud';
import {
  CLOUD_STREAM_SIZES,
  CLOUD_STREAM_SIZES_QUICK,
  DEFAULT_REPEATS,
  PGBENCH_SCALE,
  PGBENCH_SCALE_QUICK,
  QUICK_TAR_BYTES,
  STREAM_SIZES,
  STREAM_SIZES_QUICK,
  TREE_QUICK_DIRS,
} from './config';
import { linuxDataset, type FileDataset } from './datasets';
import { benchTree, treeDataset, treeInfo } from './tree';
import { machineInfo } from './machine';
import { pgDatasets, pgVersion } from './postgres';
import { checkPrereqs, installHint, type Part } from './prereq';
import { evaluateGoals, renderMarkdown, type DatasetInfo, type Report } from './report';
import {
  borg,
  borgTree,
  borgVersion,
  lifeboat,
  lifeboatCommand,
  lifeboatTree,
  restic,
  resticInfo,
  resticTree,
  type Tool,
  type TreeTool,
} from './tools';

const HELP = `Usage: npm run bench -- [--only linux|pg|tree|memory|cloud|chunker[,...]] [--quick] [--repeat N]

Backs up the Linux 6.1 source tar and a pgbench dump with Lifeboat, restic and borg (linux only),
backs up the 1%-changed versions, restores the first backups; backs up the Linux 6.1 source tree
(a directory) with all three, again after a small change, and restores the first backup; measures
Lifeboat's peak RSS on 1 and 4 GiB generated streams; backs up and restores 1 and 4 GiB generated
streams with Lifeboat in S3 (s3rver) and Azure Blob (Azurite), started here, and in a local
repository; and prints/writes the results (results.md, results.json).

  --only PART   run only linux, pg, tree, memory, cloud or chunker (repeatable or comma-separated)
  --quick       ${QUICK_TAR_BYTES / 2 ** 20} MiB tar prefix, pgbench scale ${PGBENCH_SCALE_QUICK}, only ${TREE_QUICK_DIRS.join(' and ')}
                of the tree, small streams (cloud: ${CLOUD_STREAM_SIZES_QUICK.map(sizeLabel).join(' and ')})
  --repeat N    run the tar, pgbench and tree cases N times with fresh repositories and report
                medians (default ${DEFAULT_REPEATS}, or 1 with --quick)

Environment:
  LIFEBOAT_BENCH_DIR  work directory (default: <repo>/.bench); datasets are kept in data/,
                      everything else (run/) is deleted at the start of each run
  LIFEBOAT_BENCH_CMD  command that starts the Lifeboat CLI, split on whitespace (no shell)
                      (default: this node + dist/bin/lifeboat.js)
`;

const PARTS: readonly Part[] = ['linux', 'pg', 'tree', 'memory', 'cloud', 'chunker'];

interface Options {
  parts: Set<Part>;
  explicit: boolean;
  quick: boolean;
  repeats: number;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      repeat: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const requested = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const v of requested) {
    if (!PARTS.includes(v as Part)) throw new Error(`--only takes ${PARTS.join(', ')}; got "${v}"`);
  }
  const quick = values.quick ?? false;
  const repeats = values.repeat === undefined ? (quick ? 1 : DEFAULT_REPEATS) : Number(values.repeat);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeat takes a positive integer`);
  return {
    parts: new Set(requested.length ? (requested as Part[]) : PARTS),
    explicit: requested.length > 0,
    quick,
    repeats,
  };
}

/** The repository root holds package.json; this file runs from test/bench or dist/test/bench. */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<number> {
  let parsed: Options | undefined;
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${errorText(err)}\n\n${HELP}`);
    return 2;
  }
  if (!parsed) {
    process.stdout.write(HELP);
    return 0;
  }
  const opts = parsed;
  const notes: string[] = [];
  let failedParts = 0;

  const pre = checkPrereqs(opts.parts);
  // Without PostgreSQL a default run still measures the rest; asking for pg explicitly, or missing
  // anything else as well, stops the run so that nobody mistakes a partial run for a full one.
  const onlyPgMissing = pre.missing.length === 1 && pre.missing[0] === 'postgresql' && !opts.explicit;
  if (pre.missing.length && !onlyPgMissing) {
    process.stderr.write(
      `The benchmark needs programs and data that are not installed:\n` +
        pre.reasons.map((r) => `  - ${r}\n`).join('') +
        `\nInstall them with:\n\n  ${installHint(pre.missing)}\n\n`,
    );
    return 1;
  }
  if (onlyPgMissing) {
    const note = `PostgreSQL is not installed: the pgbench dataset is skipped (${installHint(['postgresql'])}).`;
    log(note);
    notes.push(note);
    opts.parts.delete('pg');
  }

  const repoRoot = findRepoRoot(__dirname);
  const workDir = path.resolve(process.env['LIFEBOAT_BENCH_DIR'] || path.join(repoRoot, '.bench'));
  const dataDir = path.join(workDir, 'data');
  const runDir = path.join(workDir, 'run');
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.mkdirSync(runDir, { recursive: true });
  fs.mkdirSync(dataDir, { recursive: true });

  const lb = lifeboatCommand(repoRoot);
  if (lb.builtin && !fs.existsSync(lb.args[0] ?? '')) {
    const note = `${lb.args[0]} does not exist (run \`npm run build\`): Lifeboat cases will fail.`;
    log(note);
    notes.push(note);
  }
  const rInfo = pre.restic ? await resticInfo(pre.restic) : undefined;
  const machine = await machineInfo(repoRoot, {
    lifeboatCommand: [lb.cmd, ...lb.args].map((a) => path.relative(repoRoot, a) || a).join(' '),
    ...(rInfo ? { restic: rInfo.version } : {}),
    ...(pre.borg ? { borg: await borgVersion(pre.borg) } : {}),
    ...(pre.pg ? { postgres: await pgVersion(pre.pg) } : {}),
  });
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, node ${machine.node}`);
  log(`peers: ${machine.restic}; ${machine.borg}; ${machine.postgres}`);
  log(`work dir: ${workDir}`);

  const startedAt = new Date().toISOString();
  const ctx: CaseContext = { runDir, log };
  const results: CaseResult[] = [];
  const datasets: DatasetInfo[] = [];
  const info = (ds: FileDataset): DatasetInfo => ({
    key: ds.key,
    name: ds.name,
    baseBytes: fs.statSync(ds.base).size,
    changedBytes: fs.statSync(ds.changed).size,
    changeNote: ds.changeNote,
  });
  const peers = (dir: string, withBorg: boolean): Tool[] => {
    const tools: Tool[] = [lifeboat(lb, dir)];
    if (rInfo) tools.push(restic(rInfo, dir));
    if (withBorg && pre.borg) tools.push(borg(pre.borg, dir));
    return tools;
  };

  /** Runs one dataset; a failure is noted and the other parts still run. */
  const dataset = async (name: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (err) {
      failedParts++;
      const text = `${name} dataset failed: ${errorText(err)}`;
      notes.push(text);
      log(text);
    }
  };

  if (opts.parts.has('linux')) {
    await dataset('linux', async () => {
      const ds = await linuxDataset(dataDir, opts.quick, log);
      datasets.push(info(ds));
      results.push(...(await benchFileDataset(ds, (dir) => peers(dir, true), opts.repeats, ctx)));
    });
  }
  const pg = pre.pg;
  if (opts.parts.has('pg') && pg) {
    await dataset('pg', async () => {
      const sets = await pgDatasets({
        dataDir,
        scale: opts.quick ? PGBENCH_SCALE_QUICK : PGBENCH_SCALE,
        tools: pg,
        logFile: path.join(runDir, 'postgres.log'),
        log,
      });
      for (const ds of sets) {
        datasets.push(info(ds));
        results.push(...(await benchFileDataset(ds, (dir) => peers(dir, false), opts.repeats, ctx)));
      }
    });
  }
  if (opts.parts.has('tree')) {
    await dataset('tree', async () => {
      const ds = await treeDataset(dataDir, opts.quick, log);
      datasets.push(treeInfo(ds));
      const treePeers = (dir: string): TreeTool[] => {
        const tools: TreeTool[] = [lifeboatTree(lb, dir)];
        if (rInfo) tools.push(resticTree(rInfo, dir));
        if (pre.borg) tools.push(borgTree(pre.borg, dir));
        return tools;
      };
      results.push(...(await benchTree(ds, treePeers, opts.repeats, ctx)));
    });
  }
  if (opts.parts.has('memory')) {
    for (const size of opts.quick ? STREAM_SIZES_QUICK : STREAM_SIZES) {
      results.push(await runStream(size, (dir) => lifeboat(lb, dir), ctx));
    }
  }
  if (opts.parts.has('cloud')) {
    const sizes = opts.quick ? CLOUD_STREAM_SIZES_QUICK : CLOUD_STREAM_SIZES;
    results.push(...(await runCloudStreams(sizes, lb, ctx)));
  }
  if (opts.parts.has('chunker')) {
    // The chunker's own goal (at least 1 GiB/s on one core) is met by the gear loop alone.
    const line = await chunkerSpeed(repoRoot);
    log(line);
    notes.push(line);
  }

  const report: Report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: opts.quick,
    repeats: opts.repeats,
    machine,
    datasets,
    notes,
    results,
    goals: evaluateGoals(results, datasets),
  };
  const markdown = renderMarkdown(report);
  fs.writeFileSync(path.join(workDir, 'results.md'), markdown);
  fs.writeFileSync(path.join(workDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${markdown}\n`);
  log(`wrote ${path.join(workDir, 'results.md')} and results.json`);
  // Unmet goals are a finding, not an error; a failed or unverifiable run is an error.
  return failedParts > 0 || results.some((r) => !r.ok) ? 1 : 0;
}

/** One core, 512 MiB of random data in 1 MiB pieces, through the same compiled chunker the CLI uses. */
function chunkerSpeed(repoRoot: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'scripts', 'chunker-speed.js'), '1024', '512'],
      (error, stdout) => resolve(error ? `chunker speed not measured: ${error.message}` : stdout.trim()),
    );
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
