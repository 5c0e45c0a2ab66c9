"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PassphraseProvider = exports.DEFAULT_SCRYPT = void 0;
const node_crypto_1 = require("node:crypto");
const node_util_1 = require("node:util");
const errors_1 = require("../../core/errors");
const key_wrap_1 = require("../../repository/key-wrap");
const scryptAsync = (0, node_util_1.promisify)(node_crypto_1.scrypt);
/** restic's choice; about 0.2 s and 64 MiB per attempt, which slows guessing without hurting users. */
exports.DEFAULT_SCRYPT = { N: 65536, r: 8, p: 1 };
async function deriveKek(passphrase, params) {
    // NFC: the same passphrase typed on two systems may arrive as different code point sequences.
    return scryptAsync(passphrase.normalize('NFC'), Buffer.from(params.salt, 'base64'), 32, {
        N: params.N,
        r: params.r,
        p: params.p,
        maxmem: 256 * params.N * params.r + 16 * 1024 * 1024,
    });
}
/** Key slots unlocked by a passphrase through scrypt. */
class PassphraseProvider {
    passphrase;
    cost;
    kind = 'passphrase';
    constructor(passphrase, cost = exports.DEFAULT_SCRYPT) {
        this.passphrase = passphrase;
        this.cost = cost;
    }
    async createSlot(masterKey, repoId, options = {}) {
        const kdf = { alg: 'scrypt', salt: (0, node_crypto_1.randomBytes)(16).toString('base64'), ...this.cost };
        const kek = await deriveKek(this.passphrase, kdf);
        const slot = { ...(0, key_wrap_1.newSlotDescription)('passphrase', repoId, options), kdf };
        return { ...slot, wrapped: (0, key_wrap_1.wrapKey)(kek, masterKey, repoId, slot) };
    }
    async openSlot(slot, repoId) {
        const key = slot.kdf ? (0, key_wrap_1.unwrapKey)(await deriveKek(this.passphrase, slot.kdf), slot, repoId) : undefined;
        if (!key)
            throw new errors_1.WrongKeyError(`the passphrase does not open key slot keys/${slot.id}.json (a wrong passphrase, or a damaged slot)`);
        return key;
    }
}
exports.PassphraseProvider = PassphraseProvider;
//# sourceMappingURL=passphrase.js.map