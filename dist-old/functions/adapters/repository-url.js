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
exports.parseRepositoryUrl = parseRepositoryUrl;
exports.locationUrl = locationUrl;
const path = __importStar(require("node:path"));
const errors_1 = require("../core/errors");
const S3_STORAGE_CLASSES = [
    'STANDARD',
    'STANDARD_IA',
    'ONEZONE_IA',
    'INTELLIGENT_TIERING',
    'GLACIER_IR',
    'GLACIER',
    'DEEP_ARCHIVE',
    'REDUCED_REDUNDANCY',
];
const ACCESS_TIERS = ['Hot', 'Cool', 'Cold', 'Archive'];
const URL_HINT = 'Use a directory, s3://BUCKET[/PREFIX] or azure://ACCOUNT/CONTAINER[/PREFIX] (docs/OPERATIONS.md lists the options).';
function trimSlashes(s) {
    return s.replace(/^\/+|\/+$/g, '');
}
/** `MODE:DAYS`, e.g. COMPLIANCE:30 — a retention mode and how many days each object is locked. */
function retention(value, modes, option) {
    const m = /^([A-Za-z]+):(\d+)d?$/.exec(value);
    const mode = modes.find((x) => x.toLowerCase() === m?.[1]?.toLowerCase());
    const days = Number(m?.[2]);
    if (!mode || !Number.isSafeInteger(days) || days < 1)
        throw new errors_1.InputError(`${option}=${value} is not a retention.`, `Write ${option}=MODE:DAYS with MODE one of ${modes.join(', ')} and DAYS at least 1, e.g. ${option}=${modes[0]}:30.`);
    return { mode, days };
}
function options(url, allowed) {
    const out = new Map();
    for (const [name, value] of url.searchParams) {
        if (!allowed.includes(name))
            throw new errors_1.InputError(`Unknown repository option "${name}" in ${url.protocol}// URL.`, `Options for ${url.protocol}// are: ${allowed.join(', ')}.`);
        out.set(name, value);
    }
    return out;
}
function parseS3(url) {
    const bucket = url.hostname;
    if (!bucket)
        throw new errors_1.InputError(`${url.href} names no bucket.`, URL_HINT);
    const opts = options(url, ['storage-class', 'sse-kms', 'object-lock']);
    const storageClass = opts.get('storage-class')?.toUpperCase();
    if (storageClass !== undefined && !S3_STORAGE_CLASSES.includes(storageClass))
        throw new errors_1.InputError(`storage-class=${storageClass} is not an S3 storage class.`, `Use one of ${S3_STORAGE_CLASSES.join(', ')}.`);
    const lock = opts.get('object-lock');
    return {
        backend: 's3',
        bucket,
        prefix: trimSlashes(decodeURIComponent(url.pathname)),
        ...(storageClass ? { storageClass } : {}),
        ...(opts.has('sse-kms') ? { sseKmsKeyId: opts.get('sse-kms') || 'aws/s3' } : {}),
        ...(lock ? { objectLock: retention(lock, ['COMPLIANCE', 'GOVERNANCE'], 'object-lock') } : {}),
    };
}
function connectionStringAccount(env) {
    return /(?:^|;)\s*AccountName=([^;]+)/i.exec(env.AZURE_STORAGE_CONNECTION_STRING ?? '')?.[1];
}
function parseAzure(url, env) {
    const segments = [url.hostname, ...trimSlashes(decodeURIComponent(url.pathname)).split('/')].filter((s) => s !== '');
    // With a connection string, azure://CONTAINER/PREFIX suffices; its account may still be named.
    const fromConnection = env.AZURE_STORAGE_CONNECTION_STRING
        ? connectionStringAccount(env)?.toLowerCase()
        : undefined;
    const namesAccount = fromConnection === undefined || segments[0]?.toLowerCase() === fromConnection;
    const account = namesAccount ? segments.shift() : undefined;
    const container = segments.shift();
    if (!container || (namesAccount && !account))
        throw new errors_1.InputError(`${url.href} names no ${account ? 'container' : 'account and container'}.`, 'Write azure://ACCOUNT/CONTAINER[/PREFIX], or azure://CONTAINER[/PREFIX] with AZURE_STORAGE_CONNECTION_STRING set.');
    if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container))
        throw new errors_1.InputError(`"${container}" is not a valid Azure container name.`, 'Container names are 3-63 characters: lower-case letters, digits and single hyphens.');
    const opts = options(url, ['tier', 'immutability', 'legal-hold']);
    const tier = opts.get('tier');
    const accessTier = ACCESS_TIERS.find((t) => t.toLowerCase() === tier?.toLowerCase());
    if (tier !== undefined && !accessTier)
        throw new errors_1.InputError(`tier=${tier} is not an Azure access tier.`, `Use one of ${ACCESS_TIERS.join(', ')}.`);
    const immutability = opts.get('immutability');
    const legalHold = opts.get('legal-hold');
    return {
        backend: 'azure',
        ...(account ? { account } : {}),
        container,
        prefix: segments.join('/'),
        ...(accessTier ? { accessTier } : {}),
        ...(immutability
            ? { immutability: retention(immutability, ['Unlocked', 'Locked'], 'immutability') }
            : {}),
        ...(legalHold !== undefined ? { legalHold: legalHold === '' || legalHold === 'true' } : {}),
    };
}
/** Parses a repository location: a local path, s3://... or azure://... */
function parseRepositoryUrl(value, env = process.env) {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
    if (scheme === undefined)
        return { backend: 'local', path: path.resolve(value) };
    if (scheme === 'file')
        return { backend: 'local', path: path.resolve(decodeURIComponent(value.slice(7))) };
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new errors_1.InputError(`"${value}" is not a valid repository URL.`, URL_HINT);
    }
    if (url.username || url.password)
        throw new errors_1.InputError('A repository URL may not contain credentials.', 'Give credentials the standard way (AWS profile or variables; AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_KEY).');
    if (scheme === 's3')
        return parseS3(url);
    if (scheme === 'azure')
        return parseAzure(url, env);
    throw new errors_1.InputError(`Repository URLs of scheme ${scheme}:// are not supported.`, URL_HINT);
}
/** The location as a URL without its options: what messages, the catalog and `--repo` show. */
function locationUrl(location) {
    switch (location.backend) {
        case 'local':
            return location.path;
        case 's3':
            return `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ''}`;
        case 'azure':
            return `azure://${[location.account, location.container, location.prefix].filter(Boolean).join('/')}`;
    }
}
//# sourceMappingURL=repository-url.js.map