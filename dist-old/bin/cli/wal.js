"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runWalPush = runWalPush;
exports.runWalFetch = runWalFetch;
const node_path_1 = require("node:path");
const wal_archive_1 = require("../../functions/core/services/wal-archive");
const backup_steps_1 = require("../../functions/core/services/workflows/backup-steps");
const ids_1 = require("../../functions/repository/ids");
const output_1 = require("./output");
const with_system_1 = require("./with-system");
/**
 * PostgreSQL's archive_command: `lifeboat wal-push %p --target NAME`. Exit 0 only once the file
 * is in the repository (or was already, unchanged): PostgreSQL keeps the file and retries
 * otherwise.
 */
function runWalPush(file, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx }) => {
        const repo = await ctx.repository();
        const id = (0, ids_1.newUlid)(Date.now());
        const result = await (0, backup_steps_1.asRepositoryWriter)(ctx, id, () => (0, wal_archive_1.walPush)(repo, options.target, (0, node_path_1.resolve)(file), id));
        if (options.json)
            process.stdout.write(`${JSON.stringify(result)}\n`);
        else
            (0, output_1.say)(`${result.file} ${result.stored ? 'archived' : 'was already archived'}.`);
    });
}
/**
 * PostgreSQL's restore_command: `lifeboat wal-fetch %f %p --target NAME`. Exit 1 when the
 * archive does not hold the file, which is how recovery learns it has reached the end.
 */
function runWalFetch(name, dest, options) {
    return (0, with_system_1.withSystem)(options, async ({ ctx }) => {
        const found = await (0, wal_archive_1.walFetch)(await ctx.repository(), options.target, name, (0, node_path_1.resolve)(dest));
        if (!found) {
            (0, output_1.say)(`${name} is not in the archive of "${options.target}".`);
            process.exitCode = 1;
        }
    }, { requireRepository: true });
}
//# sourceMappingURL=wal.js.map