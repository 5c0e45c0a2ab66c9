"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ToolProcess = exports.InputNotNeeded = void 0;
exports.summarizeStderr = summarizeStderr;
exports.captureTool = captureTool;
const node_child_process_1 = require("node:child_process");
const node_events_1 = require("node:events");
const errors_1 = require("../../core/errors");
/** A tool finished its work successfully without reading all of its input; nothing failed. */
class InputNotNeeded extends Error {
    tool;
    constructor(tool) {
        super(`${tool} finished before the end of its input`);
        this.tool = tool;
    }
}
exports.InputNotNeeded = InputNotNeeded;
/** How much of a tool's stderr is kept for the error message. */
const STDERR_KEPT = 16 * 1024;
const SUMMARY_MAX = 600;
/**
 * The lines of a tool's stderr that explain a failure: those that say error/fatal, else the last
 * few; joined on one line and cut to a readable length.
 */
function summarizeStderr(stderr, secrets = []) {
    let text = stderr;
    for (const secret of secrets)
        if (secret)
            text = text.split(secret).join('***');
    const lines = text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    const important = lines.filter((l) => /error|fatal|denied|failed|could not|unknown/i.test(l));
    const chosen = important.length > 0 ? important.slice(0, 4) : lines.slice(-3);
    const summary = chosen.join(' | ');
    return summary.length > SUMMARY_MAX ? `${summary.slice(0, SUMMARY_MAX)}…` : summary;
}
function describeExit(code, signal) {
    return signal ? `was killed by ${signal}` : `exited with status ${code}`;
}
/**
 * One running tool. Its exit is checked: `exited` rejects with ToolFailedError (stderr
 * summarised) or ToolMissingError, and a reader of `stdout()` or a writer to `stdinSink()` sees
 * that error rather than a silent short stream.
 */
class ToolProcess {
    spec;
    exited;
    child;
    stderr = '';
    killedByUs = false;
    constructor(spec, stdio) {
        this.spec = spec;
        this.child = (0, node_child_process_1.spawn)(spec.command, [...spec.args], {
            env: spec.env,
            stdio: [stdio.stdin ? 'pipe' : 'ignore', stdio.stdout ? 'pipe' : 'ignore', 'pipe'],
        });
        this.child.stderr.setEncoding('utf8');
        this.child.stderr.on('data', (text) => {
            this.stderr = (this.stderr + text).slice(-STDERR_KEPT);
        });
        // A tool that exits early closes its stdin; the write error is reported through `exited`.
        this.child.stdin?.on('error', () => undefined);
        this.exited = new Promise((resolve, reject) => {
            this.child.once('error', (error) => {
                reject(error.code === 'ENOENT'
                    ? new errors_1.ToolMissingError(spec.name, spec.missingHint)
                    : new errors_1.ToolFailedError(spec.name, `could not start (${error.code ?? error.message})`, ''));
            });
            this.child.once('close', (code, signal) => {
                if (code === 0)
                    return resolve();
                const stderr = summarizeStderr(this.stderr, spec.secrets);
                const exit = this.killedByUs ? 'was stopped' : describeExit(code, signal);
                reject(new errors_1.ToolFailedError(spec.name, exit, stderr, spec.hintFor?.(this.stderr)));
            });
        });
        this.exited.catch(() => undefined);
    }
    /** stdout, then the exit status: a tool that fails (even after writing everything) throws. */
    async *stdout() {
        const out = this.child.stdout;
        try {
            for await (const data of out)
                yield data;
        }
        catch {
            // A broken pipe is explained by the exit status below.
        }
        await this.exited;
    }
    /** The tool's stdin as a sink; `end()` waits for the tool to finish and checks its status. */
    stdinSink() {
        const stdin = this.child.stdin;
        return {
            write: async (data) => {
                if (stdin.destroyed || stdin.writableEnded)
                    await this.stoppedReading();
                if (!stdin.write(data)) {
                    // A broken pipe rejects `once`; the exit status below says why the tool stopped.
                    const drained = (0, node_events_1.once)(stdin, 'drain').then(() => true, () => false);
                    if (!(await Promise.race([drained, this.exited.then(() => false)])))
                        await this.stoppedReading();
                }
            },
            end: async () => {
                stdin.end();
                await this.exited;
            },
            abort: async () => {
                this.stop();
                await this.exited.catch(() => undefined);
            },
        };
    }
    /** The tool closed its input early: its failure, or (exit 0) that it did not read everything. */
    async stoppedReading() {
        await this.exited;
        if (this.spec.mayStopReading)
            throw new InputNotNeeded(this.spec.name);
        throw new errors_1.ToolFailedError(this.spec.name, 'stopped reading its input before the end', summarizeStderr(this.stderr, this.spec.secrets));
    }
    stop() {
        if (this.child.exitCode === null && this.child.signalCode === null) {
            this.killedByUs = true;
            this.child.kill('SIGTERM');
        }
    }
    /** What the tool printed to stderr so far (for logs of a successful run: warnings). */
    get stderrText() {
        return this.stderr;
    }
}
exports.ToolProcess = ToolProcess;
/** Runs a tool to completion and returns its stdout (small outputs only: versions, listings). */
async function captureTool(spec) {
    const tool = new ToolProcess(spec, { stdin: false, stdout: true });
    const parts = [];
    for await (const data of tool.stdout())
        parts.push(data);
    return Buffer.concat(parts).toString('utf8');
}
//# sourceMappingURL=tool.js.map