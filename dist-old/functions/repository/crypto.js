"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StreamChecksum = exports.STREAM_CHECKSUM_ALGORITHM = exports.CHUNK_ID_BYTES = exports.ChunkIdHasher = exports.NONCE_BYTES = exports.TAG_BYTES = exports.KEY_BYTES = exports.FORMAT_LABEL = void 0;
exports.hkdf = hkdf;
exports.hmacSha256 = hmacSha256;
exports.chunkDigest = chunkDigest;
exports.chunkIdOfDigest = chunkIdOfDigest;
exports.sameChunkId = sameChunkId;
exports.chunkId = chunkId;
exports.deriveRepositoryKeys = deriveRepositoryKeys;
exports.writerKeyring = writerKeyring;
exports.writeOnlyKeys = writeOnlyKeys;
exports.withDataKeys = withDataKeys;
exports.objectSalt = objectSalt;
exports.writingKey = writingKey;
exports.deriveObjectKey = deriveObjectKey;
exports.findObjectKey = findObjectKey;
exports.requireObjectKey = requireObjectKey;
exports.commitmentMatches = commitmentMatches;
exports.counterNonce = counterNonce;
exports.writeCounterNonce = writeCounterNonce;
exports.seal = seal;
exports.open = open;
const node_crypto_1 = require("node:crypto");
const errors_1 = require("../core/errors");
const record_cipher_1 = require("./record-cipher");
Object.defineProperty(exports, "TAG_BYTES", { enumerable: true, get: function () { return record_cipher_1.TAG_BYTES; } });
/** Every key, nonce and info string of format v1 is derived under this label. */
exports.FORMAT_LABEL = 'lifeboat/v1/';
exports.KEY_BYTES = 32;
exports.NONCE_BYTES = 12;
const NO_BYTES = Buffer.alloc(0);
function hkdf(ikm, salt, info, length) {
    return Buffer.from((0, node_crypto_1.hkdfSync)('sha256', ikm, salt, info, length));
}
function hmacSha256(key, ...parts) {
    const mac = (0, node_crypto_1.createHmac)('sha256', key);
    for (const part of parts)
        mac.update(part);
    return mac.digest();
}
/**
 * A chunk's SHA-256. It is computed once per chunk and serves twice: the chunk id is a MAC of it,
 * and the stream checksum hashes the digests in order. One pass of SHA-256 over the data instead
 * of two (an id over the bytes and a checksum over the whole stream): a fifth of a backup's CPU.
 */
function chunkDigest(data) {
    // One-shot: a Hash object holds native memory that V8 does not see, and with one object per
    // chunk (a tree of small files) hundreds of MiB of it waited for a collection.
    return (0, node_crypto_1.hash)('sha256', data, 'buffer');
}
const hmacPads = new WeakMap();
/** RFC 2104's inner and outer pads of a key, 64 bytes each. */
function padsOf(idKey) {
    let pads = hmacPads.get(idKey);
    if (!pads) {
        const key = idKey.length > 64 ? (0, node_crypto_1.hash)('sha256', idKey, 'buffer') : idKey;
        const inner = Buffer.alloc(64, 0x36);
        const outer = Buffer.alloc(64, 0x5c);
        for (let i = 0; i < key.length; i++) {
            inner[i] ^= key[i];
            outer[i] ^= key[i];
        }
        pads = { inner, outer };
        hmacPads.set(idKey, pads);
    }
    return pads;
}
/**
 * The chunk id: HMAC-SHA-256 under K_id of the chunk's SHA-256 (hash, then MAC). RFC 2104 over
 * one-shot hashes, for the same reason as chunkDigest; it equals createHmac's result (tested).
 */
function chunkIdOfDigest(idKey, digest) {
    const pads = padsOf(idKey);
    const innerHash = (0, node_crypto_1.hash)('sha256', Buffer.concat([pads.inner, digest]), 'buffer');
    return (0, node_crypto_1.hash)('sha256', Buffer.concat([pads.outer, innerHash]), 'buffer');
}
/**
 * chunkIdOfDigest(idKey, chunkDigest(data)) for many chunks under one key, with no buffer per
 * hash: each digest comes back as a string of 32 latin1 ('binary') characters, one per byte, and
 * is written into the MAC's next input, kept for the purpose. A buffer from a hash is native memory with a
 * V8 object to track it; three per chunk were a measurable part of a backup of small files.
 */
class ChunkIdHasher {
    /** The inner pad and room for the chunk's digest; the outer pad and room for the inner hash. */
    inner = Buffer.alloc(96);
    outer = Buffer.alloc(96);
    /** Where matches() puts the id it computed, to compare it with the expected one. */
    id = Buffer.alloc(32);
    constructor(idKey) {
        const pads = padsOf(idKey);
        pads.inner.copy(this.inner);
        pads.outer.copy(this.outer);
    }
    /** The chunk's id, as 32 latin1 characters (`Buffer.from(id, 'latin1')` gives its bytes). */
    idOf(data) {
        this.inner.write((0, node_crypto_1.hash)('sha256', data, 'binary'), 64, 'latin1');
        this.outer.write((0, node_crypto_1.hash)('sha256', this.inner, 'binary'), 64, 'latin1');
        return (0, node_crypto_1.hash)('sha256', this.outer, 'binary');
    }
    /** Whether `data` hashes to the chunk id `id`. */
    matches(data, id) {
        this.id.write(this.idOf(data), 0, 'latin1');
        return this.id.equals(id);
    }
    /**
     * A copy of the SHA-256 of the data last given to idOf or matches: a slice of Node's buffer pool,
     * as Buffer.from makes (`owned()` it before posting it to another thread).
     */
    lastDigest() {
        return Buffer.from(this.inner.subarray(64));
    }
}
exports.ChunkIdHasher = ChunkIdHasher;
/** The length of a chunk id (HMAC-SHA-256). */
exports.CHUNK_ID_BYTES = 32;
/**
 * Whether the chunk ids at `a[at]` and `b[bt]` are equal, compared in JavaScript: Buffer.compare
 * with offsets is a call into C++ that checks its arguments, about four times slower (a restore
 * looks up and checks every chunk it writes).
 */
function sameChunkId(a, at, b, bt) {
    for (let i = 0; i < exports.CHUNK_ID_BYTES; i += 4)
        if (a.readUInt32LE(at + i) !== b.readUInt32LE(bt + i))
            return false;
    return true;
}
function chunkId(idKey, data) {
    return chunkIdOfDigest(idKey, chunkDigest(data));
}
/**
 * The checksum of a stream: SHA-256 over the SHA-256 digests of its chunks, in order. It binds
 * every byte and the order, like a SHA-256 of the stream, but costs almost nothing more than the
 * ids. Chunk boundaries depend on the repository key, so it does not let anyone without the key
 * confirm that a known file was backed up; it may be shown and catalogued.
 */
exports.STREAM_CHECKSUM_ALGORITHM = 'sha256-chunks';
class StreamChecksum {
    hash = (0, node_crypto_1.createHash)('sha256');
    add(chunkSha256) {
        this.hash.update(chunkSha256);
    }
    hex() {
        return this.hash.digest('hex');
    }
}
exports.StreamChecksum = StreamChecksum;
function subKey(masterKey, repoId, name) {
    return hkdf(masterKey, repoId, exports.FORMAT_LABEL + name, exports.KEY_BYTES);
}
/**
 * The keys of a repository from its master keys, newest generation first (masterKeys[last] is
 * generation 0, the one the repository was created with).
 */
function deriveRepositoryKeys(masterKey, repoId, latestGeneration) {
    const chain = Array.isArray(masterKey) ? masterKey : [masterKey];
    const root = chain[chain.length - 1];
    const generation = chain.length - 1;
    const readEnc = chain.map((mk) => subKey(mk, repoId, 'enc'));
    const current = (latestGeneration ?? generation) === generation;
    return {
        repoId,
        id: subKey(root, repoId, 'id'),
        gear: subKey(root, repoId, 'gear'),
        enc: current ? readEnc[0] : undefined,
        readEnc,
        generation,
        latestGeneration: latestGeneration ?? generation,
        cfg: subKey(root, repoId, 'cfg'),
        idx: subKey(root, repoId, 'index'),
        writeOnly: false,
        dataKeys: new Map(),
    };
}
/** The keys a writer slot gives (FORMAT.md §3.7): K_id ‖ K_gear ‖ K_cfg ‖ K_idx, 128 bytes. */
function writerKeyring(keys) {
    return Buffer.concat([keys.id, keys.gear, keys.cfg, keys.idx]);
}
/**
 * The keys of a write-only writer: the identity keys and K_idx from its slot, and a data key of
 * its own for everything it seals (undefined data key: a slot a rotation left behind).
 */
function writeOnlyKeys(keyring, repoId, dataKey, generation, latestGeneration) {
    const part = (i) => Buffer.from(keyring.subarray(i * exports.KEY_BYTES, (i + 1) * exports.KEY_BYTES));
    return {
        repoId,
        id: part(0),
        gear: part(1),
        cfg: part(2),
        idx: part(3),
        enc: dataKey?.key,
        readEnc: [],
        generation,
        latestGeneration,
        writeOnly: true,
        dataKeyId: dataKey?.id,
        dataKeys: new Map(),
    };
}
/** A keys object that also reads the given data keys of write-only backups. */
function withDataKeys(keys, dataKeys) {
    return { ...keys, dataKeys };
}
/** A fresh object salt; a write-only session starts it with its data key's id (FORMAT.md §3.7). */
function objectSalt(keys) {
    return keys.dataKeyId ? Buffer.concat([keys.dataKeyId, (0, node_crypto_1.randomBytes)(16)]) : (0, node_crypto_1.randomBytes)(32);
}
/** The key new objects are sealed under; refused to a key that a rotation left behind. */
function writingKey(keys) {
    if (keys.enc)
        return keys.enc;
    throw new errors_1.KeyRotatedError(keys.generation, keys.latestGeneration, keys.writeOnly);
}
function deriveObjectKey(encKey, salt, info) {
    const okm = hkdf(encKey, salt, info, 2 * exports.KEY_BYTES);
    return { key: okm.subarray(0, exports.KEY_BYTES), commitment: okm.subarray(exports.KEY_BYTES) };
}
/**
 * The key of a stored object: the generation whose key reproduces the commitment in its header.
 * Undefined when none does (a damaged header, or a key that does not reach that generation).
 */
function findObjectKey(keys, salt, info, commitment) {
    // A write-only backup's objects name their data key in the salt: one try instead of one per key.
    const dataKey = keys.dataKeys.get(salt.subarray(0, 16).toString('hex'));
    for (const enc of dataKey ? [dataKey, ...keys.readEnc, keys.idx] : [...keys.readEnc, keys.idx]) {
        const key = deriveObjectKey(enc, salt, info);
        if (commitmentMatches(key.commitment, commitment))
            return key;
    }
    return undefined;
}
/**
 * findObjectKey, or why not: damage, or (for a key a rotation left behind) an object sealed
 * under a newer generation, which is said as such rather than called damage.
 */
function requireObjectKey(keys, salt, info, commitment, name) {
    const key = findObjectKey(keys, salt, info, commitment);
    if (key)
        return key;
    if (keys.writeOnly)
        throw new errors_1.WriteOnlyKeyError(name);
    if (keys.generation < keys.latestGeneration)
        throw new errors_1.NewerKeyGenerationError(name, keys.generation, keys.latestGeneration);
    throw new errors_1.IntegrityError(name, 'key commitment does not match (damaged header or wrong key)', 72);
}
function commitmentMatches(expected, actual) {
    return expected.length === actual.length && (0, node_crypto_1.timingSafeEqual)(expected, actual);
}
/** Implicit nonce: a 64-bit counter (a record offset or a segment index) and 32 bits of flags. */
function counterNonce(counter, flags) {
    const nonce = Buffer.alloc(exports.NONCE_BYTES);
    nonce.writeBigUInt64BE(BigInt(counter), 0);
    nonce.writeUInt32BE(flags, 8);
    return nonce;
}
/** counterNonce written into `nonce` (NONCE_BYTES long), for a counter below 2^53. */
function writeCounterNonce(nonce, counter, flags) {
    nonce.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 0);
    nonce.writeUInt32BE(counter % 0x1_0000_0000, 4);
    nonce.writeUInt32BE(flags, 8);
    return nonce;
}
/** AES-256-GCM (record-cipher.ts); returns ciphertext followed by the 16-byte tag. */
function seal(key, nonce, aad, plaintext) {
    const sealed = Buffer.allocUnsafe(record_cipher_1.RecordCipher.sealedLength(plaintext.length));
    new record_cipher_1.RecordCipher(key).sealInto(nonce, aad, NO_BYTES, plaintext, sealed, 0);
    return sealed;
}
/** Returns the plaintext, or undefined when the tag does not verify. */
function open(key, nonce, aad, sealed) {
    if (sealed.length < record_cipher_1.TAG_BYTES)
        return undefined;
    const plaintext = Buffer.allocUnsafe(sealed.length - record_cipher_1.TAG_BYTES);
    return new record_cipher_1.RecordCipher(key).openInto(nonce, aad, sealed, plaintext, 0) === undefined
        ? undefined
        : plaintext;
}
//# sourceMappingURL=crypto.js.map