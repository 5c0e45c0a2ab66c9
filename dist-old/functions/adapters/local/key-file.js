"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.KeyFileProvider = void 0;
exports.createKeyFile = createKeyFile;
exports.readKeyFile = readKeyFile;
const node_crypto_1 = require("node:crypto");
const fs = __importStar(require("node:fs/promises"));
const errors_1 = require("../../core/errors");
const key_wrap_1 = require("../../repository/key-wrap");
const KEY_FILE_PREFIX = 'lifeboat-key-v1:';
function kekId(kek) {
    return (0, node_crypto_1.createHash)('sha256').update('lifeboat key id').update(kek).digest('hex').slice(0, 16);
}
/** Creates a new key file (mode 0600) holding a random 256-bit key-encryption key. */
async function createKeyFile(path) {
    const contents = `${KEY_FILE_PREFIX}${(0, node_crypto_1.randomBytes)(32).toString('base64')}\n`;
    try {
        await fs.writeFile(path, contents, { mode: 0o600, flag: 'wx' });
    }
    catch (error) {
        if (error.code === 'EEXIST') {
            throw new errors_1.KeyFileError(`Key file ${path} already exists.`, 'Use it, or move it away first; never overwrite a key file.');
        }
        throw error;
    }
}
/** Reads a key file, refusing one that other users can read: they could open every backup. */
async function readKeyFile(path) {
    let stat;
    try {
        stat = await fs.stat(path);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT') {
            throw new errors_1.KeyFileError(`Key file ${path} does not exist.`, 'Point LIFEBOAT_KEY_FILE (or --key-file) at the key file of this repository; without it the backups cannot be read.');
        }
        if (code === 'EACCES')
            throw new errors_1.KeyFileError(`Key file ${path} cannot be read (permission denied).`, 'Run as the user who owns it.');
        throw error;
    }
    if ((stat.mode & 0o077) !== 0) {
        throw new errors_1.KeyFileError(`Key file ${path} is accessible by other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}).`, `Restrict it with: chmod 600 ${path}`);
    }
    let text;
    try {
        text = (await fs.readFile(path, 'utf8')).trim();
    }
    catch (error) {
        if (error.code === 'EACCES') {
            throw new errors_1.KeyFileError(`Key file ${path} cannot be read (permission denied).`, 'Run as the user who owns it.');
        }
        throw error;
    }
    const key = text.startsWith(KEY_FILE_PREFIX)
        ? Buffer.from(text.slice(KEY_FILE_PREFIX.length), 'base64')
        : undefined;
    if (!key || key.length !== 32) {
        throw new errors_1.KeyFileError(`Key file ${path} is not a Lifeboat key file.`, 'Check that LIFEBOAT_KEY_FILE names the right file.');
    }
    return key;
}
/** Key slots unlocked by a local key file. */
class KeyFileProvider {
    path;
    kind = 'keyfile';
    constructor(path) {
        this.path = path;
    }
    async createSlot(masterKey, repoId, options = {}) {
        const kek = await readKeyFile(this.path);
        const slot = { ...(0, key_wrap_1.newSlotDescription)('keyfile', repoId, options), kek_id: kekId(kek) };
        return { ...slot, wrapped: (0, key_wrap_1.wrapKey)(kek, masterKey, repoId, slot) };
    }
    async openSlot(slot, repoId) {
        const kek = await readKeyFile(this.path);
        const key = slot.kek_id === kekId(kek) ? (0, key_wrap_1.unwrapKey)(kek, slot, repoId) : undefined;
        if (!key)
            throw new errors_1.WrongKeyError(`key file ${this.path} does not open key slot keys/${slot.id}.json (a different key file, or a damaged slot)`);
        return key;
    }
}
exports.KeyFileProvider = KeyFileProvider;
//# sourceMappingURL=key-file.js.map