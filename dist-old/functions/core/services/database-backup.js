"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.backupDatabase = backupDatabase;
const credentials_1 = require("../../sources/database/credentials");
const strategies_1 = require("../../sources/database/strategies");
const backup_stream_1 = require("./backup-stream");
/**
 * A database target's dump streamed into the repository as one snapshot named `request.name`
 * (the target's name), its source description in the manifest; the dump is always released.
 */
async function backupDatabase(ctx, repo, config, request) {
    const credential = await (0, credentials_1.resolveCredential)(config.password, ctx.secrets);
    const dump = await (0, strategies_1.databaseStrategy)(config.kind).dump(config, credential, request.name);
    try {
        return await (0, backup_stream_1.backupStream)(repo, dump.stream, {
            ...request,
            targetType: 'database',
            describeSource: async () => ({ ...(await dump.info()) }),
        });
    }
    finally {
        await dump.close();
    }
}
//# sourceMappingURL=database-backup.js.map