"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.GENERATIONS_PREFIX = void 0;
exports.generationKey = generationKey;
exports.sealGenerationLink = sealGenerationLink;
exports.parseGenerationLink = parseGenerationLink;
exports.latestGeneration = latestGeneration;
exports.masterKeyChain = masterKeyChain;
exports.readGenerationLinks = readGenerationLinks;
const node_crypto_1 = require("node:crypto");
const zod_1 = require("zod");
const errors_1 = require("../core/errors");
const canonical_json_1 = require("./canonical-json");
const crypto_1 = require("./crypto");
const key_wrap_1 = require("./key-wrap");
const read_1 = require("./read");
/*
 * Key generations (docs/FORMAT.md §3.6). A rotation makes a new master key for new data; the
 * generation link `generations/<n>.json` keeps the previous master key sealed under the new one,
 * so whoever holds generation n's key reaches every older generation and reads all old data,
 * while someone who held only an old key reaches nothing newer.
 */
exports.GENERATIONS_PREFIX = 'generations/';
const NAME = /^generations\/([1-9][0-9]{0,8})\.json$/;
const GenerationLinkSchema = zod_1.z.strictObject({
    v: zod_1.z.literal(1),
    repo_id: zod_1.z.string(),
    generation: zod_1.z.number().int().min(1),
    created_at: zod_1.z.string(),
    wrapped: key_wrap_1.WrappedKeySchema,
});
function generationKey(generation) {
    return `${exports.GENERATIONS_PREFIX}${generation}.json`;
}
function linkKek(masterKey, repoId) {
    return (0, crypto_1.hkdf)(masterKey, Buffer.from(repoId, 'hex'), `${crypto_1.FORMAT_LABEL}generation-link`, crypto_1.KEY_BYTES);
}
function linkAad(link) {
    const { v, repo_id, generation, created_at } = link;
    return Buffer.from(`${crypto_1.FORMAT_LABEL}generation/${repo_id}/${(0, canonical_json_1.canonicalJson)({ v, repo_id, generation, created_at })}`);
}
function encodeLink(link) {
    const { v, repo_id, generation, created_at, wrapped } = link;
    return (0, canonical_json_1.canonicalJsonFile)({ v, repo_id, generation, created_at, wrapped });
}
/** The link that makes `newMasterKey` generation `generation`, reaching `previousMasterKey`. */
function sealGenerationLink(newMasterKey, previousMasterKey, repoId, generation, options = {}) {
    const description = {
        v: 1,
        repo_id: repoId,
        generation,
        created_at: options.createdAt ?? new Date().toISOString(),
    };
    const wrapped = (0, key_wrap_1.sealKey)(linkKek(newMasterKey, repoId), previousMasterKey, linkAad(description), options.nonce ?? (0, node_crypto_1.randomBytes)(crypto_1.NONCE_BYTES));
    return { key: generationKey(generation), bytes: encodeLink({ ...description, wrapped }) };
}
/** Parses a stored link; anything but the canonical bytes of a link with its own name is damage. */
function parseGenerationLink(key, bytes) {
    const kind = {
        what: 'generation link',
        schema: GenerationLinkSchema,
        nameOf: (link) => generationKey(link.generation),
        nameField: 'number',
    };
    return (0, canonical_json_1.parseCanonicalObject)(key, bytes, kind, encodeLink);
}
/** The newest key generation of the repository in `store` (0 before any rotation). */
async function latestGeneration(store) {
    let latest = 0;
    for await (const info of store.list(exports.GENERATIONS_PREFIX)) {
        const match = NAME.exec(info.key);
        if (match)
            latest = Math.max(latest, Number(match[1]));
    }
    return latest;
}
/**
 * The master keys of generations `generation` down to 0, newest first, from the master key of
 * `generation`: each link opens with the newer key and yields the older one.
 */
async function masterKeyChain(store, repoId, masterKey, generation) {
    const chain = [masterKey];
    for (let n = generation; n >= 1; n--) {
        const key = generationKey(n);
        let bytes;
        try {
            bytes = await (0, read_1.readAll)(store, key);
        }
        catch (error) {
            if (error instanceof errors_1.ObjectNotFoundError)
                throw new errors_1.IntegrityError(key, `generation link ${n} is missing: keys of older generations cannot be reached`);
            throw error;
        }
        const link = parseGenerationLink(key, bytes);
        if (link.repo_id !== repoId)
            throw new errors_1.IntegrityError(key, 'generation link belongs to another repository');
        const previous = (0, key_wrap_1.openKey)(linkKek(chain[chain.length - 1], repoId), link.wrapped, linkAad(link));
        if (!previous) {
            // The newest link is written after the slot that reaches it: a slot whose key does not open
            // it was left by a rotation that lost the race to another (FORMAT.md §3.6).
            if (n === generation)
                throw new errors_1.WrongKeyError(`the key does not open ${key} (the link is damaged, or the key slot was left by an abandoned rotation)`);
            throw new errors_1.IntegrityError(key, 'generation link does not open with the newer key (damaged)');
        }
        chain.push(previous);
    }
    return chain;
}
/** Every generation link in the store, or the damage that makes one unreadable (for `check`). */
async function readGenerationLinks(store) {
    const out = [];
    for await (const info of store.list(exports.GENERATIONS_PREFIX)) {
        if (!NAME.test(info.key))
            continue;
        try {
            out.push({ key: info.key, link: parseGenerationLink(info.key, await (0, read_1.readAll)(store, info.key)) });
        }
        catch (error) {
            if (!(error instanceof errors_1.IntegrityError))
                throw error;
            out.push({ key: info.key, damage: error });
        }
    }
    return out;
}
//# sourceMappingURL=generations.js.map