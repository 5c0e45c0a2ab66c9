"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.serverName = serverName;
exports.connectionError = connectionError;
exports.openPreferringTls = openPreferringTls;
exports.withConnection = withConnection;
const errors_1 = require("../../core/errors");
/** host:port as an operator would type it. */
function serverName(conn) {
    return conn.host.includes(':') ? `[${conn.host}]:${conn.port}` : `${conn.host}:${conn.port}`;
}
const UNREACHABLE = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EHOSTUNREACH',
    'ETIMEDOUT',
    'ENETUNREACH',
    'EAI_AGAIN',
]);
/**
 * A connection failure as an operator reads it, the same for every engine: which server, what
 * happened, what to check next. Network codes (refused, unknown host) are recognised here.
 */
function connectionError(engine, failure, error, conn, database, authHint) {
    const code = error?.code;
    const message = error instanceof Error ? error.message : String(error);
    const server = serverName(conn);
    if (failure === 'auth')
        return new errors_1.DatabaseError('DB_AUTH', `${engine} at ${server} refused user "${conn.user}": ${message}.`, authHint, {
            cause: error,
        });
    if (failure === 'not-found')
        return new errors_1.DatabaseError('DB_NOT_FOUND', `Database "${database}" does not exist on ${server}.`, 'Check the database name in the target (`lifeboat target show NAME`), or create the database.', { cause: error });
    if (typeof code === 'string' && UNREACHABLE.has(code))
        return new errors_1.DatabaseError('DB_UNREACHABLE', `Cannot reach ${engine} at ${server} (${code}).`, 'Check the host and port, that the server is running and that this machine may connect to it (firewall, security group).', { cause: error });
    return new errors_1.DatabaseError('DB_ERROR', `${engine} at ${server} failed: ${message}.`, 'Check the server log for details.', {
        cause: error,
    });
}
/**
 * Opens a connection the way libpq's sslmode=prefer does: with TLS first, and without it only
 * when the server says it has none (and the mode allows that).
 */
async function openPreferringTls(conn, open, serverHasNoTls) {
    try {
        return await open(true);
    }
    catch (error) {
        if (conn.tls.mode === 'prefer' && serverHasNoTls(error))
            return open(false);
        throw error;
    }
}
/** Runs `fn` with a connection that `open` makes, and always ends it (an error ending it is moot). */
async function withConnection(open, fn) {
    const connection = await open();
    try {
        return await fn(connection);
    }
    finally {
        await connection.end().catch(() => undefined);
    }
}
//# sourceMappingURL=connection.js.map