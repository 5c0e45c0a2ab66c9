"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.selectRetained = selectRetained;
exports.subtractDuration = subtractDuration;
/**
 * Which snapshots a policy keeps, restic's way: newest first, each keep-N rule keeps the newest
 * snapshot of each of the N most recent buckets (hours, days, ISO weeks, months, years in the
 * schedule's time zone) that have one; keep-last keeps the N newest; keep-within keeps every
 * snapshot younger than the duration. A snapshot goes only when no rule keeps it, and a policy
 * without rules keeps everything.
 */
function selectRetained(candidates, policy, zone, now) {
    const sorted = [...candidates].sort((a, b) => a.time < b.time ? 1 : a.time > b.time ? -1 : a.id < b.id ? 1 : -1);
    const noRules = Object.values(policy).every((v) => v === undefined);
    const decisions = sorted.map((c) => ({
        id: c.id,
        keep: noRules,
        reasons: noRules ? ['no retention rules'] : [],
    }));
    const keep = (i, reason) => {
        decisions[i].keep = true;
        decisions[i].reasons.push(reason);
    };
    if (policy.keep_last)
        for (let i = 0; i < Math.min(policy.keep_last, sorted.length); i++)
            keep(i, 'last');
    const parts = zonedParts(zone);
    const rules = [
        ['hourly', policy.keep_hourly],
        ['daily', policy.keep_daily],
        ['weekly', policy.keep_weekly],
        ['monthly', policy.keep_monthly],
        ['yearly', policy.keep_yearly],
    ];
    for (const [rule, count] of rules) {
        if (!count)
            continue;
        let kept = 0;
        let lastBucket;
        for (let i = 0; i < sorted.length && kept < count; i++) {
            const bucket = bucketOf(rule, parts(new Date(sorted[i].time)));
            if (bucket === lastBucket)
                continue;
            lastBucket = bucket;
            keep(i, `${rule} ${bucket}`);
            kept++;
        }
    }
    if (policy.keep_within) {
        const cutoff = subtractDuration(now, policy.keep_within).getTime();
        sorted.forEach((c, i) => {
            if (new Date(c.time).getTime() >= cutoff)
                keep(i, `within ${policy.keep_within}`);
        });
    }
    return decisions;
}
function zonedParts(zone) {
    const format = new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        hourCycle: 'h23',
    });
    return (date) => {
        const get = (type) => Number(format.formatToParts(date).find((p) => p.type === type)?.value);
        return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') };
    };
}
const pad = (n, width = 2) => String(n).padStart(width, '0');
function bucketOf(rule, p) {
    switch (rule) {
        case 'hourly':
            return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}`;
        case 'daily':
            return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
        case 'weekly': {
            const { year, week } = isoWeek(p.year, p.month, p.day);
            return `${year}-W${pad(week)}`;
        }
        case 'monthly':
            return `${p.year}-${pad(p.month)}`;
        case 'yearly':
            return String(p.year);
    }
}
/** ISO 8601 week of a calendar date (weeks start on Monday; week 1 holds the first Thursday). */
function isoWeek(year, month, day) {
    const date = new Date(Date.UTC(year, month - 1, day));
    const weekday = (date.getUTCDay() + 6) % 7; // Monday = 0
    date.setUTCDate(date.getUTCDate() - weekday + 3); // the Thursday of this week
    const weekYear = date.getUTCFullYear();
    const firstThursday = new Date(Date.UTC(weekYear, 0, 4));
    const firstWeekday = (firstThursday.getUTCDay() + 6) % 7;
    firstThursday.setUTCDate(firstThursday.getUTCDate() - firstWeekday + 3);
    return {
        year: weekYear,
        week: 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * 86400000)),
    };
}
/** `now` minus a duration like "1y6M", "30d", "12h", "90m" (years and months by the calendar, in UTC). */
function subtractDuration(now, duration) {
    const result = new Date(now.getTime());
    for (const [, amount, unit] of duration.matchAll(/(\d+)([yMwdhm])/g)) {
        const n = Number(amount);
        switch (unit) {
            case 'y':
                result.setUTCFullYear(result.getUTCFullYear() - n);
                break;
            case 'M':
                result.setUTCMonth(result.getUTCMonth() - n);
                break;
            case 'w':
                result.setTime(result.getTime() - n * 7 * 86400000);
                break;
            case 'd':
                result.setTime(result.getTime() - n * 86400000);
                break;
            case 'h':
                result.setTime(result.getTime() - n * 3600000);
                break;
            case 'm':
                result.setTime(result.getTime() - n * 60000);
                break;
        }
    }
    return result;
}
//# sourceMappingURL=select.js.map