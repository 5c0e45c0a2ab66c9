"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler = void 0;
exports.ensureDeployedRepository = ensureDeployedRepository;
const lazy_1 = require("../adapters/aws/kms/lazy");
const errors_1 = require("../core/errors");
const home_1 = require("../local/home");
const repository_1 = require("../repository/repository");
const step_handler_1 = require("./step-handler");
/** Idempotent: an existing repository (a retained bucket) is opened and given a writer slot if it has none. */
async function ensureDeployedRepository(env) {
    const settings = (0, home_1.resolveSettings)({}, env);
    const keyId = settings.kmsKeyId;
    if (!keyId)
        throw new errors_1.InputError('LIFEBOAT_KMS_KEY_ID is not set.', 'The deployment sets it to the vault key ARN.');
    const { repository, created } = await (0, home_1.openOrInitRepository)(settings);
    const writers = (await repository_1.Repository.readSlots(await (0, home_1.storeOf)(settings))).flatMap((r) => 'slot' in r &&
        r.slot.repo_id === repository.config.repo_id &&
        r.slot.role === 'writer' &&
        r.slot.kind === 'kms'
        ? [r.slot]
        : []);
    const existing = writers[0];
    if (existing)
        return {
            repository: settings.repoUrl,
            created: false,
            writer_slot: existing.id,
            writer_slot_added: false,
        };
    const { slot } = await repository.addWriterSlot((0, lazy_1.lazyKmsKeyProvider)(keyId));
    return {
        repository: settings.repoUrl,
        created: created !== undefined,
        writer_slot: slot.id,
        writer_slot_added: true,
    };
}
exports.handler = (0, step_handler_1.instrumentedHandler)('InitRepository', async (raw) => {
    const event = raw;
    const physicalId = process.env.LIFEBOAT_REPOSITORY ?? 'lifeboat-repository';
    // Deleting the stack never deletes backups: the bucket is retained, and so is the repository.
    if (event.RequestType === 'Delete')
        return { PhysicalResourceId: physicalId };
    const result = await ensureDeployedRepository(process.env);
    return { PhysicalResourceId: physicalId, Data: { WriterSlot: result.writer_slot } };
});
//# sourceMappingURL=init-repository.js.map