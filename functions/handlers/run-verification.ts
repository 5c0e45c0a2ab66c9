// Lambda entry of the workflow step RunVerification (state machines: ${RunVerificationFunctionArn}).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { stepHandler, type ResultMetrics } from './step-handler';

/** A verification that found damage is a success of the step and the alarm's business. */
export const verificationMetrics: ResultMetrics<{ status: string }> = (result, metrics) => {
  metrics.addMetric(
    result.status === 'failed' ? 'VerificationFailed' : 'VerificationPassed',
    MetricUnit.Count,
    1,
  );
};

export const handler = stepHandler('RunVerificationFunctionArn', {
  report: verificationMetrics as ResultMetrics<unknown>,
});
