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
exports.mongoToolPath = mongoToolPath;
exports.mongoHint = mongoHint;
exports.mongoToolSpec = mongoToolSpec;
exports.mongoToolVersion = mongoToolVersion;
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const tool_1 = require("../database/tool");
/** LIFEBOAT_MONGO_BIN, else PATH. */
function mongoToolPath(name, env = process.env) {
    return env.LIFEBOAT_MONGO_BIN ? path.join(env.LIFEBOAT_MONGO_BIN, name) : name;
}
const MISSING_HINT = 'Install the MongoDB Database Tools (mongodump, mongorestore 100.x), or point LIFEBOAT_MONGO_BIN at their directory.';
function tlsArgs(conn) {
    const { mode, ca_file } = conn.tls;
    const ca = ca_file ? [`--tlsCAFile=${ca_file}`] : [];
    switch (mode) {
        case 'disable':
        case 'prefer':
            // The tools have no "try TLS, else plain": prefer connects as the server is set up to be reached.
            return [];
        case 'require':
            return ['--tls', '--tlsInsecure'];
        case 'verify-ca':
            return ['--tls', ...ca, '--tlsAllowInvalidHostnames'];
        case 'verify-full':
            return ['--tls', ...ca];
    }
}
function mongoHint(stderr) {
    if (/Authentication failed|auth error/i.test(stderr))
        return 'Check the password the target references (--password-env, --password-file or --password-secret) and the authentication database.';
    if (/server selection error|connection refused|no reachable servers/i.test(stderr))
        return 'Check the host and port, and that the server is running and reachable from here.';
    return undefined;
}
/**
 * A Mongo tool against one server. A password value is written to a private --config file
 * (mode 0600, removed by `cleanup`); a password file reference is such a file already.
 */
function mongoToolSpec(name, args, conn, credential) {
    let config = credential.file;
    let dir;
    if (credential.password !== undefined) {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-mongo-'));
        config = path.join(dir, 'config.yaml');
        fs.writeFileSync(config, `password: ${JSON.stringify(credential.password)}\n`, { mode: 0o600 });
    }
    return {
        name,
        command: mongoToolPath(name),
        args: [
            `--host=${conn.host}`,
            `--port=${conn.port}`,
            ...(config
                ? [`--username=${conn.user}`, `--authenticationDatabase=${conn.auth_database}`, `--config=${config}`]
                : []),
            ...tlsArgs(conn),
            ...args,
        ],
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        missingHint: MISSING_HINT,
        secrets: credential.password ? [credential.password] : [],
        hintFor: mongoHint,
        cleanup: () => {
            if (dir)
                fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
async function mongoToolVersion(name) {
    const out = await (0, tool_1.captureTool)({
        name,
        command: mongoToolPath(name),
        args: ['--version'],
        env: { PATH: process.env.PATH },
        missingHint: MISSING_HINT,
    });
    return { name, version: (out.split('\n')[0] ?? '').replace(/^\S+\s+version:\s*/, '').trim() };
}
//# sourceMappingURL=tools.js.map