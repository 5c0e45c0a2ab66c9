import { isTransient, LifeboatError } from '../../errors';

/**
 * A step's error as the Lambda runtime reports it to Step Functions: the error name is what a
 * Retry or Catch matches (every transient failure is `TransientError`, the name the state
 * machines retry), and the message carries the operator's message and next step.
 */
export function asStepError(error: unknown): { name: string; message: string } {
  const name = isTransient(error)
    ? 'TransientError'
    : error instanceof Error
      ? error.name || 'Error'
      : 'Error';
  const message =
    error instanceof LifeboatError
      ? `${error.message} ${error.hint}`
      : error instanceof Error
        ? error.message
        : String(error);
  return { name, message };
}

/** Step Functions' Cause for a Lambda function error: the runtime's JSON. */
export function lambdaCause(error: unknown): { name: string; cause: string } {
  const { name, message } = asStepError(error);
  return { name, cause: JSON.stringify({ errorType: name, errorMessage: message, trace: [] }) };
}
