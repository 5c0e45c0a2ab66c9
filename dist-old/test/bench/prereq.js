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
exports.checkPrereqs = checkPrereqs;
exports.installHint = installHint;
// The bench installs nothing: it finds the peers and datasets it needs, or says which Debian
// packages provide them.
const fs = __importStar(require("node:fs"));
const config_1 = require("./config");
const exec_1 = require("./exec");
const postgres_1 = require("./postgres");
function checkPrereqs(parts) {
    const p = { missing: [], reasons: [] };
    const need = (pkg, why) => {
        if (!p.missing.includes(pkg))
            p.missing.push(pkg);
        p.reasons.push(`${why} (${pkg})`);
    };
    const usesRestic = parts.has('linux') || parts.has('pg') || parts.has('tree');
    if (usesRestic) {
        p.restic = (0, exec_1.which)('restic');
        if (!p.restic)
            need('restic', 'restic is the reference for every goal');
    }
    if (parts.has('linux') || parts.has('tree')) {
        p.borg = (0, exec_1.which)('borg');
        if (!p.borg)
            need('borgbackup', 'borg is measured on the linux tar and tree for reference');
        if (!fs.existsSync(config_1.LINUX_SOURCE_XZ))
            need('linux-source-6.1', `${config_1.LINUX_SOURCE_XZ} is the linux dataset`);
        if (!(0, exec_1.which)('xz'))
            need('xz-utils', 'xz decompresses the linux source');
    }
    if (parts.has('tree')) {
        if (!(0, exec_1.which)('tar'))
            need('tar', 'tar extracts the linux source tree');
        if (!(0, exec_1.which)('cp'))
            need('coreutils', 'cp -a makes the working copy of the tree');
    }
    if (!(0, exec_1.isExecutable)(config_1.GNU_TIME))
        need('time', `${config_1.GNU_TIME} measures wall, CPU and peak RSS`);
    if (parts.has('pg')) {
        const pg = (0, postgres_1.findPgTools)();
        const user = (0, postgres_1.serverUser)();
        if (pg && typeof user !== 'string')
            p.pg = pg;
        else
            need('postgresql', 'initdb, pg_ctl, pgbench and pg_dump make the pgbench dataset');
    }
    return p;
}
function installHint(packages) {
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    return `${sudo}apt-get install -y ${packages.join(' ')}`;
}
//# sourceMappingURL=prereq.js.map