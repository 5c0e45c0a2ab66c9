"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runCost = runCost;
const node_fs_1 = require("node:fs");
const errors_1 = require("../../functions/core/errors");
const cost_1 = require("../../functions/core/services/cost");
const output_1 = require("./output");
const with_system_1 = require("./with-system");
function readPrices(file) {
    let raw;
    try {
        raw = JSON.parse((0, node_fs_1.readFileSync)(file, 'utf8'));
    }
    catch (error) {
        throw new errors_1.InputError(`Cannot read the price file ${file}: ${error.message}.`);
    }
    const parsed = cost_1.PriceTableSchema.safeParse(raw);
    if (!parsed.success)
        throw new errors_1.InputError(`The price file ${file} is not a price table: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}.`, 'See docs/OPERATIONS.md ("What it costs") for the format.');
    return parsed.data;
}
/** `lifeboat cost`: a monthly estimate of the repository's storage and request charges. */
async function runCost(options) {
    const prices = options.prices ? readPrices(options.prices) : undefined;
    await (0, with_system_1.withSystem)(options, async (system) => {
        const repo = await system.ctx.repository();
        const estimate = await (0, cost_1.estimateCost)(system.ctx, repo.store, { days: options.days, prices });
        if (options.json)
            return (0, output_1.printJson)(estimate);
        const money = (n) => `${n.toFixed(2)} ${estimate.currency}`;
        process.stdout.write(`${(0, output_1.formatTable)([
            ['STORED IN', 'OBJECTS', 'BYTES', 'PER MONTH'],
            ...estimate.storage.map((s) => [
                s.class,
                String(s.objects),
                (0, output_1.formatBytes)(s.bytes),
                money(s.monthly),
            ]),
        ])}\n`);
        const counts = Object.entries(estimate.requests)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${n} ${k.toUpperCase()}`)
            .join(', ');
        (0, output_1.say)(`Requests by ${(0, output_1.count)(estimate.backups_in_window, 'backup')} in the last ${estimate.window_days} days: ${counts || 'none recorded'}` +
            ` → ${money(estimate.requests_monthly)} a month at that rate.` +
            (estimate.backups_without_counts
                ? ` (${estimate.backups_without_counts} backups recorded no counts.)`
                : ''));
        (0, output_1.say)(`Estimated total: ${money(estimate.total_monthly)} a month (${estimate.prices_as_of}; restores, retrieval and transfer not included).`);
    }, { requireRepository: true });
}
//# sourceMappingURL=cost.js.map