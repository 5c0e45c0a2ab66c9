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
exports.optionFilePassword = optionFilePassword;
exports.describeMysqlError = describeMysqlError;
exports.connectMysql = connectMysql;
exports.withMysql = withMysql;
exports.quoteIdent = quoteIdent;
const fs = __importStar(require("node:fs"));
const connection_1 = require("../database/connection");
const drivers_1 = require("../database/drivers");
/**
 * The password in a MySQL option file (`password=` in [client], [mysqldump] or [mysql]), for
 * Lifeboat's own connection; the tools read the file themselves (--defaults-extra-file).
 */
function optionFilePassword(text) {
    let group = '';
    let found;
    for (const raw of text.split('\n')) {
        const line = raw.trim();
        const header = /^\[(.+)\]$/.exec(line);
        if (header)
            group = header[1].trim().toLowerCase();
        else if (['client', 'mysqldump', 'mysql', 'mariadb-dump', 'mariadb'].includes(group)) {
            const match = /^password\s*=\s*(.*)$/.exec(line);
            if (match)
                found = match[1].replace(/^(['"])(.*)\1$/, '$2');
        }
    }
    return found;
}
function passwordOf(credential) {
    if (credential.password !== undefined)
        return credential.password;
    return credential.file ? optionFilePassword(fs.readFileSync(credential.file, 'utf8')) : undefined;
}
function sslOption(conn, withTls) {
    const { mode, ca_file } = conn.tls;
    if (mode === 'disable' || !withTls)
        return undefined;
    const ca = ca_file ? fs.readFileSync(ca_file, 'utf8') : undefined;
    switch (mode) {
        case 'prefer':
        case 'require':
            return { rejectUnauthorized: false };
        case 'verify-ca':
            return { ca, rejectUnauthorized: true, verifyIdentity: false };
        case 'verify-full':
            return { ca, rejectUnauthorized: true, verifyIdentity: true };
    }
}
/** A MySQL/MariaDB failure as an operator reads it: which server, what happened, what to check. */
function describeMysqlError(error, conn, database) {
    const code = error?.code;
    const failure = code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR'
        ? 'auth'
        : code === 'ER_BAD_DB_ERROR'
            ? 'not-found'
            : 'other';
    return (0, connection_1.connectionError)('MySQL', failure, error, conn, database, "Check the password the target references (--password-env, --password-file or --password-secret) and the user's grants.");
}
/** Opens a connection (to `database`, or to none for administration). */
async function connectMysql(conn, database, credential) {
    const password = passwordOf(credential);
    const open = (withTls) => drivers_1.drivers.mysql().createConnection({
        host: conn.host,
        port: conn.port,
        user: conn.user,
        password,
        database,
        ssl: sslOption(conn, withTls),
        connectTimeout: 15_000,
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: true,
        multipleStatements: false,
    });
    try {
        return await (0, connection_1.openPreferringTls)(conn, open, (error) => error instanceof Error &&
            /does not support secure connection|HANDSHAKE_NO_SSL_SUPPORT/i.test(`${error.message} ${String(error.code)}`));
    }
    catch (error) {
        throw describeMysqlError(error, conn, database);
    }
}
async function withMysql(conn, database, credential, fn) {
    return (0, connection_1.withConnection)(() => connectMysql(conn, database, credential), fn);
}
function quoteIdent(name) {
    return `\`${name.replace(/`/g, '``')}\``;
}
//# sourceMappingURL=client.js.map