"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.asStepError = asStepError;
exports.lambdaCause = lambdaCause;
const errors_1 = require("../../errors");
/**
 * A step's error as the Lambda runtime reports it to Step Functions: the error name is what a
 * Retry or Catch matches (every transient failure is `TransientError`, the name the state
 * machines retry), and the message carries the operator's message and next step.
 */
function asStepError(error) {
    const name = (0, errors_1.isTransient)(error)
        ? 'TransientError'
        : error instanceof Error
            ? error.name || 'Error'
            : 'Error';
    const message = error instanceof errors_1.LifeboatError
        ? `${error.message} ${error.hint}`
        : error instanceof Error
            ? error.message
            : String(error);
    return { name, message };
}
/** Step Functions' Cause for a Lambda function error: the runtime's JSON. */
function lambdaCause(error) {
    const { name, message } = asStepError(error);
    return { name, cause: JSON.stringify({ errorType: name, errorMessage: message, trace: [] }) };
}
//# sourceMappingURL=step-errors.js.map