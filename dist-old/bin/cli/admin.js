"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseWhen = parseWhen;
exports.runAudit = runAudit;
exports.runCatalogRebuild = runCatalogRebuild;
const errors_1 = require("../../functions/core/errors");
const rebuild_1 = require("../../functions/core/services/catalog/rebuild");
const output_1 = require("./output");
const with_system_1 = require("./with-system");
/** "2026-11-26", "2026-11-26T10:00Z" or a duration back from now ("24h", "7d"). */
function parseWhen(value, now = new Date()) {
    const duration = /^(\d+)([mhdw])$/.exec(value);
    if (duration) {
        const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[duration[2]];
        return new Date(now.getTime() - Number(duration[1]) * unit).toISOString();
    }
    const time = Date.parse(value);
    if (Number.isNaN(time))
        throw new errors_1.InputError(`"${value}" is not a time.`, 'Give a date (2026-11-26), a time (2026-11-26T10:00Z) or a duration back from now (24h, 7d).');
    return new Date(time).toISOString();
}
/** Every recorded action, newest first: who, what, when. */
async function runAudit(options) {
    const range = {
        limit: options.limit,
        ...(options.since ? { since: parseWhen(options.since) } : {}),
        ...(options.until ? { until: parseWhen(options.until) } : {}),
    };
    await (0, with_system_1.withSystem)(options, async (system) => {
        const page = options.user
            ? await system.catalog.listAuditByUser(options.user, range)
            : await system.catalog.listAudit(range);
        if (options.json)
            return (0, output_1.printJson)(page);
        if (page.items.length === 0)
            return (0, output_1.say)('Nothing recorded in that time.');
        const rows = [
            ['TIME', 'USER', 'ACTION', 'ENTITY', 'DETAILS'],
            ...page.items.map((a) => [
                a.timestamp.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
                a.user_id ?? '-',
                a.action,
                `${a.entity_type}${a.entity_id ? ` ${a.entity_id}` : ''}`,
                a.details ? JSON.stringify(a.details).slice(0, 80) : '',
            ]),
        ];
        process.stdout.write(`${(0, output_1.formatTable)(rows)}\n`);
        if (page.next)
            (0, output_1.say)('More entries: narrow with --since/--until or raise --limit.');
    });
}
/** Regenerates the catalog's backups (and missing targets) from the repository alone. */
async function runCatalogRebuild(options) {
    await (0, with_system_1.withSystem)(options, async (system) => {
        const result = await (0, rebuild_1.rebuildCatalog)(system.ctx);
        if (options.json)
            return (0, output_1.printJson)(result);
        (0, output_1.say)(`Catalog rebuilt from ${result.snapshots} snapshot(s): ${result.backups_added} backup(s) added, ` +
            `${result.backups_updated} corrected, ${result.targets_added} target(s) added. Schedules are not in the repository; add them again if the catalog was lost.`);
    }, { requireRepository: true });
}
//# sourceMappingURL=admin.js.map