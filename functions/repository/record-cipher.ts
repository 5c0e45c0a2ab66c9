import { createCipheriv, createDecipheriv, type CipherGCM } from 'node:crypto';
import { loadNativeAddon } from '../core/native-addon';

/** The GCM tag that follows a sealed record's (or object's) ciphertext. */
export const TAG_BYTES = 16;

/**
 * A record's ciphertext comes out of Node's cipher in pieces of at most this size (the fallback):
 * a whole record at once was an output buffer of up to 4 MiB, of a different size each time, which
 * glibc kept in its arenas in pieces no later one fitted.
 */
const UPDATE_BYTES = 64 * 1024;

interface RecordCipherAddon {
  sealer(key: Buffer): object;
  seal(
    sealer: object,
    nonce: Buffer,
    aad: Buffer,
    head: Buffer,
    body: Buffer,
    out: Buffer,
    at: number,
  ): number;
  begin(sealer: object, nonce: Buffer, aad: Buffer): void;
  update(sealer: object, plaintext: Buffer, out: Buffer, at: number): number;
  end(sealer: object, tag: Buffer): void;
  opener(key: Buffer): object;
  open(opener: object, nonce: Buffer, aad: Buffer, sealed: Buffer, out: Buffer, at: number): number;
}

/** LIFEBOAT_NO_NATIVE_CIPHER (any value) leaves the addon out: the tests of the fallback set it. */
const addon = process.env['LIFEBOAT_NO_NATIVE_CIPHER']
  ? undefined
  : loadNativeAddon<RecordCipherAddon>(__dirname, 'record-cipher.node');

/** Whether records are sealed through the addon here (else through Node's crypto). */
export const nativeRecordCipher = addon !== undefined;

/**
 * AES-256-GCM under one key (a pack's), sealing and opening records in buffers the caller owns.
 * Through record-cipher.c where it is built: one OpenSSL context per key and direction, nothing
 * allocated per record. Node's crypto makes a cipher and three output buffers per record; on the
 * 78,600 records of the Linux source tree sealing took 0.5 s of the main thread's time that way,
 * against 0.05 s. The bytes are the same either way.
 */
export class RecordCipher {
  private sealing: object | undefined;
  private opening: object | undefined;
  /** Node's cipher of the record begun (the fallback). */
  private begun: CipherGCM | undefined;

  constructor(readonly key: Buffer) {}

  /** This key's encryption context in the addon, made on first use. */
  private sealer(native: RecordCipherAddon): object {
    return (this.sealing ??= native.sealer(this.key));
  }

  /** The sealed length of `plaintext` bytes: the ciphertext, then the tag. */
  static sealedLength(plaintext: number): number {
    return plaintext + TAG_BYTES;
  }

  /**
   * Seals `head` then `body` as one plaintext under `nonce`, authenticating `aad`, into `out` from
   * byte `at`; returns the bytes written (sealedLength of both). Throws a RangeError, writing
   * nothing, when they do not fit.
   */
  sealInto(nonce: Buffer, aad: Buffer, head: Buffer, body: Buffer, out: Buffer, at: number): number {
    const length = RecordCipher.sealedLength(head.length + body.length);
    if (at < 0 || at + length > out.length)
      throw new RangeError('no room in the output for the sealed record');
    if (addon) return addon.seal(this.sealer(addon), nonce, aad, head, body, out, at);
    this.begin(nonce, aad);
    let to = at;
    for (const part of [head, body])
      for (let from = 0; from < part.length; from += UPDATE_BYTES)
        to += this.update(part.subarray(from, from + UPDATE_BYTES), out, to);
    this.end(out.subarray(to, to + TAG_BYTES));
    return to + TAG_BYTES - at;
  }

  /**
   * Begins a record sealed in parts, for one that does not fit one output buffer: update() with
   * its plaintext, in order, then end() for its tag. The bytes are sealInto's.
   */
  begin(nonce: Buffer, aad: Buffer): void {
    if (addon) return addon.begin(this.sealer(addon), nonce, aad);
    this.begun = createCipheriv('aes-256-gcm', this.key, nonce);
    this.begun.setAAD(aad);
  }

  /** Writes the ciphertext of the record's next `plaintext` bytes into `out` at `at`; as many bytes. */
  update(plaintext: Buffer, out: Buffer, at: number): number {
    if (at < 0 || at + plaintext.length > out.length) throw new RangeError('no room in the output');
    if (addon) return addon.update(this.sealer(addon), plaintext, out, at);
    if (!this.begun) throw new Error('no record begun');
    return this.begun.update(plaintext).copy(out, at);
  }

  /** Ends the record begun, writing its tag (TAG_BYTES) into `tag`. */
  end(tag: Buffer): void {
    if (tag.length !== TAG_BYTES) throw new RangeError(`a tag is ${TAG_BYTES} bytes`);
    if (addon) return addon.end(this.sealer(addon), tag);
    if (!this.begun) throw new Error('no record begun');
    this.begun.final();
    this.begun.getAuthTag().copy(tag);
    this.begun = undefined;
  }

  /**
   * Authenticates `sealed` (a record: ciphertext, then the tag) under `nonce` and `aad`, and writes
   * its plaintext into `out` from byte `at`; returns the plaintext's length, or undefined when it
   * does not authenticate (the bytes it took in `out` are then zeroed).
   */
  openInto(nonce: Buffer, aad: Buffer, sealed: Buffer, out: Buffer, at: number): number | undefined {
    if (sealed.length < TAG_BYTES) return undefined;
    const length = sealed.length - TAG_BYTES;
    if (at < 0 || at + length > out.length) throw new RangeError('no room in the output for the plaintext');
    if (addon) {
      this.opening ??= addon.opener(this.key);
      const opened = addon.open(this.opening, nonce, aad, sealed, out, at);
      return opened < 0 ? undefined : opened;
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(length));
    const ciphertext = sealed.subarray(0, length);
    let to = at;
    for (let from = 0; from < length; from += UPDATE_BYTES)
      to += decipher.update(ciphertext.subarray(from, from + UPDATE_BYTES)).copy(out, to);
    try {
      decipher.final();
      return length;
    } catch {
      out.fill(0, at, at + length);
      return undefined;
    }
  }
}
