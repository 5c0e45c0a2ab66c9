"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RecordSealer = exports.PackClass = exports.PACK_ENTRY_BYTES = exports.PACK_FOOTER_BYTES = exports.PACK_HEADER_BYTES = exports.PACK_VERSION = exports.PACK_FOOTER_MAGIC = exports.PACK_MAGIC = void 0;
exports.storedPacks = storedPacks;
exports.packKey = packKey;
exports.packInfo = packInfo;
exports.newPackHeader = newPackHeader;
exports.readPackHeader = readPackHeader;
exports.sealRecord = sealRecord;
exports.openRecord = openRecord;
exports.encodeEntries = encodeEntries;
exports.sealTrailer = sealTrailer;
exports.trailerLength = trailerLength;
exports.openTrailer = openTrailer;
const node_crypto_1 = require("node:crypto");
const node_zlib_1 = require("node:zlib");
const crypto_1 = require("./crypto");
const errors_1 = require("../core/errors");
const record_cipher_1 = require("./record-cipher");
const scratch_1 = require("./scratch");
/*
 * Pack layout (docs/FORMAT.md §Packs):
 *   header 104 B | record ... record | trailer (encrypted index) | footer 12 B
 * Records are sealed separately so that one chunk can be read with one ranged GET.
 */
exports.PACK_MAGIC = Buffer.from('LBPK');
exports.PACK_FOOTER_MAGIC = Buffer.from('KPBL');
exports.PACK_VERSION = 1;
exports.PACK_HEADER_BYTES = 104;
exports.PACK_FOOTER_BYTES = 12;
exports.PACK_ENTRY_BYTES = 45;
const TRAILER_NONCE_COUNTER = 0xffffffffffffffffn;
exports.PackClass = { data: 0, meta: 1 };
/** Every pack a store holds (data/ and meta/), by object name, with its size. */
async function storedPacks(store) {
    const packs = new Map();
    for (const prefix of ['data/', 'meta/'])
        for await (const info of store.list(prefix))
            packs.set(info.key, info.size);
    return packs;
}
function packKey(packClass, packIdHex) {
    return `${packClass === exports.PackClass.data ? 'data' : 'meta'}/${packIdHex.slice(0, 2)}/${packIdHex}`;
}
function packInfo(packId) {
    return Buffer.concat([Buffer.from(`${crypto_1.FORMAT_LABEL}pack`), packId]);
}
function newPackHeader(keys, packClass, packId = (0, node_crypto_1.randomBytes)(16), salt = (0, crypto_1.objectSalt)(keys)) {
    const key = (0, crypto_1.deriveObjectKey)((0, crypto_1.writingKey)(keys), salt, packInfo(packId));
    const bytes = Buffer.alloc(exports.PACK_HEADER_BYTES);
    exports.PACK_MAGIC.copy(bytes, 0);
    bytes.writeUInt8(exports.PACK_VERSION, 4);
    bytes.writeUInt8(packClass, 5);
    bytes.writeUInt16BE(0, 6);
    keys.repoId.copy(bytes, 8);
    packId.copy(bytes, 24);
    salt.copy(bytes, 40);
    key.commitment.copy(bytes, 72);
    return { packClass, packId, key, bytes };
}
/** Parses and authenticates a pack header: right magic, repository and key commitment. */
function readPackHeader(keys, bytes, name, expectedKey) {
    if (bytes.length < exports.PACK_HEADER_BYTES)
        throw new errors_1.IntegrityError(name, 'pack is shorter than its header', 0);
    if (!bytes.subarray(0, 4).equals(exports.PACK_MAGIC))
        throw new errors_1.IntegrityError(name, 'not a Lifeboat pack (bad magic)', 0);
    if (bytes[4] !== exports.PACK_VERSION)
        throw new errors_1.IntegrityError(name, `unsupported pack version ${bytes[4]}`, 4);
    const packClass = bytes[5];
    if (packClass !== exports.PackClass.data && packClass !== exports.PackClass.meta)
        throw new errors_1.IntegrityError(name, `unknown pack class ${packClass}`, 5);
    if (bytes.readUInt16BE(6) !== 0)
        throw new errors_1.IntegrityError(name, 'unknown pack flags', 6);
    if (!bytes.subarray(8, 24).equals(keys.repoId))
        throw new errors_1.IntegrityError(name, 'pack belongs to another repository', 8);
    const packId = Buffer.from(bytes.subarray(24, 40));
    if (expectedKey !== undefined && packKey(packClass, packId.toString('hex')) !== expectedKey) {
        throw new errors_1.IntegrityError(name, 'pack id or class in the header does not match the object name', 5);
    }
    const key = (0, crypto_1.requireObjectKey)(keys, bytes.subarray(40, 72), packInfo(packId), bytes.subarray(72, 104), name);
    return { packClass, packId, key, bytes: Buffer.from(bytes.subarray(0, exports.PACK_HEADER_BYTES)) };
}
/** Seals one chunk as a record placed at `offset` of the pack. */
function sealRecord(header, offset, chunkId, codec, payload) {
    const record = Buffer.allocUnsafe(RecordSealer.sealedLength(payload.length, false));
    new RecordSealer(header).sealInto(offset, chunkId, codec, payload, false, record, 0);
    return record;
}
const NO_BYTES = Buffer.alloc(0);
/**
 * What binds a record to its place (FORMAT.md): the nonce is its offset in the pack (64 bits) and
 * 0, the additional data the pack id and the chunk id. Both are buffers of their own, rewritten
 * for each record: new ones were more allocations per record (small buffers live on V8's heap,
 * and Node's crypto moved each to native memory before it read it).
 */
class RecordBinding {
    nonce = Buffer.allocUnsafeSlow(crypto_1.NONCE_BYTES);
    aad = Buffer.alloc(0);
    bind(packId, offset, chunkId) {
        (0, crypto_1.writeCounterNonce)(this.nonce, offset, 0);
        if (this.aad.length !== packId.length + chunkId.length)
            this.aad = Buffer.allocUnsafeSlow(packId.length + chunkId.length);
        packId.copy(this.aad);
        chunkId.copy(this.aad, packId.length);
        return this;
    }
}
/**
 * Seals the records of one pack, into buffers the caller owns (record-cipher.ts: the key is set
 * once per pack). The codec byte, too, is a buffer of the sealer's own, rewritten for each record.
 */
class RecordSealer {
    header;
    binding = new RecordBinding();
    codecByte = Buffer.allocUnsafeSlow(1);
    cipher;
    constructor(header) {
        this.header = header;
        this.cipher = new record_cipher_1.RecordCipher(header.key.key);
    }
    /** The bytes of the sealed record of `payload` (`framed` as in sealInto). */
    static sealedLength(payload, framed) {
        return record_cipher_1.RecordCipher.sealedLength(framed ? payload : 1 + payload);
    }
    /**
     * Seals the record of a chunk placed at `offset` of the pack into `out` from byte `at`; returns
     * its length. `payload` is the encoded chunk, or with `framed`, the codec byte followed by it (as
     * a record holds them, and as a file worker places them).
     */
    sealInto(offset, chunkId, codec, payload, framed, out, at) {
        const [head, body] = this.prepare(offset, chunkId, codec, payload, framed);
        return this.cipher.sealInto(this.binding.nonce, this.binding.aad, head, body, out, at);
    }
    /**
     * Begins the record that sealInto would seal, to be sealed in parts (one bigger than a caller's
     * buffer); returns its plaintext, for update() in order, and end() after it.
     */
    begin(offset, chunkId, codec, payload, framed) {
        const parts = this.prepare(offset, chunkId, codec, payload, framed);
        this.cipher.begin(this.binding.nonce, this.binding.aad);
        return parts;
    }
    /** The ciphertext of the begun record's next plaintext bytes, into `out` at `at`. */
    update(plaintext, out, at) {
        return this.cipher.update(plaintext, out, at);
    }
    /** Ends the begun record: its 16-byte tag, into `tag`. */
    end(tag) {
        this.cipher.end(tag);
    }
    /** Sets the record's nonce and additional data; its plaintext, as the codec byte and the payload. */
    prepare(offset, chunkId, codec, payload, framed) {
        if (framed && payload[0] !== codec)
            throw new Error('a framed payload starts with another codec');
        this.binding.bind(this.header.packId, offset, chunkId);
        this.codecByte[0] = codec;
        return [framed ? NO_BYTES : this.codecByte, payload];
    }
}
exports.RecordSealer = RecordSealer;
/**
 * Opens records for one thread, keeping the cipher of the last pack key (a restore reads a pack's
 * records one after another). Through record-cipher.ts, a record is opened straight into the
 * caller's buffer or this thread's scratch; Node's crypto made a decipher and its output buffers
 * per record, about a million small allocations in a restore of the Linux source tree (heaptrack).
 */
class RecordOpener {
    binding = new RecordBinding();
    cipher;
    scratch = Buffer.alloc(0);
    open(header, entry, record, scratch) {
        const length = record.length - crypto_1.TAG_BYTES;
        if (length < 1)
            return undefined;
        const { nonce, aad } = this.binding.bind(header.packId, entry.offset, entry.id);
        if (!this.cipher?.key.equals(header.key.key))
            this.cipher = new record_cipher_1.RecordCipher(header.key.key);
        let out;
        if (!scratch)
            out = Buffer.allocUnsafe(length);
        else
            out = this.scratch = (0, scratch_1.grownScratch)(this.scratch, length);
        if (this.cipher.openInto(nonce, aad, record, out, 0) === undefined)
            return undefined;
        return { codec: out[0], payload: out.subarray(1, length) };
    }
}
let opener;
/**
 * Opens a record; undefined when it fails authentication. With `scratch`, the payload is a view of
 * this thread's scratch buffer, valid only until its next call: for a caller that decodes it (or
 * writes it out) and drops it.
 */
function openRecord(header, entry, record, scratch = false) {
    opener ??= new RecordOpener();
    return opener.open(header, entry, record, scratch);
}
function encodeEntries(entries) {
    const out = Buffer.alloc(4 + entries.length * exports.PACK_ENTRY_BYTES);
    out.writeUInt32BE(entries.length, 0);
    let at = 4;
    for (const e of entries) {
        e.id.copy(out, at);
        out.writeUInt32BE(e.offset, at + 32);
        out.writeUInt32BE(e.storedLength, at + 36);
        out.writeUInt32BE(e.rawLength, at + 40);
        out.writeUInt8(e.codec, at + 44);
        at += exports.PACK_ENTRY_BYTES;
    }
    return out;
}
/** The encrypted trailer index and the footer that locates it, bound to the header. */
function sealTrailer(header, entries) {
    const trailer = (0, crypto_1.seal)(header.key.key, (0, crypto_1.counterNonce)(TRAILER_NONCE_COUNTER, 1), header.bytes, encodeEntries(entries));
    const footer = Buffer.alloc(exports.PACK_FOOTER_BYTES);
    footer.writeUInt32LE(trailer.length, 0);
    footer.writeUInt32LE((0, node_zlib_1.crc32)(trailer), 4);
    exports.PACK_FOOTER_MAGIC.copy(footer, 8);
    return Buffer.concat([trailer, footer]);
}
/** Length of the trailer named by a footer (the last 12 bytes of a pack). */
function trailerLength(footer, name, packSize) {
    if (footer.length !== exports.PACK_FOOTER_BYTES || !footer.subarray(8).equals(exports.PACK_FOOTER_MAGIC)) {
        throw new errors_1.IntegrityError(name, 'pack footer is missing or damaged (truncated pack?)', packSize - exports.PACK_FOOTER_BYTES);
    }
    const length = footer.readUInt32LE(0);
    if (length + exports.PACK_HEADER_BYTES + exports.PACK_FOOTER_BYTES > packSize) {
        throw new errors_1.IntegrityError(name, 'pack footer names a trailer longer than the pack', packSize - exports.PACK_FOOTER_BYTES);
    }
    return length;
}
/**
 * The trailer's plaintext (a count, then PACK_ENTRY_BYTES per record; PackEntryTable reads it),
 * once its checksum and authentication hold.
 */
function openTrailer(header, trailer, footer, name, trailerOffset) {
    if ((0, node_zlib_1.crc32)(trailer) !== footer.readUInt32LE(4))
        throw new errors_1.IntegrityError(name, 'pack trailer checksum mismatch', trailerOffset);
    const plain = (0, crypto_1.open)(header.key.key, (0, crypto_1.counterNonce)(TRAILER_NONCE_COUNTER, 1), header.bytes, trailer);
    if (!plain)
        throw new errors_1.IntegrityError(name, 'pack trailer does not authenticate', trailerOffset);
    return plain;
}
//# sourceMappingURL=pack.js.map