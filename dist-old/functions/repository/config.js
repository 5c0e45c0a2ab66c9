"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RepositoryConfigSchema = exports.ChunkerSettingsSchema = exports.DEFAULT_PACK_BYTES = void 0;
exports.newRepoId = newRepoId;
exports.encodeConfig = encodeConfig;
exports.parseConfig = parseConfig;
exports.verifyConfigMac = verifyConfigMac;
const node_crypto_1 = require("node:crypto");
const zod_1 = require("zod");
const errors_1 = require("../core/errors");
const canonical_json_1 = require("./canonical-json");
const crypto_1 = require("./crypto");
exports.DEFAULT_PACK_BYTES = 32 * 1024 * 1024;
exports.ChunkerSettingsSchema = zod_1.z.object({
    alg: zod_1.z.literal('fastcdc2020-keyed'),
    min: zod_1.z.number().int().positive(),
    avg: zod_1.z.number().int().positive(),
    max: zod_1.z.number().int().positive(),
    level: zod_1.z.number().int().min(0).max(3),
});
exports.RepositoryConfigSchema = zod_1.z.object({
    format: zod_1.z.literal('lifeboat'),
    version: zod_1.z.literal(1),
    repo_id: zod_1.z.string().regex(/^[0-9a-f]{32}$/),
    created_at: zod_1.z.string(),
    chunker: exports.ChunkerSettingsSchema,
    compression: zod_1.z.object({ alg: zod_1.z.enum(['zstd', 'gzip', 'none']), level: zod_1.z.number().int() }),
    pack_bytes: zod_1.z
        .number()
        .int()
        .min(1024 * 1024)
        .max(512 * 1024 * 1024),
});
const StoredConfigSchema = exports.RepositoryConfigSchema.extend({ mac: zod_1.z.string().regex(/^[0-9a-f]{64}$/) });
function newRepoId() {
    return (0, node_crypto_1.randomBytes)(16).toString('hex');
}
function canonical(config) {
    const { format, version, repo_id, created_at, chunker, compression, pack_bytes } = config;
    return Buffer.from((0, canonical_json_1.canonicalJson)({ format, version, repo_id, created_at, chunker, compression, pack_bytes }));
}
/**
 * The config is stored in the clear (its repo_id is needed to open a key slot) but authenticated:
 * nobody without the key can change the chunker or compression of a repository unnoticed.
 */
function encodeConfig(config, keys) {
    const mac = (0, crypto_1.hmacSha256)(keys.cfg, canonical(config)).toString('hex');
    return (0, canonical_json_1.canonicalJsonFile)({ ...JSON.parse(canonical(config).toString('utf8')), mac });
}
/** Parses the config without checking its MAC (the keys are not open yet). */
function parseConfig(bytes) {
    const parsed = StoredConfigSchema.safeParse((0, canonical_json_1.parseStoredJson)(bytes, 'config', 'config'));
    if (!parsed.success)
        throw new errors_1.IntegrityError('config', `unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    const { mac, ...config } = parsed.data;
    return { config, mac };
}
function verifyConfigMac(config, mac, keys) {
    const expected = (0, crypto_1.hmacSha256)(keys.cfg, canonical(config));
    if (!(0, node_crypto_1.timingSafeEqual)(expected, Buffer.from(mac, 'hex')))
        throw new errors_1.IntegrityError('config', 'authentication code does not match');
}
//# sourceMappingURL=config.js.map