"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runReplicate = runReplicate;
const replication_1 = require("../../functions/core/services/replication");
const output_1 = require("./output");
const progress_1 = require("./progress");
const with_system_1 = require("./with-system");
const home_1 = require("../../functions/local/home");
/** `lifeboat replicate ID --to URL`: copies a backup to another store and records the copy. */
async function runReplicate(reference, options) {
    const readFrom = options.from ? (0, home_1.resolveSettings)({ ...options, repo: options.from }) : undefined;
    await (0, with_system_1.withSystem)(options, async (system) => {
        const repo = await system.ctx.repository();
        const { id } = await repo.resolveSnapshot(reference);
        const started = Date.now();
        let progress;
        const { report, replica } = await (0, replication_1.replicateBackup)(system.ctx, { backup_id: id, destination: options.to }, (done, total) => (progress ??= new progress_1.ByteProgress('Copying', total)).update(done));
        progress?.stop();
        if (options.json) {
            (0, output_1.printJson)({ ...report, location: replica.location, backend: replica.backend });
            return;
        }
        (0, output_1.say)(`Replicated ${id} to ${replica.location}${report.created ? ' (a new copy of the repository)' : ''}: ` +
            `${(0, output_1.count)(report.packs_copied, 'pack')} copied (${(0, output_1.formatBytes)(report.bytes_copied)}), ` +
            `${report.packs_present} already there; read back and verified; ` +
            `${((Date.now() - started) / 1000).toFixed(1)} s.`);
    }, { requireRepository: true, readFrom });
}
//# sourceMappingURL=replicate.js.map