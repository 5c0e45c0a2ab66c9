"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.canonicalJson = canonicalJson;
exports.canonicalJsonFile = canonicalJsonFile;
exports.parseStoredJson = parseStoredJson;
exports.parseCanonicalObject = parseCanonicalObject;
const errors_1 = require("../core/errors");
/**
 * JSON with object keys sorted at every depth and undefined members dropped: the same value
 * always gives the same bytes, whatever order the code that built it used. Authenticated JSON
 * (the config's MAC, a key slot's wrap) is computed over this form, and such files are stored in
 * it, so any other byte sequence can be recognised as damage.
 */
function sortDeep(value) {
    if (Array.isArray(value))
        return value.map(sortDeep);
    if (value !== null && typeof value === 'object') {
        const out = {};
        for (const key of Object.keys(value).sort()) {
            const member = value[key];
            if (member !== undefined)
                out[key] = sortDeep(member);
        }
        return out;
    }
    return value;
}
function canonicalJson(value) {
    return JSON.stringify(sortDeep(value));
}
/** The stored (readable) form: canonical order, two-space indentation, final newline. */
function canonicalJsonFile(value) {
    return Buffer.from(`${JSON.stringify(sortDeep(value), null, 2)}\n`);
}
/** JSON that Lifeboat stored; anything unparsable is damage to the object. */
function parseStoredJson(bytes, key, what) {
    try {
        return JSON.parse(bytes.toString('utf8'));
    }
    catch {
        throw new errors_1.IntegrityError(key, `${what} is not valid JSON`);
    }
}
/**
 * A stored canonical JSON object (a key slot, a generation link, a data key): valid against its
 * schema, under the name its content gives it, and byte for byte the canonical file of what it
 * holds. Anything else is damage to the object, reported as such.
 */
function parseCanonicalObject(key, bytes, kind, encode) {
    const parsed = kind.schema.safeParse(parseStoredJson(bytes, key, kind.what));
    if (!parsed.success)
        throw new errors_1.IntegrityError(key, `${kind.what} has unexpected content`);
    if (kind.nameOf(parsed.data) !== key)
        throw new errors_1.IntegrityError(key, `${kind.what} ${kind.nameField} does not match its name`);
    if (!encode(parsed.data).equals(bytes))
        throw new errors_1.IntegrityError(key, `${kind.what} is not in canonical form (damaged)`);
    return parsed.data;
}
//# sourceMappingURL=canonical-json.js.map