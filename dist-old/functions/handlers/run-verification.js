"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler = exports.verificationMetrics = void 0;
// Lambda entry of the workflow step RunVerification (state machines: ${RunVerificationFunctionArn}).
const metrics_1 = require("@aws-lambda-powertools/metrics");
const step_handler_1 = require("./step-handler");
/** A verification that found damage is a success of the step and the alarm's business. */
const verificationMetrics = (result, metrics) => {
    metrics.addMetric(result.status === 'failed' ? 'VerificationFailed' : 'VerificationPassed', metrics_1.MetricUnit.Count, 1);
};
exports.verificationMetrics = verificationMetrics;
exports.handler = (0, step_handler_1.stepHandler)('RunVerificationFunctionArn', {
    report: exports.verificationMetrics,
});
//# sourceMappingURL=run-verification.js.map