"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseDatabaseUrl = parseDatabaseUrl;
exports.parseServerUrl = parseServerUrl;
const errors_1 = require("../../core/errors");
const SCHEMES = {
    postgres: {
        schemes: ['postgresql:', 'postgres:'],
        port: 5432,
        example: 'postgresql://backup@db.internal:5432/app',
    },
    mysql: { schemes: ['mysql:', 'mariadb:'], port: 3306, example: 'mysql://backup@db.internal:3306/app' },
    mongodb: { schemes: ['mongodb:'], port: 27017, example: 'mongodb://backup@db.internal:27017/app' },
};
const TLS_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];
/**
 * A server URL as the engines' own tools write it. A password in it is refused: targets keep a
 * reference to the password (a variable, a file or a secret), never the value.
 */
function parseDatabaseUrl(kind, text, requireDatabase = true) {
    const spec = SCHEMES[kind];
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new errors_1.InputError(`"${text}" is not a URL.`, `Write it like ${spec.example}.`);
    }
    if (!spec.schemes.includes(url.protocol))
        throw new errors_1.InputError(`A ${kind} target's URL starts with ${spec.schemes.map((s) => `${s}//`).join(' or ')}, not ${url.protocol}//.`, `Write it like ${spec.example}.`);
    if (url.password)
        throw new errors_1.InputError('The URL holds a password; Lifeboat keeps only a reference to one, never the value.', 'Remove it from the URL and pass --password-env VAR (a variable that holds it), --password-file FILE or --password-secret ARN.');
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (!url.hostname || (requireDatabase && !database) || database.includes('/'))
        throw new errors_1.InputError(`The URL "${text}" must name a host and one database.`, `Write it like ${spec.example}.`);
    const user = decodeURIComponent(url.username);
    if (!user)
        throw new errors_1.InputError(`The URL "${text}" does not name a user.`, `Write it like ${spec.example}.`);
    const sslmode = url.searchParams.get('sslmode');
    if (sslmode !== null && !TLS_MODES.includes(sslmode))
        throw new errors_1.InputError(`"${sslmode}" is not an sslmode.`, `Use one of: ${TLS_MODES.join(', ')}.`);
    return {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port ? Number(url.port) : spec.port,
        user,
        database,
        ...(sslmode ? { tls: { mode: sslmode } } : {}),
    };
}
/** A server URL whose scheme names the engine; the database part is optional (a restore names its own). */
function parseServerUrl(text) {
    const scheme = /^([a-z]+:)/.exec(text)?.[1];
    const kind = Object.keys(SCHEMES).find((k) => scheme && SCHEMES[k].schemes.includes(scheme));
    if (!kind)
        throw new errors_1.InputError(`"${text}" is not a database server URL Lifeboat knows.`, `Write it like ${SCHEMES.postgres.example}.`);
    return { kind, ...parseDatabaseUrl(kind, text, false) };
}
//# sourceMappingURL=url.js.map