"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.KmsKeyProvider = exports.KmsError = void 0;
exports.regionOf = regionOf;
const client_kms_1 = require("@aws-sdk/client-kms");
const errors_1 = require("../../../core/errors");
const key_wrap_1 = require("../../../repository/key-wrap");
/** AWS KMS refused or could not serve a key request; the message says which and what to do. */
class KmsError extends errors_1.LifeboatError {
    constructor(message, hint, cause) {
        super('KMS', message, hint, errors_1.ExitCode.permission, { cause });
    }
}
exports.KmsError = KmsError;
function translate(error, keyArn, action) {
    if (error instanceof errors_1.LifeboatError)
        return error;
    const e = (error ?? {});
    switch (e.name) {
        case 'AccessDeniedException':
            return new KmsError(`KMS denied ${action} on ${keyArn}.`, action === 'Decrypt'
                ? 'Opening a repository needs kms:Decrypt on its key with the repository id as encryption context (docs/OPERATIONS.md, "KMS key policies").'
                : 'Adding a KMS key slot needs kms:GenerateDataKey on the key (docs/OPERATIONS.md, "KMS key policies").', error);
        case 'NotFoundException':
            return new KmsError(`KMS key ${keyArn} does not exist (or is in another region or account).`, 'Check the key ARN and AWS_REGION.', error);
        case 'DisabledException':
        case 'KMSInvalidStateException':
            return new KmsError(`KMS key ${keyArn} cannot be used now (${e.name === 'DisabledException' ? 'disabled' : 'pending deletion or import'}).`, 'Enable the key (or cancel its deletion) in KMS, then run the command again.', error);
        case 'InvalidCiphertextException':
        case 'IncorrectKeyException':
            return new errors_1.WrongKeyError(`KMS could not decrypt the key slot's data key with ${keyArn} (a damaged slot or another key)`);
        case 'KMSInternalException':
        case 'DependencyTimeoutException':
        case 'ThrottlingException':
            return new errors_1.TransientError(`KMS is busy or failing (${e.name}) for ${keyArn}.`, { cause: error });
        default:
            return error;
    }
}
/** The region an ARN names; undefined for key ids and aliases (the default region applies). */
function regionOf(keyId) {
    return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1];
}
/**
 * Key slots unlocked by an AWS KMS key (FORMAT.md §3.2 "kms"): GenerateDataKey (AES_256) under
 * the CMK with the repository id as encryption context gives the key-encryption key; the slot
 * keeps KMS's ciphertext of it and the master key wrapped under it. Opening is one Decrypt per
 * run. The plaintext data key never leaves this function; it is zeroed after use.
 */
class KmsKeyProvider {
    clientFor;
    keyId;
    kind = 'kms';
    /**
     * keyId: the CMK for new slots (key id, ARN or alias); opening uses the ARN each slot records,
     * through a client of that key's region.
     */
    constructor(clientFor, keyId) {
        this.clientFor = clientFor;
        this.keyId = keyId;
    }
    async createSlot(masterKey, repoId, options = {}) {
        const keyId = this.keyId;
        if (!keyId)
            throw new KmsError('No KMS key was given for the new key slot.', 'Pass the key ARN with --kms ARN.');
        // A writer slot says so in its encryption context, so that a key policy can let writers
        // Decrypt their own slot and nothing that opens backups (docs/OPERATIONS.md §4).
        const context = options.writer
            ? { repo_id: repoId, role: 'writer' }
            : { repo_id: repoId };
        let out;
        try {
            out = await this.clientFor(regionOf(keyId)).send(new client_kms_1.GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }));
        }
        catch (error) {
            throw translate(error, keyId, 'GenerateDataKey');
        }
        if (!out.Plaintext || !out.CiphertextBlob || out.Plaintext.length !== 32)
            throw new KmsError(`KMS returned no 256-bit data key for ${keyId}.`, 'Use a symmetric encryption key (SYMMETRIC_DEFAULT).');
        const kek = Buffer.from(out.Plaintext);
        try {
            const slot = {
                ...(0, key_wrap_1.newSlotDescription)('kms', repoId, options),
                kms: {
                    // KMS answers with the key's ARN even when asked by alias: the slot names the key itself.
                    key_arn: out.KeyId ?? keyId,
                    encryption_context: context,
                    ciphertext_blob: Buffer.from(out.CiphertextBlob).toString('base64'),
                },
            };
            return { ...slot, wrapped: (0, key_wrap_1.wrapKey)(kek, masterKey, repoId, slot) };
        }
        finally {
            kek.fill(0);
            out.Plaintext.fill(0);
        }
    }
    async openSlot(slot, repoId) {
        const kms = slot.kms;
        if (!kms)
            throw new errors_1.WrongKeyError(`key slot keys/${slot.id}.json has no KMS data`);
        let out;
        try {
            out = await this.clientFor(regionOf(kms.key_arn)).send(new client_kms_1.DecryptCommand({
                CiphertextBlob: Buffer.from(kms.ciphertext_blob, 'base64'),
                EncryptionContext: kms.encryption_context,
                KeyId: kms.key_arn,
            }));
        }
        catch (error) {
            throw translate(error, kms.key_arn, 'Decrypt');
        }
        if (!out.Plaintext)
            throw new errors_1.WrongKeyError(`KMS returned no data key for key slot keys/${slot.id}.json`);
        const kek = Buffer.from(out.Plaintext);
        try {
            const key = (0, key_wrap_1.unwrapKey)(kek, slot, repoId);
            if (!key)
                throw new errors_1.WrongKeyError(`the KMS data key does not open key slot keys/${slot.id}.json (a damaged slot)`);
            return key;
        }
        finally {
            kek.fill(0);
            out.Plaintext.fill(0);
        }
    }
}
exports.KmsKeyProvider = KmsKeyProvider;
//# sourceMappingURL=key-provider.js.map