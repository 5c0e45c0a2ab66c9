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
exports.resolveCredential = resolveCredential;
const fs = __importStar(require("node:fs"));
const errors_1 = require("../../core/errors");
/** A JSON secret (RDS and Secrets Manager rotation write these) keeps it in `password`. */
function passwordOf(secret) {
    if (secret.trimStart().startsWith('{')) {
        try {
            const parsed = JSON.parse(secret);
            if (typeof parsed.password === 'string')
                return parsed.password;
        }
        catch {
            // Not JSON after all: the whole string is the password.
        }
    }
    return secret;
}
/** Resolves a target's credential reference at run time; the value lives only in this job. */
async function resolveCredential(ref, secrets, env = process.env) {
    switch (ref.source) {
        case 'none':
            return {};
        case 'env': {
            const password = env[ref.variable];
            if (password === undefined)
                throw new errors_1.InputError(`The variable ${ref.variable}, which the target names for its password, is not set.`, `Set ${ref.variable} in the environment of the process that runs the job (the CLI or \`lifeboat serve\`).`);
            return { password };
        }
        case 'file':
            try {
                fs.accessSync(ref.path, fs.constants.R_OK);
            }
            catch {
                throw new errors_1.InputError(`The password file ${ref.path} named by the target cannot be read.`, 'Check that it exists and that the user running Lifeboat may read it (mode 0600).');
            }
            return { file: ref.path };
        case 'secret':
            if (!secrets)
                throw new errors_1.InputError('The target keeps its password in AWS Secrets Manager, which this process cannot reach.', 'Run it with AWS credentials (the standard variables or profile), or use --password-env locally.');
            return { password: passwordOf(await secrets.readSecret(ref.arn)) };
    }
}
//# sourceMappingURL=credentials.js.map