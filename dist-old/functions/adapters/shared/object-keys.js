"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.assertValidKey = assertValidKey;
const errors_1 = require("../../core/errors");
/**
 * Repository keys are relative, slash-separated and free of `.`/`..`/empty segments on every
 * backend, so that a key means the same object in a directory, a bucket and a container.
 */
function assertValidKey(key) {
    if (key === '' || key.startsWith('/') || key.split('/').some((p) => p === '..' || p === '.' || p === ''))
        throw new errors_1.InputError(`Invalid object key "${key}".`);
}
//# sourceMappingURL=object-keys.js.map