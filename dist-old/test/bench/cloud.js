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
exports.CLOUD_STORES = void 0;
exports.runCloudStreams = runCloudStreams;
// The cloud part: a generated stream backed up into a repository in S3 (s3rver) and in Azure Blob
// (Azurite) and restored, each beside the same stream into a local repository in the same run.
// The emulators are started here and run on this machine: their CPU competes with Lifeboat's, so
// the throughput is that of this set-up, not of S3 or Azure. Peak RSS is Lifeboat's own (GNU time
// measures its process, not the emulator's), and that is what the goal bounds: memory held per
// upload (multipart parts, staged blocks) would show here as it would against the real services.
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const promises_1 = require("node:stream/promises");
const azurite_1 = require("../helpers/azurite");
const s3rver_1 = require("../helpers/s3rver");
const cases_1 = require("./cases");
const config_1 = require("./config");
const exec_1 = require("./exec");
const measure_1 = require("./measure");
const prng_1 = require("./prng");
/** In the order they run for each size: local first, the reference the others are compared with. */
exports.CLOUD_STORES = ['local', 's3', 'azure'];
const BUCKET = 'bench';
const PREFIX = 'lifeboat';
/**
 * The helper starts `server.js` next to its compiled self (dist/test/helpers/s3rver/), and only
 * TypeScript is compiled: the file is there only if something copied it.
 */
function s3rverServerScript() {
    return path.join(__dirname, '..', 'helpers', 's3rver', 'server.js');
}
/** A fresh, empty store for each case, so that no case pays for another's data (Azurite keeps it in memory). */
async function openStore(store, dir) {
    switch (store) {
        case 'local':
            return { url: path.join(dir, 'lifeboat-repo'), env: {}, stop: async () => undefined };
        case 's3': {
            const script = s3rverServerScript();
            if (!fs.existsSync(script)) {
                throw new Error(`${script} is missing: \`npm run build\` compiles test/helpers/s3rver.ts but does not copy ` +
                    `test/helpers/s3rver/server.js (scripts/copy-assets.js copies only .wasm files); copy it there`);
            }
            const s3 = await (0, s3rver_1.startS3rver)([BUCKET]);
            return { url: `s3://${BUCKET}/${PREFIX}`, env: s3.env, stop: () => s3.stop() };
        }
        case 'azure': {
            const azurite = await (0, azurite_1.startAzurite)([BUCKET]);
            return { url: `azure://${BUCKET}/${PREFIX}`, env: azurite.env, stop: () => azurite.stop() };
        }
    }
}
/** The stderr of the last command in a log that `timed` appended to (after its "$ cmd" line). */
function lastCommandLog(file) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    return text.slice(text.lastIndexOf('\n$ ') + 1);
}
function mibPerS(r) {
    return r.inputBytes === undefined || !r.wallS ? '—' : `${(r.inputBytes / config_1.MiB / r.wallS).toFixed(0)} MiB/s`;
}
function logLine(r) {
    const what = `cloud ${r.label} ${r.store ?? '?'} ${r.case === 'restore' ? 'restore' : 'backup'}`;
    if (!r.ok)
        return `${what}: FAILED: ${(r.error ?? '').split('\n')[0] ?? ''}`;
    return `${what}: ${r.wallS?.toFixed(2)} s, ${mibPerS(r)}, ${r.peakRssMiB?.toFixed(0)} MiB RSS`;
}
/**
 * Backs up a generated stream of `size` bytes into a fresh repository in `store` (the same
 * keystream as the memory part: unique and incompressible, so every chunk is uploaded), then
 * restores it to /dev/null. Lifeboat checks the restored stream against the checksum recorded at
 * backup and says so; that message is the restore's verification.
 */
async function runCloudStream(size, store, lb, ctx) {
    const label = (0, cases_1.sizeLabel)(size);
    const tag = `cloud-${store}-${label.replace(' ', '')}`;
    const dir = path.join(ctx.runDir, tag);
    fs.mkdirSync(dir, { recursive: true });
    const common = { dataset: 'cloud', label, tool: 'lifeboat', store, inputBytes: size, ok: true };
    const backup = { ...common, case: 'stream' };
    const restore = { ...common, case: 'restore' };
    const f = (0, cases_1.files)(ctx, 'lifeboat', tag);
    const logFile = path.join(path.dirname(f.log), `${tag}.log`);
    let opened;
    try {
        opened = await openStore(store, dir);
        const stop = opened.stop;
        (0, exec_1.onInterrupt)(tag, () => void stop());
        const env = { ...process.env, LIFEBOAT_HOME: path.join(dir, 'home'), ...opened.env };
        const repo = ['--repo', opened.url];
        const feed = (sink) => (0, promises_1.pipeline)((0, prng_1.keystreamReadable)(config_1.STREAM_SEED, size), sink);
        const backupCmd = {
            cmd: lb.cmd,
            args: [...lb.args, 'backup', '--stdin', '--name', tag, '--type', 'full', '--json', ...repo],
        };
        (0, cases_1.fill)(backup, await (0, measure_1.timedToFile)(backupCmd, f.out, { env, stdin: feed, logFile, timeFile: f.time }));
        if (backup.ok) {
            try {
                backup.reported = JSON.parse(fs.readFileSync(f.out, 'utf8'));
            }
            catch (err) {
                backup.ok = false;
                backup.error = `unreadable output: ${err instanceof Error ? err.message : String(err)}`;
            }
        }
        const id = backup.reported?.id;
        if (backup.ok && typeof id !== 'string') {
            backup.ok = false;
            backup.error = 'backup --json printed no "id"';
        }
        if (!backup.ok || typeof id !== 'string')
            throw new Error('skipped: the backup failed');
        const restoreCmd = { cmd: lb.cmd, args: [...lb.args, 'restore', id, '--stdout', ...repo] };
        const timeFile = `${f.time}.restore`;
        (0, cases_1.fill)(restore, await (0, measure_1.timedToFile)(restoreCmd, '/dev/null', { env, stdin: 'ignore', logFile, timeFile }));
        if (restore.ok) {
            restore.verified = /checksum verified/.test(lastCommandLog(logFile));
            if (!restore.verified) {
                restore.ok = false;
                restore.error = `restore did not say "checksum verified":\n${lastCommandLog(logFile).trimEnd()}`;
            }
        }
    }
    catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        for (const r of [backup, restore]) {
            if (r.ok && r.wallS === undefined) {
                r.ok = false;
                r.error = error;
            }
        }
    }
    finally {
        (0, exec_1.offInterrupt)(tag);
        await opened?.stop();
        // Up to 4 GiB of packs in the local repository (s3rver's directory goes with its stop).
        fs.rmSync(dir, { recursive: true, force: true });
    }
    ctx.log(logLine(backup));
    ctx.log(logLine(restore));
    return [backup, restore];
}
/** Every size into every store: local, S3, Azure for one size, then the next size. */
async function runCloudStreams(sizes, lb, ctx) {
    const results = [];
    for (const size of sizes) {
        for (const store of exports.CLOUD_STORES)
            results.push(...(await runCloudStream(size, store, lb, ctx)));
    }
    return results;
}
//# sourceMappingURL=cloud.js.map