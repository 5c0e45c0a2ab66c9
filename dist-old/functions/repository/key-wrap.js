"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.WrappedKeySchema = exports.CanonicalBase64 = void 0;
exports.newSlotDescription = newSlotDescription;
exports.sealKey = sealKey;
exports.openKey = openKey;
exports.wrapKey = wrapKey;
exports.unwrapKey = unwrapKey;
const node_crypto_1 = require("node:crypto");
const zod_1 = require("zod");
const canonical_json_1 = require("./canonical-json");
const crypto_1 = require("./crypto");
const ids_1 = require("./ids");
function slotAad(repoId, slot) {
    const { v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key } = slot;
    return Buffer.from(`${crypto_1.FORMAT_LABEL}key-slot/${repoId}/${(0, canonical_json_1.canonicalJson)({ v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key })}`);
}
/** The members every new slot starts with; generation 0 is written as no member (FORMAT.md §3.2). */
function newSlotDescription(kind, repoId, options = {}) {
    const generation = options.generation ?? 0;
    return {
        v: 1,
        id: (0, ids_1.newUlid)(),
        repo_id: repoId,
        kind,
        created_at: new Date().toISOString(),
        ...(generation > 0 ? { generation } : {}),
        ...(options.writer ? { role: 'writer', reader_key: options.writer.reader_key } : {}),
    };
}
/** Canonical base64 only: a decoder that skips odd characters would let a changed slot pass unnoticed. */
exports.CanonicalBase64 = zod_1.z
    .string()
    .refine((s) => Buffer.from(s, 'base64').toString('base64') === s, 'not canonical base64');
exports.WrappedKeySchema = zod_1.z.strictObject({
    alg: zod_1.z.literal('aes-256-gcm'),
    nonce: exports.CanonicalBase64,
    ciphertext: exports.CanonicalBase64,
    tag: exports.CanonicalBase64,
});
/** AES-256-GCM of a 32-byte key under a key-encryption key, bound to `aad`. */
function sealKey(kek, key, aad, nonce = (0, node_crypto_1.randomBytes)(crypto_1.NONCE_BYTES)) {
    const sealed = (0, crypto_1.seal)(kek, nonce, aad, key);
    return {
        alg: 'aes-256-gcm',
        nonce: nonce.toString('base64'),
        ciphertext: sealed.subarray(0, sealed.length - 16).toString('base64'),
        tag: sealed.subarray(sealed.length - 16).toString('base64'),
    };
}
/** Undefined when `kek` (or `aad`) is not the one the key was sealed with. */
function openKey(kek, wrapped, aad) {
    const sealed = Buffer.concat([
        Buffer.from(wrapped.ciphertext, 'base64'),
        Buffer.from(wrapped.tag, 'base64'),
    ]);
    return (0, crypto_1.open)(kek, Buffer.from(wrapped.nonce, 'base64'), aad, sealed);
}
/** Wraps the master key under a key-encryption key, bound to one repository. */
function wrapKey(kek, masterKey, repoId, slot, nonce = (0, node_crypto_1.randomBytes)(crypto_1.NONCE_BYTES)) {
    return sealKey(kek, masterKey, slotAad(repoId, slot), nonce);
}
/** Undefined when the key-encryption key is not the one that wrapped it. */
function unwrapKey(kek, slot, repoId) {
    return slot.wrapped ? openKey(kek, slot.wrapped, slotAad(repoId, slot)) : undefined;
}
//# sourceMappingURL=key-wrap.js.map