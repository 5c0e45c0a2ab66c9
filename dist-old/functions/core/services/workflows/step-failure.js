"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StepFailureSchema = exports.CaughtErrorSchema = void 0;
exports.describeStepError = describeStepError;
exports.stepTimedOut = stepTimedOut;
exports.describeFailure = describeFailure;
const zod_1 = require("zod");
/** What a state machine's Catch puts at `$.error`: the error name and its cause. */
exports.CaughtErrorSchema = zod_1.z.object({ Error: zod_1.z.string(), Cause: zod_1.z.string().optional() });
/** The state a failure path receives: the workflow's input plus what the steps added. */
exports.StepFailureSchema = zod_1.z
    .object({
    target: zod_1.z.string().optional(),
    prepared: zod_1.z
        .object({ backup_id: zod_1.z.string().optional(), compute: zod_1.z.enum(['lambda', 'fargate']).optional() })
        .partial()
        .optional(),
    validated: zod_1.z.object({ recovery_job_id: zod_1.z.string().optional() }).partial().optional(),
    plan: zod_1.z
        .object({ compute: zod_1.z.enum(['lambda', 'fargate']).optional() })
        .partial()
        .optional(),
    started: zod_1.z.object({ verification_id: zod_1.z.string().optional() }).partial().optional(),
    error: exports.CaughtErrorSchema.optional(),
})
    .loose();
/**
 * The message for the catalog and the alert. Lambda (and the local engine, which mimics it)
 * puts a JSON object with errorType and errorMessage in Cause; Step Functions' own errors
 * (States.Timeout, ...) carry plain text.
 */
function describeStepError(error) {
    if (!error)
        return 'The workflow failed without an error description.';
    if (error.Cause) {
        try {
            const cause = JSON.parse(error.Cause);
            if (typeof cause.errorMessage === 'string' && cause.errorMessage)
                return cause.errorMessage;
        }
        catch {
            // Not JSON: the cause is the message.
        }
        return error.Cause;
    }
    return error.Error === 'States.Timeout' ? 'The step timed out.' : error.Error;
}
/**
 * Whether the step ran out of time: Step Functions' own timeout (the Task's TimeoutSeconds) or
 * Lambda's (the function's timeout, which Lambda reports as Sandbox.Timedout).
 */
function stepTimedOut(error) {
    if (!error)
        return false;
    if (error.Error === 'States.Timeout' || error.Error === 'Sandbox.Timedout')
        return true;
    return /"errorType"\s*:\s*"Sandbox\.Timedout"|Task timed out after/.test(error.Cause ?? '');
}
/**
 * A failure's message for the catalog and the alert, and whether it was Lambda's time running
 * out; then the message says that `nextRun` ("the next backup of web") runs on Fargate, which
 * Prepare and Plan see to (backup-steps.ts, restore-steps.ts).
 */
function describeFailure(error, compute, nextRun) {
    const message = describeStepError(error);
    if (compute !== 'lambda' || !stepTimedOut(error))
        return { message, lambdaTimedOut: false };
    return {
        message: `${message.replace(/\.?$/, '.')} It ran on Lambda, which stops a step at 15 minutes; ${nextRun} runs on Fargate.`,
        lambdaTimedOut: true,
    };
}
//# sourceMappingURL=step-failure.js.map