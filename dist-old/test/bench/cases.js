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
exports.fill = fill;
exports.files = files;
exports.summary = summary;
exports.benchFileDataset = benchFileDataset;
exports.aggregate = aggregate;
exports.runFileDataset = runFileDataset;
exports.sizeLabel = sizeLabel;
exports.runStream = runStream;
// The measured cases: full backup, second backup of the changed file, restore of the first backup
// (checked by SHA-256), and Lifeboat's peak RSS on generated streams.
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const promises_1 = require("node:stream/promises");
const config_1 = require("./config");
const datasets_1 = require("./datasets");
const measure_1 = require("./measure");
const prng_1 = require("./prng");
function fill(result, outcome) {
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
function files(ctx, tool, tag) {
    const dir = path.join(ctx.runDir, 'logs');
    fs.mkdirSync(dir, { recursive: true });
    return {
        out: path.join(dir, `${tag}-${tool}.stdout`),
        time: path.join(dir, `${tag}-${tool}.time`),
        log: path.join(dir, `${tool}.log`),
    };
}
function summary(r) {
    if (!r.ok)
        return `FAILED: ${(r.error ?? '').split('\n')[0] ?? ''}`;
    const parts = [`${r.wallS?.toFixed(2)} s`, `${r.peakRssMiB?.toFixed(0)} MiB RSS`];
    if (r.growthBytes !== undefined)
        parts.push(`+${(r.growthBytes / config_1.MiB).toFixed(1)} MiB stored`);
    if (r.verified)
        parts.push('sha256 ok');
    return parts.join(', ');
}
/**
 * Runs the cases `repeats` times, each time with fresh repositories, and reports the median of each
 * figure: on a small or shared machine a single sample can be off by tens of percent, which is
 * more than the margins of the goals.
 */
async function benchFileDataset(ds, makeTools, repeats, ctx) {
    ctx.log(`${ds.key}: reading the inputs once (warm cache, SHA-256)`);
    const baseSha = await (0, datasets_1.sha256File)(ds.base);
    await (0, datasets_1.sha256File)(ds.changed);
    const samples = [];
    for (let i = 1; i <= repeats; i++) {
        const dir = path.join(ctx.runDir, ds.key, `rep-${i}`);
        const tag = repeats > 1 ? `${ds.key}-r${i}` : ds.key;
        samples.push(await runFileDataset(ds, baseSha, makeTools(dir), ctx, tag));
        // Repositories of a finished repetition are only disk usage (GBs over several repetitions).
        fs.rmSync(dir, { recursive: true, force: true });
    }
    return aggregate(samples);
}
function median(values) {
    const v = values.filter((x) => x !== undefined).sort((a, b) => a - b);
    if (v.length === 0)
        return undefined;
    const mid = Math.floor(v.length / 2);
    return v.length % 2 ? v[mid] : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}
/** One result per (case, tool): medians of the samples; any failed sample fails the result. */
function aggregate(samples) {
    const first = samples[0] ?? [];
    if (samples.length <= 1)
        return first;
    return first.map((proto) => {
        const same = samples
            .map((rs) => rs.find((r) => r.case === proto.case && r.tool === proto.tool))
            .filter((r) => r !== undefined);
        const failed = same.find((r) => !r.ok);
        const out = { ...proto, ok: failed === undefined, samples: same.length };
        if (failed)
            out.error = `${failed.error ?? 'failed'} (in ${same.filter((r) => !r.ok).length}/${same.length} runs)`;
        else
            delete out.error;
        const keys = ['wallS', 'userS', 'sysS', 'peakRssMiB', 'repoBytes', 'growthBytes'];
        for (const k of keys) {
            const m = median(same.map((r) => r[k]));
            // Means of two floats print as 1.7249999…; GNU time has two decimals anyway.
            if (m === undefined)
                delete out[k];
            else
                out[k] = k.endsWith('Bytes') ? Math.round(m) : Math.round(m * 1000) / 1000;
        }
        if (proto.case.startsWith('restore'))
            out.verified = same.every((r) => r.verified === true);
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
async function runFileDataset(ds, baseSha, tools, ctx, tag) {
    const results = [];
    const firstId = new Map();
    const ready = new Set();
    for (const tool of tools) {
        try {
            await tool.init(files(ctx, tool.name, `${tag}-init`).log);
            ready.add(tool.name);
        }
        catch (err) {
            const error = `init failed: ${err instanceof Error ? err.message : String(err)}`;
            for (const c of ['full', 'incremental', 'restore']) {
                if (c !== 'restore' || tool.restore) {
                    results.push({ dataset: ds.key, case: c, label: c, tool: tool.name, ok: false, error });
                }
            }
        }
    }
    const kinds = [
        ['full', ds.base],
        ['incremental', ds.changed],
    ];
    for (const [seq, [kind, input]] of kinds.entries()) {
        for (const tool of tools.filter((t) => ready.has(t.name))) {
            const r = { dataset: ds.key, case: kind, label: kind, tool: tool.name, ok: true };
            r.inputBytes = fs.statSync(input).size;
            if (kind === 'incremental' && !firstId.has(tool.name)) {
                results.push({ ...r, ok: false, error: 'skipped: the full backup failed' });
                continue;
            }
            const f = files(ctx, tool.name, `${tag}-${kind}`);
            const before = (0, measure_1.dirBytes)(tool.repo);
            const cmd = tool.backup(ds.name, kind, seq + 1);
            const stdin = fs.openSync(input, 'r');
            try {
                fill(r, await (0, measure_1.timedToFile)(cmd, f.out, { env: tool.env, stdin, logFile: f.log, timeFile: f.time }));
            }
            finally {
                fs.closeSync(stdin);
            }
            r.repoBytes = (0, measure_1.dirBytes)(tool.repo);
            r.growthBytes = r.repoBytes - before;
            if (r.ok) {
                try {
                    const parsed = tool.parseBackup(fs.readFileSync(f.out, 'utf8'), seq + 1);
                    if (parsed.reported !== undefined)
                        r.reported = parsed.reported;
                    if (kind === 'full')
                        firstId.set(tool.name, parsed.id);
                }
                catch (err) {
                    r.ok = false;
                    r.error = `unreadable output: ${err instanceof Error ? err.message : String(err)}`;
                }
            }
            ctx.log(`${tag} ${kind} ${tool.name}: ${summary(r)}`);
            results.push(r);
        }
    }
    for (const tool of tools.filter((t) => ready.has(t.name))) {
        if (!tool.restore)
            continue;
        const r = { dataset: ds.key, case: 'restore', label: 'restore', tool: tool.name, ok: true };
        const id = firstId.get(tool.name);
        if (id === undefined) {
            results.push({ ...r, ok: false, error: 'skipped: the full backup failed' });
            continue;
        }
        const f = files(ctx, tool.name, `${tag}-restore`);
        const target = path.join(ctx.runDir, `restored-${ds.key}-${tool.name}`);
        const cmd = tool.restore(id, ds.name);
        fill(r, await (0, measure_1.timedToFile)(cmd, target, { env: tool.env, stdin: 'ignore', logFile: f.log, timeFile: f.time }));
        r.inputBytes = fs.statSync(target).size;
        if (r.ok) {
            r.verified = (await (0, datasets_1.sha256File)(target)) === baseSha;
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
function sizeLabel(bytes) {
    return bytes >= config_1.GiB && bytes % config_1.GiB === 0 ? `${bytes / config_1.GiB} GiB` : `${bytes / config_1.MiB} MiB`;
}
/**
 * Backs up a generated stream of `size` bytes with a fresh repository and records peak RSS. The
 * stream is keystream (unique, incompressible): every chunk is new, so whatever Lifeboat keeps per
 * chunk or per pack in memory grows as much as it can.
 */
async function runStream(size, makeTool, ctx) {
    const label = sizeLabel(size);
    const dir = path.join(ctx.runDir, `stream-${size}`);
    fs.mkdirSync(dir, { recursive: true });
    const tool = makeTool(dir);
    const r = {
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
        const feed = (sink) => (0, promises_1.pipeline)((0, prng_1.keystreamReadable)(config_1.STREAM_SEED, size), sink);
        fill(r, await (0, measure_1.timedToFile)(cmd, f.out, { env: tool.env, stdin: feed, logFile: f.log, timeFile: f.time }));
        r.repoBytes = (0, measure_1.dirBytes)(tool.repo);
        r.growthBytes = r.repoBytes;
    }
    catch (err) {
        r.ok = false;
        r.error = err instanceof Error ? err.message : String(err);
    }
    // Up to 4 GiB of incompressible packs: not worth keeping once measured.
    fs.rmSync(dir, { recursive: true, force: true });
    ctx.log(`memory ${label} ${tool.name}: ${summary(r)}`);
    return r;
}
//# sourceMappingURL=cases.js.map