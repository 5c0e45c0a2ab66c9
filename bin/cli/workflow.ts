import type { Step } from '../../functions/core/services/workflows/steps';

/**
 * The workflow's steps for a CLI run: some replaced by versions that report to the terminal,
 * all of them keeping the first error as thrown (the engine passes on only its text), so the
 * CLI can print its hint and exit with its code once the workflow has recorded the failure.
 */
export function watchSteps(
  steps: Readonly<Record<string, Step>>,
  onError: (error: unknown) => void,
  replaced: Readonly<Record<string, Step>> = {},
): Record<string, Step> {
  const watched: Record<string, Step> = {};
  for (const [name, step] of Object.entries({ ...steps, ...replaced })) {
    watched[name] = async (ctx, input) => {
      try {
        return await step(ctx, input);
      } catch (error) {
        onError(error);
        throw error;
      }
    };
  }
  return watched;
}
