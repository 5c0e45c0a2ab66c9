"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runCancel = runCancel;
const errors_1 = require("../../functions/core/errors");
const cancel_1 = require("../../functions/core/services/workflows/cancel");
const output_1 = require("./output");
const with_system_1 = require("./with-system");
/** `lifeboat cancel ID`: a backup or a recovery job that has not finished stops within seconds. */
function runCancel(id, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx }) => {
        if (await ctx.catalog.getBackup(id)) {
            const backup = await (0, cancel_1.cancelBackup)(ctx, id);
            if (options.json)
                (0, output_1.printJson)(backup);
            else
                (0, output_1.say)(`Backup ${id} cancelled; it stops within seconds and writes no snapshot.`);
            return;
        }
        if (await ctx.catalog.getRecoveryJob(id)) {
            const job = await (0, cancel_1.cancelRecoveryJob)(ctx, id);
            if (options.json)
                (0, output_1.printJson)(job);
            else
                (0, output_1.say)(`Recovery job ${id} cancelled; the restore stops within seconds.`);
            return;
        }
        throw new errors_1.RecordNotFoundError('backup or recovery job', id, 'List them with `lifeboat backups` or the API.');
    });
}
//# sourceMappingURL=cancel.js.map