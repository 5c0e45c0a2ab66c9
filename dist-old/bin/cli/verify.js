"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runVerify = runVerify;
exports.report = report;
exports.runVerifications = runVerifications;
const errors_1 = require("../../functions/core/errors");
const enums_1 = require("../../functions/core/model/enums");
const step_failure_1 = require("../../functions/core/services/workflows/step-failure");
const steps_1 = require("../../functions/core/services/workflows/steps");
const engine_1 = require("../../functions/local/engine");
const errors_2 = require("../../functions/core/errors");
const output_1 = require("./output");
const workflow_1 = require("./workflow");
const with_system_1 = require("./with-system");
/** Runs the verify workflow on one backup and reports the recorded verification. */
async function runVerify(reference, options) {
    const type = enums_1.VerificationTypeSchema.safeParse(options.type);
    if (!type.success)
        throw new errors_2.InputError(`"${options.type}" is not a verification type.`, `Use one of: ${enums_1.VerificationTypeSchema.options.join(', ')}.`);
    let failure;
    await (0, with_system_1.withSystem)(options, async (system) => {
        const engine = new engine_1.LocalEngine(system.ctx, { steps: (0, workflow_1.watchSteps)(steps_1.STEPS, (error) => (failure = error)) });
        const run = await engine.run('verify', { backup: reference, verification_type: type.data });
        const id = run.output?.started
            ?.verification_id;
        const record = id ? await system.catalog.getVerification(id) : undefined;
        if (run.status !== 'SUCCEEDED' || !record)
            throw (failure ??
                new errors_1.LifeboatError('WORKFLOW_FAILED', `The verification failed to run: ${(0, step_failure_1.describeStepError)(run.error)}`, 'Run it again.'));
        report(record, options);
    }, { requireRepository: true });
}
/** A verification's verdict; a failed one sets exit status 11. */
function report(v, options) {
    if (options.json)
        (0, output_1.printJson)(v);
    else {
        const parts = [
            v.checksum_valid === null ? undefined : `checksum ${v.checksum_valid ? 'valid' : 'INVALID'}`,
            v.data_integrity_verified === null
                ? undefined
                : `data integrity ${v.data_integrity_verified ? 'verified' : 'DAMAGED'}`,
            v.restore_test_passed === null
                ? undefined
                : `restore test ${v.restore_test_passed ? 'passed' : 'FAILED'}`,
        ].filter(Boolean);
        (0, output_1.say)(`Verification ${v.id} of backup ${v.backup_id} (${v.verification_type}): ${v.status}; ${parts.join(', ')}.`);
    }
    if (v.status !== 'passed') {
        // A restore test that could not run (no room to restore into) says why and what to do instead.
        const test = v.verification_details
            ?.restore_test;
        if (!options.json) {
            if (typeof test?.error === 'string')
                (0, output_1.say)(`  ${test.error}`);
            (0, output_1.say)(typeof test?.hint === 'string'
                ? `  ${test.hint}`
                : '  Run `lifeboat check --read-data` for a full report of the repository.');
        }
        process.exitCode = errors_1.ExitCode.integrity;
    }
}
/** Lists recorded verifications, newest first (all, or those of one backup). */
function runVerifications(options) {
    return (0, with_system_1.withSystem)(options, async (system) => {
        const page = options.backup
            ? await system.catalog.listVerificationsByBackup(options.backup, { limit: options.limit })
            : await system.catalog.listVerifications({ limit: options.limit });
        if (options.json)
            return (0, output_1.printJson)(page);
        if (page.items.length === 0)
            return (0, output_1.say)('No verifications recorded.');
        const rows = [
            ['ID', 'BACKUP', 'TYPE', 'STATUS', 'COMPLETED', 'ERROR'],
            ...page.items.map((v) => [
                v.id,
                v.backup_id,
                v.verification_type,
                v.status,
                v.completed_at ?? '-',
                v.error_message ?? '',
            ]),
        ];
        process.stdout.write(`${(0, output_1.formatTable)(rows)}\n`);
    });
}
//# sourceMappingURL=verify.js.map