import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type middyCore from '@middy/core' with { 'resolution-mode': 'import' };
import type { ServiceContext } from '../core/services/context';
import { asStepError } from '../core/services/workflows/step-errors';
import { STEPS } from '../core/services/workflows/steps';
import { awsContext } from './aws-context';

// middy is ESM-only; Node 22 loads it with require (and jest through its module mapper).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const middy = (require('@middy/core') as { default: typeof middyCore }).default;

let shared: ServiceContext | undefined;

/**
 * A Lambda handler for one workflow step: middy with Powertools' logger (structured JSON, the
 * Lambda context on every line) and metrics (a count and a duration per step, in EMF), around the
 * step function the local engine and the Fargate worker call too. The step parses its input
 * with zod; errors leave with the name a state machine's Retry matches (TransientError) and the
 * operator's message. No secret reaches a log line: events hold ids and names only.
 */
export function stepHandler(
  placeholder: string,
  context: () => ServiceContext = () => (shared ??= awsContext()),
) {
  const step = STEPS[placeholder];
  if (!step) throw new Error(`no step ${placeholder}`);
  const name = placeholder.replace(/FunctionArn$/, '');
  const logger = new Logger({ serviceName: 'lifeboat' });
  const metrics = new Metrics({
    namespace: 'Lifeboat',
    serviceName: 'lifeboat',
    defaultDimensions: { step: name },
  });
  return middy(async (event: unknown) => {
    const started = Date.now();
    try {
      const result = await step(context(), event);
      metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
      return result;
    } catch (error) {
      const shaped = asStepError(error);
      logger.error('step failed', { step: name, errorType: shaped.name, errorMessage: shaped.message });
      metrics.addMetric('StepFailed', MetricUnit.Count, 1);
      throw Object.assign(new Error(shaped.message), { name: shaped.name });
    } finally {
      metrics.addMetric('StepDuration', MetricUnit.Milliseconds, Date.now() - started);
    }
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
