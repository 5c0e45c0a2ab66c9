"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runSnapshots = runSnapshots;
const home_1 = require("../../functions/local/home");
const snapshot_1 = require("../../functions/repository/snapshot");
const output_1 = require("./output");
async function runSnapshots(options) {
    const repository = await (0, home_1.openRepository)((0, home_1.resolveSettings)(options));
    const all = (await repository.listSnapshots()).filter((s) => options.name === undefined || s.name === options.name);
    const rows = all.map(snapshot_1.summarize);
    if (options.json) {
        (0, output_1.printJson)(rows);
        return;
    }
    if (rows.length === 0) {
        (0, output_1.say)(options.name ? `No backups of "${options.name}".` : 'No backups yet.');
        return;
    }
    const table = [
        ['ID', 'NAME', 'TYPE', 'COMPLETED', 'SIZE', 'STORED', 'PARENT'],
        ...rows.map((r) => [
            r.id,
            r.name,
            r.backup_type,
            r.completed_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
            (0, output_1.formatBytes)(r.original_size_bytes),
            (0, output_1.formatBytes)(r.final_size_bytes),
            r.parent_backup_id ?? '-',
        ]),
    ];
    process.stdout.write(`${(0, output_1.formatTable)(table)}\n`);
}
//# sourceMappingURL=snapshots.js.map