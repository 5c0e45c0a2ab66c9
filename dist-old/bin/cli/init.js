"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.announceNewRepository = announceNewRepository;
exports.runInit = runInit;
const errors_1 = require("../../functions/core/errors");
const repository_1 = require("../../functions/repository/repository");
const home_1 = require("../../functions/local/home");
const output_1 = require("./output");
function announceNewRepository(settings, repoId, keyFileCreated) {
    (0, output_1.say)(`Created repository ${repoId} at ${settings.repoUrl}.`);
    if (settings.kmsKeyId) {
        (0, output_1.say)(`It is protected by the AWS KMS key ${settings.kmsKeyId}: whoever may call kms:Decrypt on it can open the backups.`);
    }
    else if (settings.passphrase !== undefined) {
        (0, output_1.say)('It is protected by the passphrase in LIFEBOAT_PASSPHRASE: losing the passphrase loses the backups.');
    }
    else {
        (0, output_1.say)(`Its key is in ${settings.keyFile}${keyFileCreated ? ' (new)' : ''}. Keep a copy of that file somewhere safe, ` +
            'apart from the backups: losing the key loses the backups.');
    }
}
const DEFAULT_LEVEL = { zstd: 3, gzip: 6, none: 0 };
const LEVEL_RANGE = { zstd: [1, 19], gzip: [1, 9], none: [0, 0] };
async function runInit(options) {
    const alg = options.compression;
    const level = options.compressionLevel ?? DEFAULT_LEVEL[alg];
    const [low, high] = LEVEL_RANGE[alg];
    if (level < low || level > high) {
        throw new errors_1.InputError(`--compression-level ${level} is out of range for ${alg} (${low}-${high}).`);
    }
    const settings = (0, home_1.resolveSettings)(options);
    const { repository, keyFileCreated } = await (0, home_1.initRepository)(settings, {
        compression: { alg, level },
        chunker: { ...repository_1.DEFAULT_CHUNKER, min: options.chunkMin, avg: options.chunkAvg, max: options.chunkMax },
    });
    announceNewRepository(settings, repository.config.repo_id, keyFileCreated);
    if (options.json) {
        (0, output_1.printJson)({
            repo_id: repository.config.repo_id,
            repository: settings.repoUrl,
            key_file: settings.passphrase === undefined && !settings.kmsKeyId ? settings.keyFile : null,
            kms_key: settings.kmsKeyId ?? null,
            key_file_created: keyFileCreated,
            compression: repository.config.compression,
            chunker: repository.config.chunker,
        });
    }
}
//# sourceMappingURL=init.js.map