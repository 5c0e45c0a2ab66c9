import { randomBytes } from 'node:crypto';
import { InputError } from '../core/errors';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32. Ids sort by time,
 * which makes "latest" cheap and listings readable.
 */
export function newUlid(now = Date.now(), random: Buffer = randomBytes(10)): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (const byte of random) bits = (bits << 8n) | BigInt(byte);
  let rand = '';
  for (let i = 0; i < 16; i++) {
    rand = CROCKFORD[Number(bits & 31n)] + rand;
    bits >>= 5n;
  }
  return time + rand;
}

/** 26 characters hold 130 bits; a first character above 7 would alias another id in 128 bits. */
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** The 16 bytes a ULID encodes, used where a binary object id is bound into a header. */
export function ulidBytes(ulid: string): Buffer {
  if (!ULID_PATTERN.test(ulid)) throw new InputError(`"${ulid}" is not a valid object id.`);
  let bits = 0n;
  for (const ch of ulid) bits = (bits << 5n) | BigInt(CROCKFORD.indexOf(ch));
  const out = Buffer.alloc(16);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(bits & 255n);
    bits >>= 8n;
  }
  return out;
}
