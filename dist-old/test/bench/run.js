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
// `npm run bench`: Lifeboat against restic (and borg, for reference) on the same data, on the same
// machine, in the same run. See the help text below for the options and environment.
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const node_child_process_1 = require("node:child_process");
const node_util_1 = require("node:util");
const cases_1 = require("./cases");
const cloud_1 = require("./cloud");
const config_1 = require("./config");
const datasets_1 = require("./datasets");
const tree_1 = require("./tree");
const machine_1 = require("./machine");
const postgres_1 = require("./postgres");
const prereq_1 = require("./prereq");
const report_1 = require("./report");
const tools_1 = require("./tools");
const HELP = `Usage: npm run bench -- [--only linux|pg|tree|memory|cloud|chunker[,...]] [--quick] [--repeat N]

Backs up the Linux 6.1 source tar and a pgbench dump with Lifeboat, restic and borg (linux only),
backs up the 1%-changed versions, restores the first backups; backs up the Linux 6.1 source tree
(a directory) with all three, again after a small change, and restores the first backup; measures
Lifeboat's peak RSS on 1 and 4 GiB generated streams; backs up and restores 1 and 4 GiB generated
streams with Lifeboat in S3 (s3rver) and Azure Blob (Azurite), started here, and in a local
repository; and prints/writes the results (results.md, results.json).

  --only PART   run only linux, pg, tree, memory, cloud or chunker (repeatable or comma-separated)
  --quick       ${config_1.QUICK_TAR_BYTES / 2 ** 20} MiB tar prefix, pgbench scale ${config_1.PGBENCH_SCALE_QUICK}, only ${config_1.TREE_QUICK_DIRS.join(' and ')}
                of the tree, small streams (cloud: ${config_1.CLOUD_STREAM_SIZES_QUICK.map(cases_1.sizeLabel).join(' and ')})
  --repeat N    run the tar, pgbench and tree cases N times with fresh repositories and report
                medians (default ${config_1.DEFAULT_REPEATS}, or 1 with --quick)

Environment:
  LIFEBOAT_BENCH_DIR  work directory (default: <repo>/.bench); datasets are kept in data/,
                      everything else (run/) is deleted at the start of each run
  LIFEBOAT_BENCH_CMD  command that starts the Lifeboat CLI, split on whitespace (no shell)
                      (default: this node + dist/bin/lifeboat.js)
`;
const PARTS = ['linux', 'pg', 'tree', 'memory', 'cloud', 'chunker'];
function parseOptions(argv) {
    const { values } = (0, node_util_1.parseArgs)({
        args: argv,
        options: {
            only: { type: 'string', multiple: true },
            quick: { type: 'boolean', default: false },
            repeat: { type: 'string' },
            help: { type: 'boolean', short: 'h', default: false },
        },
        strict: true,
    });
    if (values.help)
        return undefined;
    const requested = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
    for (const v of requested) {
        if (!PARTS.includes(v))
            throw new Error(`--only takes ${PARTS.join(', ')}; got "${v}"`);
    }
    const quick = values.quick ?? false;
    const repeats = values.repeat === undefined ? (quick ? 1 : config_1.DEFAULT_REPEATS) : Number(values.repeat);
    if (!Number.isInteger(repeats) || repeats < 1)
        throw new Error(`--repeat takes a positive integer`);
    return {
        parts: new Set(requested.length ? requested : PARTS),
        explicit: requested.length > 0,
        quick,
        repeats,
    };
}
/** The repository root holds package.json; this file runs from test/bench or dist/test/bench. */
function findRepoRoot(from) {
    for (let dir = from;; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, 'package.json')))
            return dir;
        if (path.dirname(dir) === dir)
            throw new Error(`no package.json above ${from}`);
    }
}
function log(msg) {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
function errorText(err) {
    return err instanceof Error ? err.message : String(err);
}
async function main() {
    let parsed;
    try {
        parsed = parseOptions(process.argv.slice(2));
    }
    catch (err) {
        process.stderr.write(`${errorText(err)}\n\n${HELP}`);
        return 2;
    }
    if (!parsed) {
        process.stdout.write(HELP);
        return 0;
    }
    const opts = parsed;
    const notes = [];
    let failedParts = 0;
    const pre = (0, prereq_1.checkPrereqs)(opts.parts);
    // Without PostgreSQL a default run still measures the rest; asking for pg explicitly, or missing
    // anything else as well, stops the run so that nobody mistakes a partial run for a full one.
    const onlyPgMissing = pre.missing.length === 1 && pre.missing[0] === 'postgresql' && !opts.explicit;
    if (pre.missing.length && !onlyPgMissing) {
        process.stderr.write(`The benchmark needs programs and data that are not installed:\n` +
            pre.reasons.map((r) => `  - ${r}\n`).join('') +
            `\nInstall them with:\n\n  ${(0, prereq_1.installHint)(pre.missing)}\n\n`);
        return 1;
    }
    if (onlyPgMissing) {
        const note = `PostgreSQL is not installed: the pgbench dataset is skipped (${(0, prereq_1.installHint)(['postgresql'])}).`;
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
    const lb = (0, tools_1.lifeboatCommand)(repoRoot);
    if (lb.builtin && !fs.existsSync(lb.args[0] ?? '')) {
        const note = `${lb.args[0]} does not exist (run \`npm run build\`): Lifeboat cases will fail.`;
        log(note);
        notes.push(note);
    }
    const rInfo = pre.restic ? await (0, tools_1.resticInfo)(pre.restic) : undefined;
    const machine = await (0, machine_1.machineInfo)(repoRoot, {
        lifeboatCommand: [lb.cmd, ...lb.args].map((a) => path.relative(repoRoot, a) || a).join(' '),
        ...(rInfo ? { restic: rInfo.version } : {}),
        ...(pre.borg ? { borg: await (0, tools_1.borgVersion)(pre.borg) } : {}),
        ...(pre.pg ? { postgres: await (0, postgres_1.pgVersion)(pre.pg) } : {}),
    });
    log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, node ${machine.node}`);
    log(`peers: ${machine.restic}; ${machine.borg}; ${machine.postgres}`);
    log(`work dir: ${workDir}`);
    const startedAt = new Date().toISOString();
    const ctx = { runDir, log };
    const results = [];
    const datasets = [];
    const info = (ds) => ({
        key: ds.key,
        name: ds.name,
        baseBytes: fs.statSync(ds.base).size,
        changedBytes: fs.statSync(ds.changed).size,
        changeNote: ds.changeNote,
    });
    const peers = (dir, withBorg) => {
        const tools = [(0, tools_1.lifeboat)(lb, dir)];
        if (rInfo)
            tools.push((0, tools_1.restic)(rInfo, dir));
        if (withBorg && pre.borg)
            tools.push((0, tools_1.borg)(pre.borg, dir));
        return tools;
    };
    /** Runs one dataset; a failure is noted and the other parts still run. */
    const dataset = async (name, run) => {
        try {
            await run();
        }
        catch (err) {
            failedParts++;
            const text = `${name} dataset failed: ${errorText(err)}`;
            notes.push(text);
            log(text);
        }
    };
    if (opts.parts.has('linux')) {
        await dataset('linux', async () => {
            const ds = await (0, datasets_1.linuxDataset)(dataDir, opts.quick, log);
            datasets.push(info(ds));
            results.push(...(await (0, cases_1.benchFileDataset)(ds, (dir) => peers(dir, true), opts.repeats, ctx)));
        });
    }
    const pg = pre.pg;
    if (opts.parts.has('pg') && pg) {
        await dataset('pg', async () => {
            const sets = await (0, postgres_1.pgDatasets)({
                dataDir,
                scale: opts.quick ? config_1.PGBENCH_SCALE_QUICK : config_1.PGBENCH_SCALE,
                tools: pg,
                logFile: path.join(runDir, 'postgres.log'),
                log,
            });
            for (const ds of sets) {
                datasets.push(info(ds));
                results.push(...(await (0, cases_1.benchFileDataset)(ds, (dir) => peers(dir, false), opts.repeats, ctx)));
            }
        });
    }
    if (opts.parts.has('tree')) {
        await dataset('tree', async () => {
            const ds = await (0, tree_1.treeDataset)(dataDir, opts.quick, log);
            datasets.push((0, tree_1.treeInfo)(ds));
            const treePeers = (dir) => {
                const tools = [(0, tools_1.lifeboatTree)(lb, dir)];
                if (rInfo)
                    tools.push((0, tools_1.resticTree)(rInfo, dir));
                if (pre.borg)
                    tools.push((0, tools_1.borgTree)(pre.borg, dir));
                return tools;
            };
            results.push(...(await (0, tree_1.benchTree)(ds, treePeers, opts.repeats, ctx)));
        });
    }
    if (opts.parts.has('memory')) {
        for (const size of opts.quick ? config_1.STREAM_SIZES_QUICK : config_1.STREAM_SIZES) {
            results.push(await (0, cases_1.runStream)(size, (dir) => (0, tools_1.lifeboat)(lb, dir), ctx));
        }
    }
    if (opts.parts.has('cloud')) {
        const sizes = opts.quick ? config_1.CLOUD_STREAM_SIZES_QUICK : config_1.CLOUD_STREAM_SIZES;
        results.push(...(await (0, cloud_1.runCloudStreams)(sizes, lb, ctx)));
    }
    if (opts.parts.has('chunker')) {
        // The chunker's own goal (at least 1 GiB/s on one core) is met by the gear loop alone.
        const line = await chunkerSpeed(repoRoot);
        log(line);
        notes.push(line);
    }
    const report = {
        startedAt,
        finishedAt: new Date().toISOString(),
        quick: opts.quick,
        repeats: opts.repeats,
        machine,
        datasets,
        notes,
        results,
        goals: (0, report_1.evaluateGoals)(results, datasets),
    };
    const markdown = (0, report_1.renderMarkdown)(report);
    fs.writeFileSync(path.join(workDir, 'results.md'), markdown);
    fs.writeFileSync(path.join(workDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${markdown}\n`);
    log(`wrote ${path.join(workDir, 'results.md')} and results.json`);
    // Unmet goals are a finding, not an error; a failed or unverifiable run is an error.
    return failedParts > 0 || results.some((r) => !r.ok) ? 1 : 0;
}
/** One core, 512 MiB of random data in 1 MiB pieces, through the same compiled chunker the CLI uses. */
function chunkerSpeed(repoRoot) {
    return new Promise((resolve) => {
        (0, node_child_process_1.execFile)(process.execPath, [path.join(repoRoot, 'scripts', 'chunker-speed.js'), '1024', '512'], (error, stdout) => resolve(error ? `chunker speed not measured: ${error.message}` : stdout.trim()));
    });
}
main().then((code) => process.exit(code), (err) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
});
//# sourceMappingURL=run.js.map