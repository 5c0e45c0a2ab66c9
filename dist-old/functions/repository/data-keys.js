"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DATA_KEYS_PREFIX = void 0;
exports.readerKeyPair = readerKeyPair;
exports.newDataKey = newDataKey;
exports.readDataKeys = readDataKeys;
const node_crypto_1 = require("node:crypto");
const zod_1 = require("zod");
const errors_1 = require("../core/errors");
const canonical_json_1 = require("./canonical-json");
const crypto_1 = require("./crypto");
const ids_1 = require("./ids");
const key_wrap_1 = require("./key-wrap");
const read_1 = require("./read");
/*
 * Write-only backups (docs/FORMAT.md §3.7). A writer slot holds no key that opens a backup: each
 * write-only session makes a random data key, seals what it writes under it, and stores the data
 * key sealed to the repository's reader key (X25519), whose private half only the master key
 * derives. Readers open every data key once; the writer never can.
 */
exports.DATA_KEYS_PREFIX = 'datakeys/';
// DER prefixes of raw X25519 keys (RFC 8410): Node imports raw keys only through these.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
/** An X25519 key pair from its 32-byte private key (RFC 7748; X25519 clamps it itself). */
function x25519FromSeed(seed) {
    const privateKey = (0, node_crypto_1.createPrivateKey)({
        key: Buffer.concat([PKCS8_X25519, seed]),
        format: 'der',
        type: 'pkcs8',
    });
    const spki = (0, node_crypto_1.createPublicKey)(privateKey).export({ format: 'der', type: 'spki' });
    return { privateKey, publicKey: Buffer.from(spki.subarray(SPKI_X25519.length)) };
}
/** The reader key pair of a key generation: the private key derived from its master key. */
function readerKeyPair(masterKey, repoId) {
    return x25519FromSeed((0, crypto_1.hkdf)(masterKey, repoId, `${crypto_1.FORMAT_LABEL}reader`, crypto_1.KEY_BYTES));
}
function publicKeyObject(raw) {
    return (0, node_crypto_1.createPublicKey)({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
}
const DataKeySchema = zod_1.z.strictObject({
    v: zod_1.z.literal(1),
    id: zod_1.z.string().regex(ids_1.ULID_PATTERN),
    repo_id: zod_1.z.string(),
    generation: zod_1.z.number().int().min(0),
    created_at: zod_1.z.string(),
    epk: key_wrap_1.CanonicalBase64,
    wrapped: key_wrap_1.WrappedKeySchema,
});
function dataKeyName(id) {
    return `${exports.DATA_KEYS_PREFIX}${id}.json`;
}
/** The KEK of one data key: HKDF over the X25519 shared secret, bound to both public keys. */
function dataKeyKek(shared, epk, readerKey) {
    return (0, crypto_1.hkdf)(shared, Buffer.concat([epk, readerKey]), `${crypto_1.FORMAT_LABEL}data-key`, crypto_1.KEY_BYTES);
}
function dataKeyAad(object) {
    const { v, id, repo_id, generation, created_at, epk } = object;
    return Buffer.from(`${crypto_1.FORMAT_LABEL}data-key/${repo_id}/${(0, canonical_json_1.canonicalJson)({ v, id, repo_id, generation, created_at, epk })}`);
}
function encode(object) {
    const { v, id, repo_id, generation, created_at, epk, wrapped } = object;
    return (0, canonical_json_1.canonicalJsonFile)({ v, id, repo_id, generation, created_at, epk, wrapped });
}
/** A new data key for a write-only session, sealed to `readerKey` (raw X25519 public key). */
function newDataKey(readerKey, repoId, generation, fixed) {
    const ulid = fixed?.id ?? (0, ids_1.newUlid)();
    const key = fixed?.key ?? (0, node_crypto_1.randomBytes)(crypto_1.KEY_BYTES);
    const ephemeral = x25519FromSeed(fixed?.ephemeralSeed ?? (0, node_crypto_1.randomBytes)(crypto_1.KEY_BYTES));
    const epk = ephemeral.publicKey;
    const shared = (0, node_crypto_1.diffieHellman)({ privateKey: ephemeral.privateKey, publicKey: publicKeyObject(readerKey) });
    const description = {
        v: 1,
        id: ulid,
        repo_id: repoId,
        generation,
        created_at: fixed?.createdAt ?? new Date().toISOString(),
        epk: epk.toString('base64'),
    };
    const wrapped = (0, key_wrap_1.sealKey)(dataKeyKek(shared, epk, readerKey), key, dataKeyAad(description), fixed?.nonce ?? (0, node_crypto_1.randomBytes)(crypto_1.NONCE_BYTES));
    return { id: (0, ids_1.ulidBytes)(ulid), key, name: dataKeyName(ulid), bytes: encode({ ...description, wrapped }) };
}
function parseDataKey(name, bytes) {
    const kind = {
        what: 'data key',
        schema: DataKeySchema,
        nameOf: (d) => dataKeyName(d.id),
        nameField: 'id',
    };
    return (0, canonical_json_1.parseCanonicalObject)(name, bytes, kind, encode);
}
/**
 * Every data key in the store, opened with the reader keys of the generations this reader holds
 * (by generation). A data key of a newer generation is skipped: its backups are out of reach.
 */
async function readDataKeys(store, repoId, readerKeys) {
    const names = [];
    for await (const info of store.list(exports.DATA_KEYS_PREFIX))
        if (/^datakeys\/[0-9A-HJKMNP-TV-Z]{26}\.json$/.test(info.key))
            names.push(info.key);
    // One small object per write-only backup, read at every open: several at a time, so that a
    // year of daily backups in S3 opens in a second rather than in one round trip after another.
    const out = [];
    for (let at = 0; at < names.length; at += DATA_KEY_READS_AT_ONCE)
        out.push(...(await Promise.all(names
            .slice(at, at + DATA_KEY_READS_AT_ONCE)
            .map((name) => readDataKey(store, name, repoId, readerKeys)))));
    return out;
}
const DATA_KEY_READS_AT_ONCE = 16;
async function readDataKey(store, name, repoId, readerKeys) {
    try {
        const object = parseDataKey(name, await (0, read_1.readAll)(store, name));
        if (object.repo_id !== repoId)
            throw new errors_1.IntegrityError(name, 'data key belongs to another repository');
        const reader = readerKeys.get(object.generation);
        if (!reader)
            return { name };
        const epk = Buffer.from(object.epk, 'base64');
        const shared = (0, node_crypto_1.diffieHellman)({ privateKey: reader.privateKey, publicKey: publicKeyObject(epk) });
        const key = (0, key_wrap_1.openKey)(dataKeyKek(shared, epk, reader.publicKey), object.wrapped, dataKeyAad(object));
        if (!key)
            throw new errors_1.IntegrityError(name, 'data key does not open with the reader key (damaged)');
        return { name, key: { idHex: (0, ids_1.ulidBytes)(object.id).toString('hex'), key } };
    }
    catch (error) {
        if (!(error instanceof errors_1.IntegrityError))
            throw error;
        return { name, damage: error };
    }
}
//# sourceMappingURL=data-keys.js.map