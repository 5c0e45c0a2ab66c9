import { z } from 'zod';

/** What a state machine's Catch puts at `$.error`: the error name and its cause. */
export const CaughtErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });
export type CaughtError = z.infer<typeof CaughtErrorSchema>;

/** The state a failure path receives: the workflow's input plus what the steps added. */
export const StepFailureSchema = z
  .object({
    target: z.string().optional(),
    prepared: z
      .object({ backup_id: z.string().optional(), compute: z.enum(['lambda', 'fargate']).optional() })
      .partial()
      .optional(),
    validated: z.object({ recovery_job_id: z.string().optional() }).partial().optional(),
    plan: z
      .object({ compute: z.enum(['lambda', 'fargate']).optional() })
      .partial()
      .optional(),
    started: z.object({ verification_id: z.string().optional() }).partial().optional(),
    error: CaughtErrorSchema.optional(),
  })
  .loose();

/**
 * The message for the catalog and the alert. Lambda (and the local engine, which mimics it)
 * puts a JSON object with errorType and errorMessage in Cause; Step Functions' own errors
 * (States.Timeout, ...) carry plain text.
 */
export function describeStepError(error: CaughtError | undefined): string {
  if (!error) return 'The workflow failed without an error description.';
  if (error.Cause) {
    try {
      const cause = JSON.parse(error.Cause) as { errorMessage?: unknown };
      if (typeof cause.errorMessage === 'string' && cause.errorMessage) return cause.errorMessage;
    } catch {
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
export function stepTimedOut(error: CaughtError | undefined): boolean {
  if (!error) return false;
  if (error.Error === 'States.Timeout' || error.Error === 'Sandbox.Timedout') return true;
  return /"errorType"\s*:\s*"Sandbox\.Timedout"|Task timed out after/.test(error.Cause ?? '');
}

/**
 * A failure's message for the catalog and the alert, and whether it was Lambda's time running
 * out; then the message says that `nextRun` ("the next backup of web") runs on Fargate, which
 * Prepare and Plan see to (backup-steps.ts, restore-steps.ts).
 */
export function describeFailure(
  error: CaughtError | undefined,
  compute: 'lambda' | 'fargate' | undefined,
  nextRun: string,
): { message: string; lambdaTimedOut: boolean } {
  const message = describeStepError(error);
  if (compute !== 'lambda' || !stepTimedOut(error)) return { message, lambdaTimedOut: false };
  return {
    message: `${message.replace(/\.?$/, '.')} It ran on Lambda, which stops a step at 15 minutes; ${nextRun} runs on Fargate.`,
    lambdaTimedOut: true,
  };
}
