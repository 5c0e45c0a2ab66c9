"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_PRICES = exports.PriceTableSchema = void 0;
exports.estimateCost = estimateCost;
const zod_1 = require("zod");
const errors_1 = require("../errors");
const pages_1 = require("./catalog/pages");
/**
 * List prices used when the operator gives none: public on-demand prices (USD) of AWS S3 in
 * us-east-1 and Azure Blob (LRS, East US), as published in 2025. They are an estimate's input,
 * not a bill: regions, redundancy, discounts and retrieval fees differ. `--prices FILE` replaces them.
 */
exports.PriceTableSchema = zod_1.z.object({
    currency: zod_1.z.string().min(1),
    as_of: zod_1.z.string().min(1),
    /** Price per GiB-month by storage class / access tier. */
    storage_per_gib_month: zod_1.z.record(zod_1.z.string(), zod_1.z.number().nonnegative()),
    /** Price per 1,000 requests by kind (put, get, list, head, delete). */
    requests_per_1000: zod_1.z.record(zod_1.z.string(), zod_1.z.number().nonnegative()),
    /** The class of objects a listing does not name. */
    default_class: zod_1.z.string().min(1),
});
exports.DEFAULT_PRICES = {
    s3: {
        currency: 'USD',
        as_of: 'AWS S3 list prices, us-east-1, 2025',
        storage_per_gib_month: {
            STANDARD: 0.023,
            INTELLIGENT_TIERING: 0.023,
            STANDARD_IA: 0.0125,
            ONEZONE_IA: 0.01,
            GLACIER_IR: 0.004,
            GLACIER: 0.0036,
            DEEP_ARCHIVE: 0.00099,
            REDUCED_REDUNDANCY: 0.024,
        },
        requests_per_1000: { put: 0.005, list: 0.005, get: 0.0004, head: 0.0004, delete: 0 },
        default_class: 'STANDARD',
    },
    azure: {
        currency: 'USD',
        as_of: 'Azure Blob list prices, LRS, East US, 2025 (Hot tier operations)',
        storage_per_gib_month: { Hot: 0.0184, Cool: 0.01, Cold: 0.0036, Archive: 0.00099 },
        requests_per_1000: { put: 0.0065, list: 0.0065, get: 0.0005, head: 0.0005, delete: 0 },
        default_class: 'Hot',
    },
    local: {
        currency: 'USD',
        as_of: 'a local directory bills nothing per request or per GiB',
        storage_per_gib_month: { local: 0 },
        requests_per_1000: {},
        default_class: 'local',
    },
};
const GIB = 1024 ** 3;
const round = (n) => Math.round(n * 10_000) / 10_000;
/**
 * What the repository costs a month at the given prices: stored bytes by class from a listing
 * of the store, and requests from what the backups started in the last `days` days recorded, scaled
 * to 30 days. The backups' own runs are counted; restores and checks are not (they vary).
 */
async function estimateCost(ctx, store, options = {}) {
    const days = options.days ?? 30;
    if (!Number.isInteger(days) || days < 1 || days > 366)
        throw new errors_1.InputError(`--days ${days} is out of range.`, 'Give a whole number of days from 1 to 366.');
    const prices = options.prices ?? exports.DEFAULT_PRICES[ctx.storage.backend] ?? exports.DEFAULT_PRICES.local;
    const byClass = new Map();
    for await (const info of store.list('')) {
        const cls = info.storageClass ?? prices.default_class;
        const entry = byClass.get(cls) ?? { objects: 0, bytes: 0 };
        entry.objects++;
        entry.bytes += info.size;
        byClass.set(cls, entry);
    }
    const storage = [...byClass.entries()]
        .map(([cls, e]) => ({
        class: cls,
        ...e,
        monthly: round((e.bytes / GIB) * (prices.storage_per_gib_month[cls] ?? 0)),
    }))
        .sort((a, b) => b.bytes - a.bytes);
    const since = new Date(ctx.now().getTime() - days * 86_400_000).toISOString();
    const backups = (await (0, pages_1.allItems)((cursor) => ctx.catalog.listBackups({ since, limit: 1000, cursor }))).filter((b) => b.status === 'completed' && b.storage_location === ctx.storage.location);
    const requests = {};
    let withoutCounts = 0;
    for (const b of backups) {
        const counts = b.metadata?.requests;
        if (!counts || typeof counts !== 'object') {
            withoutCounts++;
            continue;
        }
        for (const [kind, n] of Object.entries(counts))
            if (typeof n === 'number')
                requests[kind] = (requests[kind] ?? 0) + n;
    }
    const scale = 30 / days;
    const requestsMonthly = round(Object.entries(requests).reduce((sum, [kind, n]) => sum + ((n * scale) / 1000) * (prices.requests_per_1000[kind] ?? 0), 0));
    const storageMonthly = round(storage.reduce((sum, s) => sum + s.monthly, 0));
    return {
        backend: ctx.storage.backend,
        location: ctx.storage.location,
        currency: prices.currency,
        prices_as_of: prices.as_of,
        window_days: days,
        backups_in_window: backups.length,
        storage,
        requests,
        requests_monthly: requestsMonthly,
        storage_monthly: storageMonthly,
        total_monthly: round(storageMonthly + requestsMonthly),
        backups_without_counts: withoutCounts,
    };
}
//# sourceMappingURL=cost.js.map