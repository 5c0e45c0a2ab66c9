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
exports.onInterrupt = onInterrupt;
exports.offInterrupt = offInterrupt;
exports.run = run;
exports.capture = capture;
exports.runLogged = runLogged;
exports.describeExit = describeExit;
exports.tail = tail;
exports.which = which;
exports.isExecutable = isExecutable;
// Process helpers. Every child is spawned from an argument array (never a shell string), so file
// names and passwords need no quoting.
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
// Children run in their own process group so that a timeout or Ctrl-C can stop a wrapper (GNU
// time, runuser) together with the program it started.
const liveGroups = new Set();
const cleanups = new Map();
/** Registers synchronous work (stopping a database, say) to do if the bench is interrupted. */
function onInterrupt(key, fn) {
    cleanups.set(key, fn);
}
function offInterrupt(key) {
    cleanups.delete(key);
}
function interrupted(signal) {
    process.stderr.write(`\n[bench] ${signal}: stopping children\n`);
    for (const pgid of liveGroups)
        killGroup(pgid, 'SIGKILL');
    for (const fn of cleanups.values()) {
        try {
            fn();
        }
        catch {
            // Best effort: the process is exiting anyway.
        }
    }
    process.exit(130);
}
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);
function killGroup(pgid, signal) {
    try {
        process.kill(-pgid, signal);
    }
    catch {
        // The group is already gone.
    }
}
function stdioOf(target) {
    return target ?? 'ignore';
}
/** Runs a program to completion and reports how it ended; never rejects for a non-zero exit. */
function run(cmd, args, opts = {}) {
    const feeder = typeof opts.stdin === 'function' ? opts.stdin : undefined;
    const stdin = feeder ? 'pipe' : stdioOf(opts.stdin);
    return new Promise((resolve, reject) => {
        let child;
        try {
            child = (0, node_child_process_1.spawn)(cmd, [...args], {
                env: opts.env ?? process.env,
                cwd: opts.cwd,
                stdio: [stdin, stdioOf(opts.stdout), stdioOf(opts.stderr)],
                detached: true,
            });
        }
        catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
            return;
        }
        const pid = child.pid;
        if (pid !== undefined)
            liveGroups.add(pid);
        let timedOut = false;
        const timer = opts.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                timedOut = true;
                if (pid !== undefined)
                    killGroup(pid, 'SIGKILL');
            }, opts.timeoutMs);
        let feedDone = Promise.resolve(undefined);
        if (feeder && child.stdin) {
            const sink = child.stdin;
            // EPIPE only means the child stopped reading; its exit status tells the real story.
            sink.on('error', () => undefined);
            feedDone = feeder(sink).then(() => undefined, (err) => {
                const e = err instanceof Error ? err : new Error(String(err));
                sink.destroy();
                return e.code === 'EPIPE' ? undefined : e;
            });
        }
        child.once('error', (err) => {
            if (timer)
                clearTimeout(timer);
            if (pid !== undefined)
                liveGroups.delete(pid);
            reject(new Error(`cannot run ${cmd}: ${err.message}`));
        });
        child.once('close', (code, signal) => {
            if (timer)
                clearTimeout(timer);
            if (pid !== undefined)
                liveGroups.delete(pid);
            void feedDone.then((feedError) => {
                const result = { code: code ?? -1, signal, timedOut };
                if (feedError)
                    result.feedError = feedError;
                resolve(result);
            });
        });
    });
}
/** Runs a short command and collects its output (versions, help texts); not for bulk data. */
function capture(cmd, args, env) {
    return new Promise((resolve, reject) => {
        const child = (0, node_child_process_1.spawn)(cmd, [...args], { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        const err = [];
        child.stdout.on('data', (b) => out.push(b));
        child.stderr.on('data', (b) => err.push(b));
        child.once('error', reject);
        child.once('close', (code) => resolve({
            code: code ?? -1,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
        }));
    });
}
/** Runs a command with stdout and stderr appended to a log file; throws with the log tail on failure. */
async function runLogged(cmd, args, logFile, opts = {}) {
    const fd = fs.openSync(logFile, 'a');
    try {
        fs.writeSync(fd, `\n$ ${[cmd, ...args].join(' ')}\n`);
        const r = await run(cmd, args, { ...opts, stdout: fd, stderr: fd });
        if (r.code !== 0 || r.feedError) {
            throw new Error(`${path.basename(cmd)} ${describeExit(r)}\n${tail(logFile)}`);
        }
    }
    finally {
        fs.closeSync(fd);
    }
}
function describeExit(r) {
    if (r.timedOut)
        return 'timed out';
    if (r.feedError)
        return `stdin feed failed: ${r.feedError.message}`;
    if (r.signal)
        return `killed by ${r.signal}`;
    return `exited with status ${r.code}`;
}
/** The last lines of a log, to put the reason for a failure next to the failure. */
function tail(file, lines = 15) {
    try {
        const text = fs.readFileSync(file, 'utf8');
        return text.trimEnd().split('\n').slice(-lines).join('\n');
    }
    catch {
        return '';
    }
}
/** Looks a program up in PATH like execvp would, without a shell. */
function which(name, extraDirs = []) {
    const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter), ...extraDirs];
    for (const dir of dirs) {
        if (!dir)
            continue;
        const candidate = path.join(dir, name);
        if (isExecutable(candidate))
            return candidate;
    }
    return undefined;
}
function isExecutable(file) {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    }
    catch {
        return false;
    }
}
//# sourceMappingURL=exec.js.map