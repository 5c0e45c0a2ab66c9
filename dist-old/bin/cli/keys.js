"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runKeyAdd = runKeyAdd;
exports.runKeyList = runKeyList;
exports.runKeyRemove = runKeyRemove;
exports.runKeyRotate = runKeyRotate;
const lazy_1 = require("../../functions/adapters/aws/kms/lazy");
const key_file_1 = require("../../functions/adapters/local/key-file");
const passphrase_1 = require("../../functions/adapters/local/passphrase");
const errors_1 = require("../../functions/core/errors");
const home_1 = require("../../functions/local/home");
const repository_1 = require("../../functions/repository/repository");
const output_1 = require("./output");
function describeSlot(slot) {
    if (slot.kind === 'kms')
        return slot.kms?.key_arn ?? '';
    if (slot.kind === 'keyfile')
        return `key file ${slot.kek_id ?? ''}`;
    return 'passphrase';
}
/** The secret a new slot is made for; exactly one of the options. */
async function newSlotProvider(options) {
    const given = [options.kms, options.newKeyFile, options.passphraseEnv].filter((v) => v !== undefined);
    if (given.length !== 1)
        throw new errors_1.InputError('Say which key to add: exactly one of --kms ARN, --new-key-file PATH or --passphrase-env VAR.');
    if (options.kms)
        return { provider: (0, lazy_1.lazyKmsKeyProvider)(options.kms) };
    if (options.newKeyFile) {
        await (0, key_file_1.createKeyFile)(options.newKeyFile);
        return {
            provider: new key_file_1.KeyFileProvider(options.newKeyFile),
            note: `New key file ${options.newKeyFile}: keep a copy somewhere safe, apart from the backups.`,
        };
    }
    const passphrase = process.env[options.passphraseEnv];
    if (!passphrase)
        throw new errors_1.InputError(`The environment variable ${options.passphraseEnv} is not set or empty.`, 'Export the new passphrase in that variable (it is never taken on the command line, where others could see it).');
    return { provider: new passphrase_1.PassphraseProvider(passphrase) };
}
async function runKeyAdd(options) {
    const repository = await (0, home_1.openRepository)((0, home_1.resolveSettings)(options));
    const { provider, note } = await newSlotProvider(options);
    if (options.writer) {
        const { slot, indexesResealed } = await repository.addWriterSlot(provider);
        if (note)
            (0, output_1.say)(note);
        (0, output_1.say)(`Added writer slot ${slot.id} (${slot.kind}: ${describeSlot(slot)}): it backs up, but cannot restore, list or read any backup.`);
        if (indexesResealed > 0)
            (0, output_1.say)(`Sealed ${indexesResealed} index objects again under the index key, so that writers deduplicate against them.`);
        if (options.json)
            (0, output_1.printJson)({ ...slotSummary(slot, repository), indexes_resealed: indexesResealed });
        return;
    }
    const slot = await repository.addKeySlot(provider);
    if (note)
        (0, output_1.say)(note);
    (0, output_1.say)(`Added key slot ${slot.id} (${slot.kind}: ${describeSlot(slot)}).`);
    if (options.json)
        (0, output_1.printJson)(slotSummary(slot, repository));
}
function slotSummary(slot, repository) {
    const generation = slot.generation ?? 0;
    return {
        id: slot.id,
        kind: slot.kind,
        created_at: slot.created_at,
        key_arn: slot.kms?.key_arn ?? null,
        kek_id: slot.kek_id ?? null,
        generation,
        role: slot.role === 'writer' ? 'writer' : 'reader',
        // A slot of an older generation reads the backups made before the rotation, never writes.
        writable: generation === repository.keys.latestGeneration,
        current: slot.id === repository.openedSlot.id,
    };
}
function generationNote(slot, repository) {
    const generation = slot.generation ?? 0;
    if (generation === repository.keys.latestGeneration)
        return String(generation);
    return `${generation} (read-only)`;
}
async function runKeyList(options) {
    const repository = await (0, home_1.openRepository)((0, home_1.resolveSettings)(options));
    const read = await repository_1.Repository.readSlots(repository.store);
    const slots = read
        .flatMap((r) => ('slot' in r ? [r.slot] : []))
        .filter((s) => s.repo_id === repository.config.repo_id && (s.generation ?? 0) <= repository.keys.latestGeneration)
        .sort((a, b) => a.created_at.localeCompare(b.created_at));
    const damaged = read.flatMap((r) => ('damage' in r ? [r.key] : []));
    if (options.json) {
        (0, output_1.printJson)({
            repo_id: repository.config.repo_id,
            generation: repository.keys.latestGeneration,
            slots: slots.map((s) => slotSummary(s, repository)),
            damaged,
        });
        return;
    }
    (0, output_1.say)(`Repository ${repository.config.repo_id} (${repository.store.location}):`);
    process.stdout.write(`${(0, output_1.formatTable)([
        ['ID', 'KIND', 'ROLE', 'CREATED', 'GENERATION', 'KEY', ''],
        ...slots.map((s) => [
            s.id,
            s.kind,
            s.role === 'writer' ? 'write-only' : 'read-write',
            s.created_at,
            generationNote(s, repository),
            describeSlot(s),
            s.id === repository.openedSlot.id ? '(opened with)' : '',
        ]),
    ])}\n`);
    for (const key of damaged)
        (0, output_1.say)(`warning: ${key} is damaged and opens nothing (see \`lifeboat check\`).`);
}
async function runKeyRemove(id, options) {
    const repository = await (0, home_1.openRepository)((0, home_1.resolveSettings)(options));
    await repository.removeKeySlot(id);
    (0, output_1.say)(`Removed key slot ${id.toUpperCase()}.`);
    if (options.json)
        (0, output_1.printJson)({ removed: id.toUpperCase() });
}
async function runKeyRotate(options) {
    const settings = (0, home_1.resolveSettings)(options);
    const repository = await (0, home_1.openRepository)(settings);
    const report = await repository.rotateKey((0, home_1.openingProviders)(settings), (arn) => (0, lazy_1.lazyKmsKeyProvider)(arn));
    if (options.json) {
        (0, output_1.printJson)({
            generation: report.generation,
            rewrapped: report.rewrapped.map(({ from, to }) => ({ from: from.id, to: to.id, kind: to.kind })),
            left: report.left.map((s) => ({ id: s.id, kind: s.kind, generation: s.generation ?? 0 })),
        });
    }
    (0, output_1.say)(`Rotated the repository key to generation ${report.generation}: new data is sealed under the new key; every older backup stays readable.`);
    for (const { from, to } of report.rewrapped)
        (0, output_1.say)(`  key slot ${from.id} replaced by ${to.id} (${to.kind}: ${describeSlot(to)})`);
    for (const slot of report.left)
        (0, output_1.say)(`warning: key slot ${slot.id} (${slot.kind}: ${describeSlot(slot)}) stays at generation ${slot.generation ?? 0}: its secret was not at hand. ` +
            `It still reads the backups made before the rotation but can no longer write. Give that secret a current slot with \`lifeboat key add\`, or remove it with \`lifeboat key remove ${slot.id}\`.`);
}
//# sourceMappingURL=keys.js.map