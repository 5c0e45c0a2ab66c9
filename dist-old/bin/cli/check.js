"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runCheck = runCheck;
const errors_1 = require("../../functions/core/errors");
const home_1 = require("../../functions/local/home");
const check_1 = require("../../functions/repository/check");
const output_1 = require("./output");
async function runCheck(options) {
    const repository = await (0, home_1.openRepository)((0, home_1.resolveSettings)(options));
    const report = await (0, check_1.checkRepository)(repository, { readData: options.readData });
    if (options.json) {
        (0, output_1.printJson)(report);
    }
    else {
        for (const p of report.problems) {
            (0, output_1.say)(`${p.severity}: ${p.object}${p.offset === undefined ? '' : ` at offset ${p.offset}`}: ${p.problem}`);
        }
        const errors = report.problems.filter((p) => p.severity === 'error').length;
        (0, output_1.say)(`${report.ok ? 'No errors' : `${errors} error${errors === 1 ? '' : 's'}`}: ${report.snapshots} snapshots, ${report.indexes} indexes, ` +
            `${report.packs} packs, ${report.chunks} chunk references checked` +
            (options.readData
                ? `, ${(0, output_1.formatBytes)(report.bytes_read)} read and verified.`
                : ' (add --read-data to verify every chunk).'));
    }
    if (!report.ok)
        process.exitCode = errors_1.ExitCode.integrity;
}
//# sourceMappingURL=check.js.map