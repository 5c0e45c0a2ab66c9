import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type middyCore from '@middy/core' with { 'resolution-mode': 'import' };
import type { ServiceContext } from '../core/services/context';
import { asStepError } from '../core/services/workflows/step-errors';
import { STEPS } from '../core/services/workflows/steps';
import { capYoungGeneration } from '../core/young-generation';
import { awsContext } from './aws-context';

// middy is ESM-only; Node 22 loads it with require (and jest through its module mapper).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const middy = (require('@middy/core') as { default: typeof middyCore }).default;

// Once per container, before any invocation's work grows the heap (see young-generation.ts).
capYoungGeneration();

let shared: ServiceContext | undefined;

/** The composition root of this container, built on first use and reused by every invocation. */
export function sharedContext(): ServiceContext {
  return (shared ??= awsContext());
}

/** Metrics a handler derives from its result (namespace Lifeboat, dimensions service and step). */
export type ResultMetrics<T> = (result: T, metrics: Metrics) => void;

/**
 * A Lambda handler of Lifeboat's: middy with Powertools' logger (structured JSON, the Lambda
 * context on every line) and metrics (a count and a duration per invocation, in EMF, plus what
 * `report` derives from the result). Errors leave with the name a state machine's Retry matches
 * (TransientError) and the operator's message. No secret reaches a log line: events hold ids and
 * names only.
 */
export function instrumentedHandler<T>(
  name: string,
  run: (event: unknown) => Promise<T>,
  report?: ResultMetrics<T>,
) {
  const logger = new Logger({ serviceName: 'lifeboat' });
  const metrics = new Metrics({
    namespace: 'Lifeboat',
    serviceName: 'lifeboat',
    defaultDimensions: { step: name },
  });
  return middy(async (event: unknown) => {
    const started = Date.now();
    try {
      const result = await run(event);
      metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
      report?.(result, metrics);
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

/**
 * The Lambda handler of one workflow step, around the step function the local engine and the
 * Fargate worker call too. The step parses its input with zod.
 */
export function stepHandler(
  placeholder: string,
  options: { context?: () => ServiceContext; report?: ResultMetrics<unknown> } = {},
) {
  const step = STEPS[placeholder];
  if (!step) throw new Error(`no step ${placeholder}`);
  const context = options.context ?? sharedContext;
  return instrumentedHandler(
    placeholder.replace(/FunctionArn$/, ''),
    (event) => step(context(), event),
    options.report,
  );
}
