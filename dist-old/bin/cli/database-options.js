"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseServerUrl = void 0;
exports.credentialRef = credentialRef;
const node_path_1 = require("node:path");
const errors_1 = require("../../functions/core/errors");
var url_1 = require("../../functions/sources/database/url");
Object.defineProperty(exports, "parseServerUrl", { enumerable: true, get: function () { return url_1.parseServerUrl; } });
/** The password reference: at most one of the three ways, none when the server trusts us. */
function credentialRef(options) {
    const given = [
        options.passwordEnv !== undefined && { source: 'env', variable: options.passwordEnv },
        options.passwordFile !== undefined && { source: 'file', path: (0, node_path_1.resolve)(options.passwordFile) },
        options.passwordSecret !== undefined && { source: 'secret', arn: options.passwordSecret },
    ].filter((ref) => ref !== false);
    if (given.length > 1)
        throw new errors_1.InputError('Give the password one way: --password-env, --password-file or --password-secret.', 'Pick the one your deployment uses.');
    return given[0] ?? { source: 'none' };
}
//# sourceMappingURL=database-options.js.map