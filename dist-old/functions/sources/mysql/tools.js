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
exports.mysqlToolPath = mysqlToolPath;
exports.mysqlHint = mysqlHint;
exports.mysqlToolSpec = mysqlToolSpec;
exports.mysqlToolVersion = mysqlToolVersion;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const tool_1 = require("../database/tool");
/** MariaDB's names first (Debian ships them; the mysql* names are links), then Oracle MySQL's. */
const NAMES = {
    dump: ['mariadb-dump', 'mysqldump'],
    client: ['mariadb', 'mysql'],
};
/** LIFEBOAT_MYSQL_BIN, else the first of the tool's names found on PATH. */
function mysqlToolPath(tool, env = process.env) {
    const dirs = env.LIFEBOAT_MYSQL_BIN
        ? [env.LIFEBOAT_MYSQL_BIN]
        : (env.PATH ?? '').split(':').filter(Boolean);
    for (const name of NAMES[tool])
        for (const dir of dirs) {
            const command = path.join(dir, name);
            if (fs.existsSync(command))
                return { name, command };
        }
    const name = NAMES[tool][0];
    return { name, command: env.LIFEBOAT_MYSQL_BIN ? path.join(env.LIFEBOAT_MYSQL_BIN, name) : name };
}
const MISSING_HINT = 'Install the MariaDB or MySQL client tools (Debian: apt-get install mariadb-client), or point LIFEBOAT_MYSQL_BIN at their directory.';
/** The client's TLS options: MariaDB's tools and Oracle MySQL's spell them differently. */
function tlsArgs(conn, mariadb) {
    const { mode, ca_file } = conn.tls;
    const ca = ca_file ? [`--ssl-ca=${ca_file}`] : [];
    if (mariadb) {
        switch (mode) {
            case 'disable':
                return ['--skip-ssl'];
            case 'prefer':
                return [];
            case 'require':
                return ['--ssl'];
            case 'verify-ca':
            case 'verify-full':
                return ['--ssl', ...ca, '--ssl-verify-server-cert'];
        }
    }
    const modes = {
        disable: 'DISABLED',
        prefer: 'PREFERRED',
        require: 'REQUIRED',
        'verify-ca': 'VERIFY_CA',
        'verify-full': 'VERIFY_IDENTITY',
    };
    return [`--ssl-mode=${modes[mode]}`, ...ca];
}
/** The next step for the errors the MySQL tools print most. */
function mysqlHint(stderr) {
    if (/Access denied for user/i.test(stderr))
        return 'Check the password the target references (--password-env, --password-file or --password-secret) and the grants.';
    if (/Unknown database/i.test(stderr))
        return 'Check the database name in the target (`lifeboat target show NAME`).';
    if (/Can't connect|Unknown (MySQL|MariaDB) server host/i.test(stderr))
        return 'Check the host and port, and that the server is running and reachable from here.';
    return undefined;
}
/**
 * A MySQL tool against one server with the job's credential: an option file is named first on
 * the command line (the tools require that), a password value goes into MYSQL_PWD, never argv.
 */
function mysqlToolSpec(tool, args, conn, credential) {
    const { name, command } = mysqlToolPath(tool);
    const mariadb = name.startsWith('mariadb');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
    if (credential.password !== undefined)
        env.MYSQL_PWD = credential.password;
    return {
        name,
        command,
        args: [
            credential.file ? `--defaults-extra-file=${credential.file}` : '--no-defaults',
            `--host=${conn.host}`,
            `--port=${conn.port}`,
            '--protocol=TCP',
            `--user=${conn.user}`,
            // mariadb-dump has no --connect-timeout; the client does.
            ...(tool === 'client' ? ['--connect-timeout=15'] : []),
            ...tlsArgs(conn, mariadb),
            ...args,
        ],
        env,
        missingHint: MISSING_HINT,
        secrets: credential.password ? [credential.password] : [],
        hintFor: mysqlHint,
    };
}
/** "mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, ..." → the line, trimmed. */
async function mysqlToolVersion(tool) {
    const { name, command } = mysqlToolPath(tool);
    const out = await (0, tool_1.captureTool)({
        name,
        command,
        args: ['--version'],
        env: { PATH: process.env.PATH },
        missingHint: MISSING_HINT,
    });
    return { name, version: out.trim().replace(/^\S+\s+/, '') };
}
//# sourceMappingURL=tools.js.map