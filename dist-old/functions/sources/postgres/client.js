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
exports.describePgError = describePgError;
exports.connectPostgres = connectPostgres;
exports.withPostgres = withPostgres;
exports.quoteIdent = quoteIdent;
const fs = __importStar(require("node:fs"));
const helper_1 = require("pgpass/lib/helper");
const connection_1 = require("../database/connection");
const drivers_1 = require("../database/drivers");
function passwordFromFile(conn, database, file) {
    return new Promise((resolve) => (0, helper_1.getPassword)({ host: conn.host, port: conn.port, database, user: conn.user }, fs.createReadStream(file), resolve));
}
/** libpq's sslmode in node-postgres terms ('prefer' is tried with TLS first, see connectPostgres). */
function sslOption(conn, withTls) {
    const { mode, ca_file } = conn.tls;
    if (mode === 'disable' || !withTls)
        return false;
    const ca = ca_file ? fs.readFileSync(ca_file, 'utf8') : undefined;
    switch (mode) {
        case 'prefer':
        case 'require':
            return { rejectUnauthorized: false };
        case 'verify-ca':
            return { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
        case 'verify-full':
            return { ca, rejectUnauthorized: true };
    }
}
/** A connection failure as an operator reads it: which server, what happened, what to check. */
function describePgError(error, conn, database) {
    const code = error?.code;
    const failure = code === '28P01' || code === '28000' ? 'auth' : code === '3D000' ? 'not-found' : 'other';
    return (0, connection_1.connectionError)('PostgreSQL', failure, error, conn, database, "Check the password the target references (--password-env, --password-file or --password-secret) and the server's pg_hba.conf.");
}
/** Opens a client on `database`, with the credential resolved for this job. */
async function connectPostgres(conn, database, credential) {
    const password = credential.password ??
        (credential.file ? await passwordFromFile(conn, database, credential.file) : undefined);
    const open = async (withTls) => {
        const client = new (drivers_1.drivers.pg().Client)({
            host: conn.host,
            port: conn.port,
            user: conn.user,
            database,
            password,
            ssl: sslOption(conn, withTls),
            application_name: 'lifeboat',
            connectionTimeoutMillis: 15_000,
        });
        // An error after connect (server restart) surfaces through the query that is running.
        client.on('error', () => undefined);
        await client.connect();
        return client;
    };
    try {
        return await (0, connection_1.openPreferringTls)(conn, open, (error) => error instanceof Error && /does not support SSL/i.test(error.message));
    }
    catch (error) {
        throw describePgError(error, conn, database);
    }
}
/** Runs fn with a client on `database` and always closes it. */
async function withPostgres(conn, database, credential, fn) {
    return (0, connection_1.withConnection)(() => connectPostgres(conn, database, credential), fn);
}
/** A double-quoted SQL identifier. */
function quoteIdent(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
//# sourceMappingURL=client.js.map