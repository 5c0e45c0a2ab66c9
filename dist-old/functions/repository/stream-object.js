"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StreamType = exports.DEFAULT_SEGMENT_BYTES = exports.STREAM_HEADER_BYTES = exports.STREAM_VERSION = exports.STREAM_MAGIC = void 0;
exports.sealStreamObject = sealStreamObject;
exports.streamObjectSealedUnder = streamObjectSealedUnder;
exports.openStreamObject = openStreamObject;
const node_crypto_1 = require("node:crypto");
const node_zlib_1 = require("node:zlib");
const errors_1 = require("../core/errors");
const crypto_1 = require("./crypto");
/*
 * Stream object layout (docs/FORMAT.md §Stream objects):
 *   header 112 B | segment 0 | ... | segment n-1
 * Each segment seals segSize bytes of plaintext (the last one fewer) with nonce
 * BE64(i) ‖ BE32(final ? 1 : 0) and the SHA-256 of the header as associated data, so segments
 * cannot be reordered, dropped from the end, or moved to another object.
 */
exports.STREAM_MAGIC = Buffer.from('LBST');
exports.STREAM_VERSION = 1;
exports.STREAM_HEADER_BYTES = 112;
exports.DEFAULT_SEGMENT_BYTES = 1024 * 1024;
const FLAG_ZSTD = 1;
/** Metadata objects are kept small by design; anything larger is damage or an attack. */
const MAX_OBJECT_BYTES = 1024 * 1024 * 1024;
exports.StreamType = { config: 0, index: 1, snapshot: 2, dump: 3 };
function streamInfo(type, objectId) {
    return Buffer.concat([Buffer.from(`${crypto_1.FORMAT_LABEL}stream`), Buffer.of(type), objectId]);
}
function sealStreamObject(keys, type, objectId, plaintext, options = {}) {
    const compress = options.compress ?? true;
    const segmentBytes = options.segmentBytes ?? exports.DEFAULT_SEGMENT_BYTES;
    const salt = options.salt ?? (0, crypto_1.objectSalt)(keys);
    const body = compress ? (0, node_zlib_1.zstdCompressSync)(plaintext) : plaintext;
    // Index objects are sealed under K_idx, which write-only writers hold to deduplicate (§3.7).
    const root = (0, crypto_1.writingKey)(keys);
    const key = (0, crypto_1.deriveObjectKey)(type === exports.StreamType.index ? keys.idx : root, salt, streamInfo(type, objectId));
    const header = Buffer.alloc(exports.STREAM_HEADER_BYTES);
    exports.STREAM_MAGIC.copy(header, 0);
    header.writeUInt8(exports.STREAM_VERSION, 4);
    header.writeUInt8(type, 5);
    header.writeUInt16BE(compress ? FLAG_ZSTD : 0, 6);
    keys.repoId.copy(header, 8);
    objectId.copy(header, 24);
    salt.copy(header, 40);
    key.commitment.copy(header, 72);
    header.writeUInt32BE(segmentBytes, 104);
    const aad = (0, node_crypto_1.createHash)('sha256').update(header).digest();
    const parts = [header];
    // An empty body still gets one (empty, final) segment, so every object ends with a final one.
    const count = Math.max(1, Math.ceil(body.length / segmentBytes));
    for (let i = 0; i < count; i++) {
        const segment = body.subarray(i * segmentBytes, (i + 1) * segmentBytes);
        parts.push((0, crypto_1.seal)(key.key, (0, crypto_1.counterNonce)(i, i === count - 1 ? 1 : 0), aad, segment));
    }
    return Buffer.concat(parts);
}
/** Whether a stored stream object's header commits to a key derived from `root` (no decryption). */
function streamObjectSealedUnder(data, type, objectId, root) {
    if (data.length < exports.STREAM_HEADER_BYTES)
        return false;
    const key = (0, crypto_1.deriveObjectKey)(root, data.subarray(40, 72), streamInfo(type, objectId));
    return (0, crypto_1.commitmentMatches)(key.commitment, data.subarray(72, 104));
}
/** Authenticates and decrypts a whole stream object; any change, cut or extension is an IntegrityError. */
function openStreamObject(keys, type, objectId, data, name) {
    if (data.length < exports.STREAM_HEADER_BYTES + crypto_1.TAG_BYTES)
        throw new errors_1.IntegrityError(name, 'object is truncated', data.length);
    const header = data.subarray(0, exports.STREAM_HEADER_BYTES);
    if (!header.subarray(0, 4).equals(exports.STREAM_MAGIC))
        throw new errors_1.IntegrityError(name, 'not a Lifeboat object (bad magic)', 0);
    if (header[4] !== exports.STREAM_VERSION)
        throw new errors_1.IntegrityError(name, `unsupported object version ${header[4]}`, 4);
    if (header[5] !== type)
        throw new errors_1.IntegrityError(name, `object has type ${header[5]}, expected ${type}`, 5);
    if (!header.subarray(8, 24).equals(keys.repoId))
        throw new errors_1.IntegrityError(name, 'object belongs to another repository', 8);
    if (!header.subarray(24, 40).equals(objectId))
        throw new errors_1.IntegrityError(name, 'object id in header does not match its name', 24);
    const key = (0, crypto_1.requireObjectKey)(keys, header.subarray(40, 72), streamInfo(type, objectId), header.subarray(72, 104), name);
    const flags = header.readUInt16BE(6);
    if ((flags & ~FLAG_ZSTD) !== 0)
        throw new errors_1.IntegrityError(name, `unknown flags ${flags}`, 6);
    if (header.readUInt32BE(108) !== 0)
        throw new errors_1.IntegrityError(name, 'reserved header bytes are not zero', 108);
    const segmentBytes = header.readUInt32BE(104);
    if (segmentBytes === 0)
        throw new errors_1.IntegrityError(name, 'segment size is zero', 104);
    const aad = (0, node_crypto_1.createHash)('sha256').update(header).digest();
    const sealedSegment = segmentBytes + crypto_1.TAG_BYTES;
    const plainParts = [];
    let at = exports.STREAM_HEADER_BYTES;
    for (let i = 0; at < data.length; i++) {
        const end = Math.min(at + sealedSegment, data.length);
        const final = end === data.length;
        const plain = (0, crypto_1.open)(key.key, (0, crypto_1.counterNonce)(i, final ? 1 : 0), aad, data.subarray(at, end));
        if (!plain) {
            throw new errors_1.IntegrityError(name, final
                ? 'last segment does not authenticate (damaged, truncated or extended)'
                : `segment ${i} does not authenticate`, at);
        }
        // Writers never end with an empty segment after full ones; a reader accepts only what they write.
        if (final && plain.length === 0 && i > 0)
            throw new errors_1.IntegrityError(name, 'empty final segment', at);
        plainParts.push(plain);
        at = end;
    }
    const body = Buffer.concat(plainParts);
    if ((flags & FLAG_ZSTD) === 0)
        return body;
    try {
        return (0, node_zlib_1.zstdDecompressSync)(body, { maxOutputLength: MAX_OBJECT_BYTES });
    }
    catch {
        throw new errors_1.IntegrityError(name, 'authenticated content does not decompress', exports.STREAM_HEADER_BYTES);
    }
}
//# sourceMappingURL=stream-object.js.map