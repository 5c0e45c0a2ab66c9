"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SecretsManagerReader = void 0;
exports.lazySecretsManagerReader = lazySecretsManagerReader;
const errors_1 = require("../../../core/errors");
/**
 * The SDK module, loaded on first use: it costs about 75 ms, which a CLI command without a
 * secret reference should not pay at start-up.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const sdk = () => require('@aws-sdk/client-secrets-manager');
/* eslint-enable @typescript-eslint/no-require-imports */
/** AWS Secrets Manager: the secret's string, read when a job needs it (never cached or logged). */
class SecretsManagerReader {
    client;
    constructor(client) {
        this.client = client;
    }
    async readSecret(arn) {
        let value;
        try {
            value = (await this.client.send(new (sdk().GetSecretValueCommand)({ SecretId: arn }))).SecretString;
        }
        catch (error) {
            const name = error.name ?? '';
            if (name === 'ResourceNotFoundException')
                throw new errors_1.LifeboatError('SECRET_NOT_FOUND', `The secret ${arn} does not exist (or not in this region).`, "Check the target's --password-secret ARN and the region Lifeboat runs in.");
            if (name === 'AccessDeniedException' || name === 'DecryptionFailure')
                throw new errors_1.LifeboatError('SECRET_DENIED', `Lifeboat may not read the secret ${arn} (${name}).`, 'Grant its role secretsmanager:GetSecretValue on the secret (and kms:Decrypt on its key).');
            if (name === 'ThrottlingException' || name === 'InternalServiceError')
                throw new errors_1.TransientError(`Secrets Manager did not answer for ${arn} (${name}).`, { cause: error });
            throw error;
        }
        if (value === undefined)
            throw new errors_1.LifeboatError('SECRET_NOT_TEXT', `The secret ${arn} holds binary data, not a password.`, 'Store the password as the secret string (or as the "password" field of a JSON secret).');
        return value;
    }
}
exports.SecretsManagerReader = SecretsManagerReader;
/**
 * A reader that loads the AWS SDK only when a target actually names a secret, so that local
 * commands without one do not pay for it.
 */
function lazySecretsManagerReader() {
    let reader;
    return {
        readSecret(arn) {
            reader ??= new SecretsManagerReader(new (sdk().SecretsManagerClient)({}));
            return reader.readSecret(arn);
        },
    };
}
//# sourceMappingURL=secret-reader.js.map