"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.encodeCursor = encodeCursor;
exports.decodeCursor = decodeCursor;
const errors_1 = require("../../errors");
/** Pagination cursors are opaque to callers: base64url of a small JSON object of strings. */
function encodeCursor(position) {
    return Buffer.from(JSON.stringify(position)).toString('base64url');
}
function decodeCursor(cursor) {
    try {
        const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
        if (value !== null &&
            typeof value === 'object' &&
            !Array.isArray(value) &&
            Object.values(value).every((v) => typeof v === 'string'))
            return value;
    }
    catch {
        // reported below
    }
    throw new errors_1.InputError('The page cursor is not one this catalog returned.', 'Pass the `next` value of the previous page unchanged, or start again without a cursor.');
}
//# sourceMappingURL=cursor.js.map