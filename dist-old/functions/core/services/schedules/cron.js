"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.validateCron = validateCron;
exports.validateTimeZone = validateTimeZone;
exports.scheduledTimes = scheduledTimes;
const cron_parser_1 = require("cron-parser");
const errors_1 = require("../../errors");
const schedule_1 = require("../../model/schedule");
const CRON_HINT = 'Use five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every day or "*/15 * * * 1-5" for every 15 minutes on weekdays.';
/** Throws InputError unless `expression` is a valid 5-field cron expression (the seed's rule, then a real parse). */
function validateCron(expression) {
    const trimmed = expression.trim();
    if (!schedule_1.SEED_CRON_PATTERN.test(trimmed))
        throw new errors_1.InputError(`"${expression}" is not a 5-field cron expression.`, CRON_HINT);
    try {
        cron_parser_1.CronExpressionParser.parse(trimmed, { strict: false });
    }
    catch (error) {
        throw new errors_1.InputError(`"${expression}" is not a valid cron expression: ${error.message}.`, CRON_HINT);
    }
}
/** Throws InputError unless `zone` is an IANA time zone this runtime knows (e.g. Europe/Berlin). */
function validateTimeZone(zone) {
    try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
    }
    catch {
        throw new errors_1.InputError(`"${zone}" is not a known time zone.`, 'Use an IANA name such as UTC, Europe/Berlin or America/New_York.');
    }
}
/** The scheduled times after `after` (exclusive), in order, up to `count` of them or until `until` (inclusive). */
function scheduledTimes(expression, zone, after, options) {
    const interval = cron_parser_1.CronExpressionParser.parse(expression.trim(), {
        tz: zone,
        currentDate: after,
        ...(options.until ? { endDate: options.until } : {}),
    });
    const times = [];
    const max = options.count ?? Number.POSITIVE_INFINITY;
    while (times.length < max && interval.hasNext()) {
        const next = interval.next().toDate();
        if (options.until && next.getTime() > options.until.getTime())
            break;
        times.push(next);
    }
    return times;
}
//# sourceMappingURL=cron.js.map