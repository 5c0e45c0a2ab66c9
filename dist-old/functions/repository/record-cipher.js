"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RecordCipher = exports.nativeRecordCipher = exports.TAG_BYTES = void 0;
const node_crypto_1 = require("node:crypto");
const native_addon_1 = require("../core/native-addon");
/** The GCM tag that follows a sealed record's (or object's) ciphertext. */
exports.TAG_BYTES = 16;
/**
 * A record's ciphertext comes out of Node's cipher in pieces of at most this size (the fallback):
 * a whole record at once was an output buffer of up to 4 MiB, of a different size each time, which
 * glibc kept in its arenas in pieces no later one fitted.
 */
const UPDATE_BYTES = 64 * 1024;
/** LIFEBOAT_NO_NATIVE_CIPHER (any value) leaves the addon out: the tests of the fallback set it. */
const addon = process.env['LIFEBOAT_NO_NATIVE_CIPHER']
    ? undefined
    : (0, native_addon_1.loadNativeAddon)(__dirname, 'record-cipher.node');
/** Whether records are sealed through the addon here (else through Node's crypto). */
exports.nativeRecordCipher = addon !== undefined;
/**
 * AES-256-GCM under one key (a pack's), sealing and opening records in buffers the caller owns.
 * Through record-cipher.c where it is built: one OpenSSL context per key and direction, nothing
 * allocated per record. Node's crypto makes a cipher and three output buffers per record; on the
 * 78,600 records of the Linux source tree sealing took 0.5 s of the main thread's time that way,
 * against 0.05 s. The bytes are the same either way.
 */
class RecordCipher {
    key;
    sealing;
    opening;
    /** Node's cipher of the record begun (the fallback). */
    begun;
    constructor(key) {
        this.key = key;
    }
    /** This key's encryption context in the addon, made on first use. */
    sealer(native) {
        return (this.sealing ??= native.sealer(this.key));
    }
    /** The sealed length of `plaintext` bytes: the ciphertext, then the tag. */
    static sealedLength(plaintext) {
        return plaintext + exports.TAG_BYTES;
    }
    /**
     * Seals `head` then `body` as one plaintext under `nonce`, authenticating `aad`, into `out` from
     * byte `at`; returns the bytes written (sealedLength of both). Throws a RangeError, writing
     * nothing, when they do not fit.
     */
    sealInto(nonce, aad, head, body, out, at) {
        const length = RecordCipher.sealedLength(head.length + body.length);
        if (at < 0 || at + length > out.length)
            throw new RangeError('no room in the output for the sealed record');
        if (addon)
            return addon.seal(this.sealer(addon), nonce, aad, head, body, out, at);
        this.begin(nonce, aad);
        let to = at;
        for (const part of [head, body])
            for (let from = 0; from < part.length; from += UPDATE_BYTES)
                to += this.update(part.subarray(from, from + UPDATE_BYTES), out, to);
        this.end(out.subarray(to, to + exports.TAG_BYTES));
        return to + exports.TAG_BYTES - at;
    }
    /**
     * Begins a record sealed in parts, for one that does not fit one output buffer: update() with
     * its plaintext, in order, then end() for its tag. The bytes are sealInto's.
     */
    begin(nonce, aad) {
        if (addon)
            return addon.begin(this.sealer(addon), nonce, aad);
        this.begun = (0, node_crypto_1.createCipheriv)('aes-256-gcm', this.key, nonce);
        this.begun.setAAD(aad);
    }
    /** Writes the ciphertext of the record's next `plaintext` bytes into `out` at `at`; as many bytes. */
    update(plaintext, out, at) {
        if (at < 0 || at + plaintext.length > out.length)
            throw new RangeError('no room in the output');
        if (addon)
            return addon.update(this.sealer(addon), plaintext, out, at);
        if (!this.begun)
            throw new Error('no record begun');
        return this.begun.update(plaintext).copy(out, at);
    }
    /** Ends the record begun, writing its tag (TAG_BYTES) into `tag`. */
    end(tag) {
        if (tag.length !== exports.TAG_BYTES)
            throw new RangeError(`a tag is ${exports.TAG_BYTES} bytes`);
        if (addon)
            return addon.end(this.sealer(addon), tag);
        if (!this.begun)
            throw new Error('no record begun');
        this.begun.final();
        this.begun.getAuthTag().copy(tag);
        this.begun = undefined;
    }
    /**
     * Authenticates `sealed` (a record: ciphertext, then the tag) under `nonce` and `aad`, and writes
     * its plaintext into `out` from byte `at`; returns the plaintext's length, or undefined when it
     * does not authenticate (the bytes it took in `out` are then zeroed).
     */
    openInto(nonce, aad, sealed, out, at) {
        if (sealed.length < exports.TAG_BYTES)
            return undefined;
        const length = sealed.length - exports.TAG_BYTES;
        if (at < 0 || at + length > out.length)
            throw new RangeError('no room in the output for the plaintext');
        if (addon) {
            this.opening ??= addon.opener(this.key);
            const opened = addon.open(this.opening, nonce, aad, sealed, out, at);
            return opened < 0 ? undefined : opened;
        }
        const decipher = (0, node_crypto_1.createDecipheriv)('aes-256-gcm', this.key, nonce);
        decipher.setAAD(aad);
        decipher.setAuthTag(sealed.subarray(length));
        const ciphertext = sealed.subarray(0, length);
        let to = at;
        for (let from = 0; from < length; from += UPDATE_BYTES)
            to += decipher.update(ciphertext.subarray(from, from + UPDATE_BYTES)).copy(out, to);
        try {
            decipher.final();
            return length;
        }
        catch {
            out.fill(0, at, at + length);
            return undefined;
        }
    }
}
exports.RecordCipher = RecordCipher;
//# sourceMappingURL=record-cipher.js.map