"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MASKS = void 0;
exports.selectMasks = selectMasks;
exports.standardGear = standardGear;
exports.keyedGear = keyedGear;
const node_crypto_1 = require("node:crypto");
const U64 = (1n << 64n) - 1n;
/**
 * fastcdc-rs v2020 mask table, indexed by log2 of the target chunk size. Indices 0-4 are padding:
 * a zero mask would cut at every byte, so selectMasks() refuses them.
 */
exports.MASKS = [
    0n,
    0n,
    0n,
    0n,
    0n,
    0x0000000001804110n,
    0x0000000001803110n,
    0x0000000018035100n,
    0x0000001800035300n,
    0x0000019000353000n,
    0x0000590003530000n,
    0x0000d90003530000n,
    0x0000d90103530000n,
    0x0000d90303530000n,
    0x0000d90313530000n,
    0x0000d90f03530000n,
    0x0000d90303537000n,
    0x0000d90703537000n,
    0x0000d90707537000n,
    0x0000d91707537000n,
    0x0000d91747537000n,
    0x0000d91767537000n,
    0x0000d93767537000n,
    0x0000d93777537000n,
    0x0000d93777577000n,
    0x0000db3777577000n,
];
const MIN_MASK_INDEX = 5;
const MAX_MASK_INDEX = exports.MASKS.length - 1;
/** Normalized chunking: a stricter mask below the average size, a looser one above it. */
function selectMasks(avg, level) {
    const bits = Math.round(Math.log2(avg));
    const small = exports.MASKS[bits + level];
    const large = exports.MASKS[bits - level];
    if (bits - level < MIN_MASK_INDEX || small === undefined || large === undefined) {
        throw new Error(`chunker avg ${avg} with level ${level} needs masks ${bits - level}..${bits + level}, ` +
            `outside the table (${MIN_MASK_INDEX}..${MAX_MASK_INDEX})`);
    }
    return { maskS: small, maskL: large };
}
let md5Table;
/**
 * The unkeyed fastcdc-rs table (GEAR[i] = BE64 of MD5 of 64 bytes equal to i), optionally XORed
 * with a seed as fastcdc-rs does. It exists to check the chunker against published vectors; a
 * repository uses keyedGear() so that boundaries do not confirm known content.
 */
function standardGear(seed = 0n) {
    if (md5Table === undefined) {
        md5Table = new BigUint64Array(256);
        for (let i = 0; i < 256; i++) {
            md5Table[i] = (0, node_crypto_1.createHash)('md5').update(Buffer.alloc(64, i)).digest().readBigUInt64BE(0);
        }
    }
    const s = seed & U64;
    return md5Table.map((g) => g ^ s);
}
/**
 * GEAR[i] = BE64(HMAC-SHA-256(key, "gear" || u8 i)[0:8]). The whole table comes from the key
 * (as in borg 2) instead of a 64-bit XOR seed, which leaves the table's structure known.
 */
function keyedGear(key) {
    if (key.length < 16)
        throw new Error(`keyedGear needs a key of at least 16 bytes, got ${key.length}`);
    const gear = new BigUint64Array(256);
    const message = Buffer.from('gear\0', 'latin1');
    for (let i = 0; i < 256; i++) {
        message[4] = i;
        gear[i] = (0, node_crypto_1.createHmac)('sha256', key).update(message).digest().readBigUInt64BE(0);
    }
    return gear;
}
//# sourceMappingURL=gear.js.map