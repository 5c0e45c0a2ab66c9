"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ULID_PATTERN = void 0;
exports.newUlid = newUlid;
exports.ulidBytes = ulidBytes;
const node_crypto_1 = require("node:crypto");
const errors_1 = require("../core/errors");
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/**
 * A ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32. Ids sort by time,
 * which makes "latest" cheap and listings readable.
 */
function newUlid(now = Date.now(), random = (0, node_crypto_1.randomBytes)(10)) {
    let time = '';
    let t = now;
    for (let i = 0; i < 10; i++) {
        time = CROCKFORD[t % 32] + time;
        t = Math.floor(t / 32);
    }
    let bits = 0n;
    for (const byte of random)
        bits = (bits << 8n) | BigInt(byte);
    let rand = '';
    for (let i = 0; i < 16; i++) {
        rand = CROCKFORD[Number(bits & 31n)] + rand;
        bits >>= 5n;
    }
    return time + rand;
}
/** 26 characters hold 130 bits; a first character above 7 would alias another id in 128 bits. */
exports.ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
/** The 16 bytes a ULID encodes, used where a binary object id is bound into a header. */
function ulidBytes(ulid) {
    if (!exports.ULID_PATTERN.test(ulid))
        throw new errors_1.InputError(`"${ulid}" is not a valid object id.`);
    let bits = 0n;
    for (const ch of ulid)
        bits = (bits << 5n) | BigInt(CROCKFORD.indexOf(ch));
    const out = Buffer.alloc(16);
    for (let i = 15; i >= 0; i--) {
        out[i] = Number(bits & 255n);
        bits >>= 8n;
    }
    return out;
}
//# sourceMappingURL=ids.js.map