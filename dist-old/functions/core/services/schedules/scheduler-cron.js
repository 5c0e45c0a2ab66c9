"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.schedulerCron = schedulerCron;
const errors_1 = require("../../errors");
/**
 * A 5-field cron (minute hour day-of-month month day-of-week, Sunday = 0 or 7) in EventBridge
 * Scheduler's 6-field form: a year field, days of week numbered 1–7 from Sunday, and `?` in
 * whichever day field is unrestricted (Scheduler refuses both restricted).
 */
function schedulerCron(cron) {
    const fields = cron.trim().split(/\s+/);
    if (fields.length !== 5)
        throw new errors_1.InputError(`"${cron}" is not a 5-field cron expression.`);
    const [minute, hour, dom, month, dow] = fields;
    if (dom !== '*' && dow !== '*')
        throw new errors_1.InputError(`"${cron}" restricts both the day of month and the day of week; EventBridge Scheduler allows one of them.`, 'Restrict one of the two, or make two schedules.');
    const days = dow === '*'
        ? '?'
        : dow.replace(/\d+/g, (n) => {
            const day = Number(n);
            if (day > 7)
                throw new errors_1.InputError(`"${cron}" has a day of week ${day}; days are 0–7.`);
            return String((day % 7) + 1);
        });
    return `cron(${minute} ${hour} ${dow === '*' ? dom : '?'} ${month} ${days} *)`;
}
//# sourceMappingURL=scheduler-cron.js.map