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
exports.machineInfo = machineInfo;
// What the numbers were measured on: ratios are only comparable on the same machine and versions.
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const exec_1 = require("./exec");
function cpuModel() {
    try {
        const line = fs
            .readFileSync('/proc/cpuinfo', 'utf8')
            .split('\n')
            .find((l) => l.startsWith('model name'));
        return line?.split(':')[1]?.trim() ?? 'unknown';
    }
    catch {
        return os.cpus()[0]?.model ?? 'unknown';
    }
}
async function gitCommit(repoRoot) {
    try {
        const head = await (0, exec_1.capture)('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']);
        const dirty = await (0, exec_1.capture)('git', ['-C', repoRoot, 'status', '--porcelain']);
        if (head.code !== 0)
            return 'unknown';
        return head.stdout.trim() + (dirty.stdout.trim() ? ' (modified)' : '');
    }
    catch {
        return 'unknown';
    }
}
async function machineInfo(repoRoot, versions) {
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
//# sourceMappingURL=machine.js.map