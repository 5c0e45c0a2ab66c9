"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runRetentionApply = runRetentionApply;
exports.runGc = runGc;
const errors_1 = require("../../functions/core/errors");
const retention_steps_1 = require("../../functions/core/services/workflows/retention-steps");
const step_failure_1 = require("../../functions/core/services/workflows/step-failure");
const steps_1 = require("../../functions/core/services/workflows/steps");
const engine_1 = require("../../functions/local/engine");
const output_1 = require("./output");
const workflow_1 = require("./workflow");
const with_system_1 = require("./with-system");
function describeGc(gc) {
    if ('deferred' in gc)
        return `garbage collection deferred: ${gc.deferred}`;
    return `${gc.dry_run ? 'would delete' : 'deleted'} ${gc.packs_deleted} of ${gc.packs_total} packs (${(0, output_1.formatBytes)(gc.bytes_freed)})`;
}
/** The retention workflow: each schedule's policy applied, then garbage collected. */
async function runRetentionApply(options) {
    let failure;
    await (0, with_system_1.withSystem)(options, async (system) => {
        const engine = new engine_1.LocalEngine(system.ctx, { steps: (0, workflow_1.watchSteps)(steps_1.STEPS, (error) => (failure = error)) });
        const run = await engine.run('retention', {
            ...(options.schedule ? { schedule: options.schedule } : {}),
            dry_run: options.dryRun ?? false,
        });
        if (run.status !== 'SUCCEEDED')
            throw (failure ??
                new errors_1.LifeboatError('WORKFLOW_FAILED', `Retention failed: ${(0, step_failure_1.describeStepError)(run.error)}`, 'See `lifeboat audit`.'));
        const output = run.output;
        const retention = output.retention.result;
        const gc = output.gc.result;
        if (options.json)
            return (0, output_1.printJson)({ ...retention, gc });
        for (const s of retention.schedules)
            (0, output_1.say)(`${s.schedule} (${s.target}): ${s.kept} kept, ${s.removed.length} ${retention.dry_run ? 'would be forgotten' : 'forgotten'}` +
                (s.removed.length ? `: ${s.removed.map((r) => r.id).join(', ')}` : ''));
        if (retention.schedules.length === 0)
            (0, output_1.say)('No schedule has retention rules; everything is kept.');
        (0, output_1.say)(describeGc(gc));
    }, { requireRepository: true });
}
/** Garbage collection alone, under the fence; a refusal (backups writing) is an error here. */
async function runGc(options) {
    await (0, with_system_1.withSystem)(options, async (system) => {
        const report = await (0, retention_steps_1.collectGarbage)(system.ctx, { dry_run: options.dryRun ?? false });
        if ('deferred' in report)
            throw new errors_1.ConflictError(report.deferred, 'Run `lifeboat gc` again when they have finished.');
        if (options.json)
            return (0, output_1.printJson)(report);
        (0, output_1.say)(`${describeGc(report)}; ${report.live_chunks} chunks in use by ${report.snapshots} snapshot(s).`);
    }, { requireRepository: true });
}
//# sourceMappingURL=retention.js.map