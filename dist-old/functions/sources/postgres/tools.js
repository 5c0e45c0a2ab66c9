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
exports.pgToolPath = pgToolPath;
exports.pgEnv = pgEnv;
exports.pgHint = pgHint;
exports.pgToolSpec = pgToolSpec;
exports.pgToolVersion = pgToolVersion;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const tool_1 = require("../database/tool");
/**
 * Where the PostgreSQL client tools are: LIFEBOAT_PG_BIN, else Debian's newest versioned
 * directory (/usr/lib/postgresql/N/bin, which is not on PATH for every tool), else PATH.
 * pg_dump must be at least the server's major version, so the newest is the right default.
 */
function pgToolPath(name, env = process.env) {
    if (env.LIFEBOAT_PG_BIN)
        return path.join(env.LIFEBOAT_PG_BIN, name);
    const root = '/usr/lib/postgresql';
    const versions = fs.existsSync(root)
        ? fs
            .readdirSync(root)
            .filter((v) => /^\d+$/.test(v))
            .sort((a, b) => Number(b) - Number(a))
        : [];
    for (const version of versions) {
        const candidate = path.join(root, version, 'bin', name);
        if (fs.existsSync(candidate))
            return candidate;
    }
    return name;
}
const MISSING_HINT = "Install the PostgreSQL client tools of the server's major version or newer (Debian: apt-get install postgresql-client), or point LIFEBOAT_PG_BIN at their directory.";
/** libpq's variables for one connection: the password goes into the environment, never argv. */
function pgEnv(conn, database, credential) {
    const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        PGHOST: conn.host,
        PGPORT: String(conn.port),
        PGUSER: conn.user,
        PGDATABASE: database,
        PGSSLMODE: conn.tls.mode,
        PGAPPNAME: 'lifeboat',
        PGCONNECT_TIMEOUT: '15',
    };
    if (conn.tls.ca_file)
        env.PGSSLROOTCERT = conn.tls.ca_file;
    if (credential.password !== undefined)
        env.PGPASSWORD = credential.password;
    if (credential.file)
        env.PGPASSFILE = credential.file;
    return env;
}
/** The next step for the errors libpq tools print most. */
function pgHint(stderr) {
    if (/password authentication failed|no password supplied/i.test(stderr))
        return 'Check the password the target references (--password-env, --password-file or --password-secret).';
    if (/database ".*" does not exist/i.test(stderr))
        return 'Check the database name in the target (`lifeboat target show NAME`).';
    if (/could not connect|connection refused|could not translate host name/i.test(stderr))
        return 'Check the host and port, and that the server is running and reachable from here.';
    if (/server version mismatch|aborting because of server version mismatch/i.test(stderr))
        return "Install pg_dump of the server's major version or newer, or point LIFEBOAT_PG_BIN at it.";
    return undefined;
}
/** A PostgreSQL tool run against one database with the job's credential. */
function pgToolSpec(name, args, conn, database, credential) {
    return {
        name,
        command: pgToolPath(name),
        args,
        env: pgEnv(conn, database, credential),
        missingHint: MISSING_HINT,
        secrets: credential.password ? [credential.password] : [],
        hintFor: pgHint,
    };
}
/** "pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)" → "15.14 (Debian 15.14-0+deb12u1)". */
async function pgToolVersion(name) {
    const out = await (0, tool_1.captureTool)({
        name,
        command: pgToolPath(name),
        args: ['--version'],
        env: { PATH: process.env.PATH },
        missingHint: MISSING_HINT,
    });
    return out.trim().replace(/^\S+ \(PostgreSQL\) /, '');
}
//# sourceMappingURL=tools.js.map