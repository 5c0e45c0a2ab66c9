"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseRetentionPolicy = parseRetentionPolicy;
exports.formatRetentionPolicy = formatRetentionPolicy;
exports.isEmptyPolicy = isEmptyPolicy;
const errors_1 = require("../../errors");
const schedule_1 = require("../../model/schedule");
const RULES = [
    'keep-last',
    'keep-hourly',
    'keep-daily',
    'keep-weekly',
    'keep-monthly',
    'keep-yearly',
    'keep-within',
];
const HINT = `Write rules as comma-separated NAME=VALUE pairs from ${RULES.join(', ')}, e.g. "keep-daily=7,keep-weekly=4,keep-within=30d".`;
/** Parses the CLI form "keep-daily=7,keep-weekly=4,keep-within=30d" into the catalog's retention_policy. */
function parseRetentionPolicy(text) {
    const policy = {};
    for (const part of text.split(',').map((p) => p.trim())) {
        if (!part)
            continue;
        const match = /^([a-z-]+)=(.+)$/.exec(part);
        if (!match || !RULES.includes(match[1]))
            throw new errors_1.InputError(`"${part}" is not a retention rule.`, HINT);
        const [, name, value] = match;
        const field = name.replace(/-/g, '_');
        if (field in policy)
            throw new errors_1.InputError(`The retention rule ${name} is given twice.`, HINT);
        if (field === 'keep_within') {
            policy[field] = value;
        }
        else {
            if (!/^[1-9]\d*$/.test(value))
                throw new errors_1.InputError(`${name} takes a positive whole number; got "${value}".`, HINT);
            policy[field] = Number(value);
        }
    }
    const parsed = schedule_1.RetentionPolicySchema.safeParse(policy);
    if (!parsed.success)
        throw new errors_1.InputError(`The retention policy "${text}" is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, HINT);
    return parsed.data;
}
/** The CLI form of a policy, for listings. */
function formatRetentionPolicy(policy) {
    const parts = Object.entries(policy)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k.replace(/_/g, '-')}=${String(v)}`);
    return parts.length ? parts.join(',') : 'keep everything';
}
function isEmptyPolicy(policy) {
    return Object.values(policy).every((v) => v === undefined);
}
//# sourceMappingURL=policy.js.map