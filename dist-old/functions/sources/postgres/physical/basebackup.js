"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.pgBasebackupArgs = pgBasebackupArgs;
exports.basebackupPostgres = basebackupPostgres;
const tool_1 = require("../../database/tool");
const client_1 = require("../client");
const tools_1 = require("../tools");
const backup_label_1 = require("./backup-label");
function pgBasebackupArgs() {
    return [
        // The whole cluster as one tar on stdout; WAL comes from the archive (lifeboat wal-push),
        // and pg_basebackup waits until the backup's last WAL file has been archived.
        '--pgdata=-',
        '--format=tar',
        '--wal-method=none',
        '--checkpoint=fast',
        '--label=lifeboat',
        '--no-password',
    ];
}
/**
 * A physical base backup: pg_basebackup's tar streamed into the repository, its backup_label
 * read on the way for the WAL position where recovery starts. Restorable only together with
 * the target's WAL archive.
 */
async function basebackupPostgres(config, target, credential) {
    const version = await (0, tools_1.pgToolVersion)('pg_basebackup');
    const serverVersion = await (0, client_1.withPostgres)(config, config.database, credential, async (client) => {
        const result = await client.query(`SELECT current_setting('server_version') AS v`);
        return result.rows[0].v;
    });
    const startedAt = new Date().toISOString();
    const tool = new tool_1.ToolProcess((0, tools_1.pgToolSpec)('pg_basebackup', pgBasebackupArgs(), config, config.database, credential), {
        stdin: false,
        stdout: true,
    });
    const label = new backup_label_1.BackupLabelScanner();
    let endedAt;
    async function* stream() {
        for await (const data of tool.stdout()) {
            label.push(data);
            yield data;
        }
        endedAt = new Date().toISOString();
    }
    return {
        stream: stream(),
        close: async () => tool.stop(),
        info: async () => {
            if (label.label === undefined || !endedAt)
                throw new Error('pg_basebackup wrote no backup_label');
            return {
                kind: 'postgres-base',
                format: 'pg_basebackup-tar',
                target,
                server: { host: config.host, port: config.port, user: config.user },
                server_version: serverVersion,
                tool: { name: 'pg_basebackup', version },
                ...(0, backup_label_1.parseBackupLabel)(label.label),
                started_at: startedAt,
                ended_at: endedAt,
            };
        },
    };
}
//# sourceMappingURL=basebackup.js.map