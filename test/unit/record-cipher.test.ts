/**
 * A pack's records are sealed through the native addon record-cipher.node (one OpenSSL context per
 * pack key), or through Node's crypto where it is not built. Both must give the bytes AES-256-GCM
 * gives, into the caller's buffer and nowhere else. `npm run build` builds the addon; this suite
 * fails where it was not built, so that CI cannot pass with the fallback unnoticed.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { RecordCipher, nativeRecordCipher } from '../../functions/repository/record-cipher';

/** AES-256-GCM as Node's crypto gives it: ciphertext, then the 16-byte tag. */
function reference(key: Buffer, nonce: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Fixed inputs, so that another process can seal the same and compare. */
const KEY = Buffer.alloc(32, 7);
const NONCE = Buffer.from('000000000000006800000000', 'hex');
const AAD = Buffer.alloc(48, 3);
const SIZES = [0, 1, 15, 16, 17, 4095, 65_535, 65_536, 65_537, 200_001];
const plaintextOf = (size: number) =>
  Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff));

test('the addon is built and loaded', () => {
  expect(nativeRecordCipher).toBe(true);
});

test('records are the AES-256-GCM bytes, head and body as one plaintext, where the caller says', () => {
  const cipher = new RecordCipher(KEY);
  for (const size of SIZES) {
    const plaintext = plaintextOf(size);
    const expected = reference(KEY, NONCE, AAD, plaintext);
    for (const headLength of [0, 1]) {
      const out = Buffer.alloc(size + 16 + 10, 0xee);
      const head = plaintext.subarray(0, Math.min(headLength, size));
      const body = plaintext.subarray(head.length);
      const written = cipher.sealInto(NONCE, AAD, head, body, out, 4);
      expect(written).toBe(RecordCipher.sealedLength(size));
      expect(out.subarray(4, 4 + written).equals(expected)).toBe(true);
      expect(out.subarray(0, 4).equals(Buffer.alloc(4, 0xee))).toBe(true);
      expect(out.subarray(4 + written).equals(Buffer.alloc(6, 0xee))).toBe(true);
    }
  }
});

test('one cipher seals record after record: each with its own nonce and additional data', () => {
  const key = randomBytes(32);
  const cipher = new RecordCipher(key);
  const records = Array.from({ length: 20 }, (_, i) => ({
    nonce: randomBytes(12),
    aad: randomBytes(i % 2 === 0 ? 48 : 0),
    plaintext: randomBytes(i * 1000),
  }));
  const out = Buffer.alloc(
    records.reduce((sum, r) => sum + RecordCipher.sealedLength(r.plaintext.length), 0),
  );
  let at = 0;
  const placed = records.map((r) => {
    const length = cipher.sealInto(r.nonce, r.aad, Buffer.alloc(0), r.plaintext, out, at);
    at += length;
    return { ...r, sealed: out.subarray(at - length, at) };
  });
  expect(at).toBe(out.length);
  for (const r of placed) expect(r.sealed.equals(reference(key, r.nonce, r.aad, r.plaintext))).toBe(true);
});

/** A record sealed in parts: begin, the plaintext in updates of `step` bytes, end. */
function sealInSteps(cipher: RecordCipher, plaintext: Buffer, step: number): Buffer {
  const out = Buffer.alloc(plaintext.length + 16);
  cipher.begin(NONCE, AAD);
  let at = 0;
  while (at < plaintext.length) at += cipher.update(plaintext.subarray(at, at + step), out, at);
  cipher.end(out.subarray(at));
  return out;
}

test('a record sealed in parts (bigger than one buffer) is the same bytes, whatever the parts', () => {
  const cipher = new RecordCipher(KEY);
  for (const size of SIZES) {
    const plaintext = plaintextOf(size);
    const expected = reference(KEY, NONCE, AAD, plaintext);
    for (const step of [1, 7, 16, 65_536]) {
      if (size / step > 5000) continue;
      expect(sealInSteps(cipher, plaintext, step).equals(expected)).toBe(true);
    }
  }
  // A one-shot record after a parted one starts afresh.
  const out = Buffer.alloc(16 + 3);
  cipher.sealInto(NONCE, AAD, Buffer.of(1), Buffer.of(2, 3), out, 0);
  expect(out.equals(reference(KEY, NONCE, AAD, Buffer.of(1, 2, 3)))).toBe(true);
});

test("a record opens into the caller's buffer; a damaged one does not, and leaves zeros", () => {
  const cipher = new RecordCipher(KEY);
  for (const size of SIZES) {
    const plaintext = plaintextOf(size);
    const sealed = reference(KEY, NONCE, AAD, plaintext);
    const out = Buffer.alloc(size + 8, 0xee);
    expect(cipher.openInto(NONCE, AAD, sealed, out, 3)).toBe(size);
    expect(out.subarray(3, 3 + size).equals(plaintext)).toBe(true);
    expect(out.subarray(0, 3).equals(Buffer.alloc(3, 0xee))).toBe(true);
    expect(out.subarray(3 + size).equals(Buffer.alloc(5, 0xee))).toBe(true);
    // A flipped bit anywhere (ciphertext or tag), another nonce or other additional data.
    const flipped = Buffer.from(sealed);
    flipped[(size * 7) % sealed.length]! ^= 0x01;
    const otherNonce = Buffer.from(NONCE);
    otherNonce[11]! ^= 1;
    for (const [nonce, aad, record] of [
      [NONCE, AAD, flipped],
      [otherNonce, AAD, sealed],
      [NONCE, AAD.subarray(1), sealed],
    ] as const) {
      const into = Buffer.alloc(size, 0xee);
      expect(cipher.openInto(nonce, aad, record, into, 0)).toBeUndefined();
      expect(into.equals(Buffer.alloc(size))).toBe(true);
    }
  }
  expect(cipher.openInto(NONCE, AAD, Buffer.alloc(15), Buffer.alloc(0), 0)).toBeUndefined();
  expect(() => cipher.openInto(NONCE, AAD, Buffer.alloc(16 + 5), Buffer.alloc(4), 0)).toThrow(RangeError);
});

test('a record that does not fit is refused, and nothing is written', () => {
  const cipher = new RecordCipher(KEY);
  const out = Buffer.alloc(100, 0xee);
  expect(() => cipher.sealInto(NONCE, AAD, Buffer.alloc(0), Buffer.alloc(85), out, 0)).toThrow(RangeError);
  expect(() => cipher.sealInto(NONCE, AAD, Buffer.of(1), Buffer.alloc(80), out, 4)).toThrow(RangeError);
  expect(() => cipher.sealInto(NONCE, AAD, Buffer.alloc(0), Buffer.alloc(0), out, 101)).toThrow(RangeError);
  expect(out.equals(Buffer.alloc(100, 0xee))).toBe(true);
  expect(cipher.sealInto(NONCE, AAD, Buffer.alloc(0), Buffer.alloc(84), out, 0)).toBe(100);
});

test('without the addon (LIFEBOAT_NO_NATIVE_CIPHER), Node seals the same bytes, whole or in parts, and opens them', () => {
  const module = path.join(__dirname, '..', '..', 'dist', 'functions', 'repository', 'record-cipher.js');
  const script = `const { RecordCipher, nativeRecordCipher } = require(${JSON.stringify(module)});
    const cipher = new RecordCipher(Buffer.alloc(32, 7));
    const sealed = ${JSON.stringify(SIZES)}.map((size) => {
      const plaintext = Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff));
      const out = Buffer.alloc(size + 16);
      cipher.sealInto(Buffer.from(${JSON.stringify(NONCE.toString('hex'))}, 'hex'), Buffer.alloc(48, 3),
        plaintext.subarray(0, 1), plaintext.subarray(1), out, 0);
      const parted = Buffer.alloc(size + 16);
      cipher.begin(Buffer.from(${JSON.stringify(NONCE.toString('hex'))}, 'hex'), Buffer.alloc(48, 3));
      for (let at = 0; at < size; ) at += cipher.update(plaintext.subarray(at, at + 4099), parted, at);
      cipher.end(parted.subarray(size));
      if (!parted.equals(out)) throw new Error('sealed in parts, record of ' + size + ' bytes differs');
      const opened = Buffer.alloc(size);
      const nonce = Buffer.from(${JSON.stringify(NONCE.toString('hex'))}, 'hex');
      if (cipher.openInto(nonce, Buffer.alloc(48, 3), out, opened, 0) !== size || !opened.equals(plaintext))
        throw new Error('record of ' + size + ' bytes does not open');
      out[0] ^= 1;
      if (cipher.openInto(nonce, Buffer.alloc(48, 3), out, opened, 0) !== undefined || opened.some((b) => b !== 0))
        throw new Error('damaged record of ' + size + ' bytes opens');
      out[0] ^= 1;
      return out.toString('hex');
    });
    process.stdout.write(JSON.stringify({ native: nativeRecordCipher, sealed }));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, LIFEBOAT_NO_NATIVE_CIPHER: '1' },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const { native, sealed } = JSON.parse(out) as { native: boolean; sealed: string[] };
  expect(native).toBe(false);
  expect(sealed).toEqual(SIZES.map((size) => reference(KEY, NONCE, AAD, plaintextOf(size)).toString('hex')));
});
