"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.watchSteps = watchSteps;
/**
 * The workflow's steps for a CLI run: some replaced by versions that report to the terminal,
 * all of them keeping the first error as thrown (the engine passes on only its text), so the
 * CLI can print its hint and exit with its code once the workflow has recorded the failure.
 */
function watchSteps(steps, onError, replaced = {}) {
    const watched = {};
    for (const [name, step] of Object.entries({ ...steps, ...replaced })) {
        watched[name] = async (ctx, input) => {
            try {
                return await step(ctx, input);
            }
            catch (error) {
                onError(error);
                throw error;
            }
        };
    }
    return watched;
}
//# sourceMappingURL=workflow.js.map