"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.sharedContext = sharedContext;
exports.instrumentedHandler = instrumentedHandler;
exports.stepHandler = stepHandler;
const logger_1 = require("@aws-lambda-powertools/logger");
const middleware_1 = require("@aws-lambda-powertools/logger/middleware");
const metrics_1 = require("@aws-lambda-powertools/metrics");
const middleware_2 = require("@aws-lambda-powertools/metrics/middleware");
const step_errors_1 = require("../core/services/workflows/step-errors");
const steps_1 = require("../core/services/workflows/steps");
const young_generation_1 = require("../core/young-generation");
const aws_context_1 = require("./aws-context");
// middy is ESM-only; Node 22 loads it with require (and jest through its module mapper).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const middy = require('@middy/core').default;
// Once per container, before any invocation's work grows the heap (see young-generation.ts).
(0, young_generation_1.capYoungGeneration)();
let shared;
/** The composition root of this container, built on first use and reused by every invocation. */
function sharedContext() {
    return (shared ??= (0, aws_context_1.awsContext)());
}
/**
 * A Lambda handler of Lifeboat's: middy with Powertools' logger (structured JSON, the Lambda
 * context on every line) and metrics (a count and a duration per invocation, in EMF, plus what
 * `report` derives from the result). Errors leave with the name a state machine's Retry matches
 * (TransientError) and the operator's message. No secret reaches a log line: events hold ids and
 * names only.
 */
function instrumentedHandler(name, run, report) {
    const logger = new logger_1.Logger({ serviceName: 'lifeboat' });
    const metrics = new metrics_1.Metrics({
        namespace: 'Lifeboat',
        serviceName: 'lifeboat',
        defaultDimensions: { step: name },
    });
    return middy(async (event) => {
        const started = Date.now();
        try {
            const result = await run(event);
            metrics.addMetric('StepSucceeded', metrics_1.MetricUnit.Count, 1);
            report?.(result, metrics);
            return result;
        }
        catch (error) {
            const shaped = (0, step_errors_1.asStepError)(error);
            logger.error('step failed', { step: name, errorType: shaped.name, errorMessage: shaped.message });
            metrics.addMetric('StepFailed', metrics_1.MetricUnit.Count, 1);
            throw Object.assign(new Error(shaped.message), { name: shaped.name });
        }
        finally {
            metrics.addMetric('StepDuration', metrics_1.MetricUnit.Milliseconds, Date.now() - started);
        }
    })
        .use((0, middleware_1.injectLambdaContext)(logger))
        .use((0, middleware_2.logMetrics)(metrics));
}
/**
 * The Lambda handler of one workflow step, around the step function the local engine and the
 * Fargate worker call too. The step parses its input with zod.
 */
function stepHandler(placeholder, options = {}) {
    const step = steps_1.STEPS[placeholder];
    if (!step)
        throw new Error(`no step ${placeholder}`);
    const context = options.context ?? sharedContext;
    return instrumentedHandler(placeholder.replace(/FunctionArn$/, ''), (event) => step(context(), event), options.report);
}
//# sourceMappingURL=step-handler.js.map