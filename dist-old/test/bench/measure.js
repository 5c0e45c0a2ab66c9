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
exports.timed = timed;
exports.parseTimeFile = parseTimeFile;
exports.dirBytes = dirBytes;
exports.timedToFile = timedToFile;
// Timing and sizing. GNU time wraps each measured command so that wall time, CPU time and peak RSS
// all come from the kernel's accounting of that one child (wait4 rusage), not from sampling.
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const config_1 = require("./config");
const exec_1 = require("./exec");
const FORMAT = '%e %U %S %M';
/** Runs `cmd args` under GNU time and returns its figures, or why it failed. */
async function timed(cmd, args, opts) {
    fs.rmSync(opts.timeFile, { force: true });
    // Every tool starts with no dirty pages in flight: otherwise whoever runs right after a 1.3 GB
    // restore pays for the kernel writing it back, and the order of the tools decides the ratios.
    await (0, exec_1.run)('sync', [], {
        stdin: 'ignore',
        stdout: 'ignore',
        stderr: 'ignore',
        timeoutMs: config_1.COMMAND_TIMEOUT_MS,
    });
    const log = fs.openSync(opts.logFile, 'a');
    fs.writeSync(log, `\n$ ${[cmd, ...args].join(' ')}\n`);
    let result;
    try {
        result = await (0, exec_1.run)(config_1.GNU_TIME, ['-o', opts.timeFile, '-f', FORMAT, cmd, ...args], {
            env: opts.env,
            ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
            stdin: opts.stdin,
            stdout: opts.stdout,
            stderr: log,
            timeoutMs: config_1.COMMAND_TIMEOUT_MS,
        });
    }
    finally {
        fs.closeSync(log);
    }
    const measurement = parseTimeFile(opts.timeFile);
    if (result.code !== 0 || result.signal || result.timedOut || result.feedError) {
        const reason = `${path.basename(cmd)} ${(0, exec_1.describeExit)(result)}`;
        const out = { ok: false, error: `${reason}\n${stderrTail(opts.logFile)}`.trimEnd() };
        if (measurement)
            out.measurement = measurement;
        return out;
    }
    if (!measurement)
        return { ok: false, error: `no figures from ${config_1.GNU_TIME} in ${opts.timeFile}` };
    return { ok: true, measurement };
}
/**
 * GNU time prefixes its figures with "Command exited with non-zero status N" or "Command terminated
 * by signal N" when the child failed, so the figures are the last line, not the only one.
 */
function parseTimeFile(file) {
    let text;
    try {
        text = fs.readFileSync(file, 'utf8');
    }
    catch {
        return undefined;
    }
    const last = text.trim().split('\n').pop() ?? '';
    const parts = last.trim().split(/\s+/).map(Number);
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)))
        return undefined;
    const [wallS, userS, sysS, maxRssKiB] = parts;
    return { wallS, userS, sysS, maxRssKiB };
}
function stderrTail(file) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    // Only the last command's part of the shared log is relevant.
    const own = text.slice(text.lastIndexOf('\n$ ') + 1);
    return own.trimEnd().split('\n').slice(-12).join('\n');
}
/** Bytes of all regular files under dir: what the repository costs on its storage. */
function dirBytes(dir) {
    if (!fs.existsSync(dir))
        return 0;
    let total = 0;
    const stack = [dir];
    for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
        for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
            const full = path.join(current, entry.name);
            if (entry.isDirectory())
                stack.push(full);
            else if (entry.isFile())
                total += fs.statSync(full).size;
        }
    }
    return total;
}
/**
 * Runs a measured command with its standard output written to `outFile` (the file is opened and
 * closed here); the command's own stdin, env, log and time files as for `timed`.
 */
async function timedToFile(command, outFile, opts) {
    const stdout = fs.openSync(outFile, 'w');
    try {
        return await timed(command.cmd, command.args, {
            ...opts,
            stdout,
            ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
        });
    }
    finally {
        fs.closeSync(stdout);
    }
}
//# sourceMappingURL=measure.js.map