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
exports.lifeboatCommand = lifeboatCommand;
exports.lifeboat = lifeboat;
exports.lifeboatTree = lifeboatTree;
exports.resticInfo = resticInfo;
exports.restic = restic;
exports.resticTree = resticTree;
exports.borgVersion = borgVersion;
exports.borg = borg;
exports.borgTree = borgTree;
// The three programs under test, reduced to what the cases need: how to create a repository, how to
// back a stream up from stdin and restore it to stdout, and how to back a directory tree up and
// restore it into an empty directory.
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const config_1 = require("./config");
const exec_1 = require("./exec");
/** How to start the Lifeboat CLI: LIFEBOAT_BENCH_CMD (whitespace-separated, no shell) or the build. */
function lifeboatCommand(repoRoot) {
    const override = process.env['LIFEBOAT_BENCH_CMD']?.trim();
    if (override) {
        const [cmd, ...args] = override.split(/\s+/);
        if (cmd)
            return { cmd, args, builtin: false };
    }
    return { cmd: process.execPath, args: [path.join(repoRoot, 'dist', 'bin', 'lifeboat.js')], builtin: true };
}
/**
 * The repository and its key are made by `lifeboat init`, untimed like restic's and borg's init:
 * left to the first backup (which makes them when there are none), they were a third of a second
 * of its time that the peers' first backups do not count.
 */
function lifeboatBase(base, workDir) {
    const repo = path.join(workDir, 'lifeboat-repo');
    const home = path.join(workDir, 'lifeboat-home');
    const env = { ...process.env, LIFEBOAT_HOME: home };
    return {
        name: 'lifeboat',
        repo,
        home,
        env,
        init: async (logFile) => {
            fs.mkdirSync(home, { recursive: true });
            await (0, exec_1.runLogged)(base.cmd, [...base.args, '--repo', repo, '--key-file', path.join(home, 'key'), 'init'], logFile, {
                env,
            });
        },
    };
}
function parseLifeboatBackup(stdout) {
    const reported = lastJson(stdout, () => true);
    const id = field(reported, 'id');
    if (typeof id !== 'string' || id === '')
        throw new Error('backup --json printed no "id"');
    return { id, reported };
}
function lifeboat(base, workDir) {
    const common = lifeboatBase(base, workDir);
    const { repo } = common;
    return {
        ...common,
        backup: (name, kind) => ({
            cmd: base.cmd,
            args: [...base.args, 'backup', '--stdin', '--name', name, '--type', kind, '--json', '--repo', repo],
        }),
        parseBackup: parseLifeboatBackup,
        restore: (id) => ({ cmd: base.cmd, args: [...base.args, 'restore', id, '--stdout', '--repo', repo] }),
    };
}
/** Lifeboat's filesystem backup, into the repository that init made. */
function lifeboatTree(base, workDir) {
    const { home, ...common } = lifeboatBase(base, workDir);
    const { repo } = common;
    const global = ['--repo', repo, '--key-file', path.join(home, 'key')];
    return {
        ...common,
        backup: (dir, backupName, kind) => ({
            cmd: base.cmd,
            args: [...base.args, ...global, 'backup', dir, '--name', backupName, '--type', kind, '--json'],
        }),
        parseBackup: parseLifeboatBackup,
        restore: (id, target) => ({
            cmd: base.cmd,
            args: [...base.args, ...global, 'restore', id, '--target', target, '--json'],
        }),
        restoreReadBack: (id, target) => ({
            cmd: base.cmd,
            args: [...base.args, ...global, 'restore', id, '--target', target, '--json', '--read-back'],
        }),
        // Lifeboat restores the backed-up directory's contents into the target.
        restoredRoot: (target) => target,
    };
}
async function resticInfo(bin) {
    const version = (await (0, exec_1.capture)(bin, ['version'])).stdout.trim();
    const help = await (0, exec_1.capture)(bin, ['init', '--help']);
    return { path: bin, version, repoVersionFlag: help.stdout.includes('--repository-version') };
}
function resticBase(info, workDir) {
    const repo = path.join(workDir, 'restic-repo');
    const env = {
        ...process.env,
        RESTIC_PASSWORD: config_1.PEER_PASSWORD,
        RESTIC_CACHE_DIR: path.join(workDir, 'restic-cache'),
    };
    return {
        name: 'restic',
        repo,
        env,
        init: (logFile) => (0, exec_1.runLogged)(info.path, ['-r', repo, 'init', ...(info.repoVersionFlag ? ['--repository-version', '2'] : [])], logFile, { env }),
    };
}
function parseResticBackup(stdout) {
    const reported = lastJson(stdout, (l) => l.includes('"summary"'));
    const id = field(reported, 'snapshot_id');
    if (typeof id !== 'string')
        throw new Error('restic printed no snapshot_id');
    return { id, reported };
}
function restic(info, workDir) {
    const common = resticBase(info, workDir);
    const { repo } = common;
    return {
        ...common,
        // --host pins the parent lookup to this repository's own snapshots; --json gives the id.
        backup: (name) => ({
            cmd: info.path,
            args: ['-r', repo, 'backup', '--stdin', '--stdin-filename', name, '--host', 'bench', '--json'],
        }),
        parseBackup: parseResticBackup,
        // The first backup is restored by id: `latest` would be the second one.
        restore: (id, name) => ({ cmd: info.path, args: ['-r', repo, 'dump', id, `/${name}`] }),
    };
}
function resticTree(info, workDir) {
    const common = resticBase(info, workDir);
    const { repo } = common;
    return {
        ...common,
        // Same host and path both times, so the second backup finds the first as its parent.
        backup: (dir) => ({ cmd: info.path, args: ['-r', repo, 'backup', dir, '--host', 'bench', '--json'] }),
        parseBackup: parseResticBackup,
        restore: (id, target) => ({ cmd: info.path, args: ['-r', repo, 'restore', id, '--target', target] }),
        restoreReadBack: (id, target) => ({
            cmd: info.path,
            args: ['-r', repo, 'restore', id, '--target', target, '--verify'],
        }),
        restoredRoot: (target, dir) => path.join(target, dir),
    };
}
async function borgVersion(bin) {
    return (await (0, exec_1.capture)(bin, ['--version'])).stdout.trim();
}
function borgBase(bin, workDir) {
    const repo = path.join(workDir, 'borg-repo');
    const env = {
        ...process.env,
        BORG_PASSPHRASE: config_1.PEER_PASSWORD,
        // Cache, config and security dirs inside the run dir, so runs do not leak state into each other.
        BORG_BASE_DIR: path.join(workDir, 'borg-base'),
        BORG_DISPLAY_PASSPHRASE: 'no',
        BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
        BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    };
    return {
        name: 'borg',
        repo,
        env,
        init: (logFile) => (0, exec_1.runLogged)(bin, ['init', '-e', 'repokey', repo], logFile, { env }),
    };
}
const borgArchive = (seq) => `archive-${seq}`;
/** The archive name is the id; borg's --json stats are kept when present, for reference only. */
function parseBorgBackup(stdout, seq) {
    try {
        return { id: borgArchive(seq), reported: lastJson(stdout, () => true) };
    }
    catch {
        return { id: borgArchive(seq) };
    }
}
function borg(bin, workDir) {
    const common = borgBase(bin, workDir);
    const { repo } = common;
    return {
        ...common,
        backup: (streamName, _kind, seq) => ({
            cmd: bin,
            args: [
                'create',
                '--compression',
                'zstd,3',
                '--stdin-name',
                streamName,
                '--json',
                `${repo}::${borgArchive(seq)}`,
                '-',
            ],
        }),
        parseBackup: parseBorgBackup,
    };
}
function borgTree(bin, workDir) {
    const common = borgBase(bin, workDir);
    const { repo } = common;
    return {
        ...common,
        backup: (dir, _name, _kind, seq) => ({
            cmd: bin,
            args: ['create', '--compression', 'zstd,3', '--json', `${repo}::${borgArchive(seq)}`, dir],
        }),
        parseBackup: parseBorgBackup,
        // borg extract writes into its working directory, under the stored path (the absolute one
        // without its leading slash).
        restore: (id, target) => ({ cmd: bin, args: ['extract', `${repo}::${id}`], cwd: target }),
        restoredRoot: (target, dir) => path.join(target, dir),
    };
}
/**
 * The object a command printed: the whole of stdout if it is one (pretty-printed or not), else the
 * last line that parses and passes the filter (restic --json prints one message per line).
 */
function lastJson(stdout, filter) {
    try {
        return JSON.parse(stdout);
    }
    catch {
        // Not a single document: look at the lines.
    }
    const lines = stdout.split('\n').map((l) => l.trim());
    for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i] ?? '';
        if (!line.startsWith('{') || !filter(line))
            continue;
        try {
            return JSON.parse(line);
        }
        catch {
            // A progress line cut short; keep looking.
        }
    }
    throw new Error(`no JSON object in output: ${JSON.stringify(stdout.slice(0, 200))}`);
}
function field(obj, key) {
    return typeof obj === 'object' && obj !== null ? obj[key] : undefined;
}
//# sourceMappingURL=tools.js.map