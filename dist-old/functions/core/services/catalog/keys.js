"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.keys = void 0;
/**
 * The catalog's single-table layout (docs/ARCHITECTURE.md, "Catalog"): every record under its
 * own partition key, and six overloaded secondary indexes, one per kind of question:
 *
 * | index | question                          | pk                                   | sk                |
 * |-------|-----------------------------------|--------------------------------------|-------------------|
 * | gsi1  | children of a parent, by time     | TARGETS, SCHEDULES (sk = name); TARGET#t#BACKUPS; BACKUP#b#RECOVERIES; BACKUP#b#VERIFICATIONS | created_at#id |
 * | gsi2  | by schedule / by user             | SCHEDULE#s#BACKUPS; AUDIT_USER#u     | time#id           |
 * | gsi3  | by status                         | BACKUPS#status; RECOVERIES#status; VERIFICATIONS#status | created_at#id |
 * | gsi4  | everything of a kind, by time     | BACKUPS; RECOVERIES; VERIFICATIONS; AUDIT | time#id      |
 * | gsi5  | completed backups of a target     | TARGET#t#COMPLETED (sparse)          | completed_at#id   |
 * | gsi6  | completed full backups of a target| TARGET#t#FULL (sparse)               | completed_at#id   |
 *
 * Sort keys start with an ISO timestamp, so a time range is a key range and ids break ties.
 */
const SELF = '#';
const byTime = (time, id) => `${time}#${id}`;
const own = (pk) => ({ pk, sk: SELF });
exports.keys = {
    TARGETS: 'TARGETS',
    SCHEDULES: 'SCHEDULES',
    BACKUPS: 'BACKUPS',
    RECOVERIES: 'RECOVERIES',
    VERIFICATIONS: 'VERIFICATIONS',
    AUDIT: 'AUDIT',
    target: (name) => own(`TARGET#${name}`),
    targetIndexes: (t) => ({ gsi1: { pk: exports.keys.TARGETS, sk: t.name } }),
    schedule: (id) => own(`SCHEDULE#${id}`),
    /** The guard record that makes schedule names unique: { schedule_id }. */
    scheduleName: (name) => own(`SCHEDULE_NAME#${name}`),
    scheduleIndexes: (s) => ({ gsi1: { pk: exports.keys.SCHEDULES, sk: s.name } }),
    backup: (id) => own(`BACKUP#${id}`),
    backupsOfTarget: (target) => `TARGET#${target}#BACKUPS`,
    backupsOfSchedule: (scheduleId) => `SCHEDULE#${scheduleId}#BACKUPS`,
    backupsWithStatus: (status) => `BACKUPS#${status}`,
    completedOfTarget: (target) => `TARGET#${target}#COMPLETED`,
    fullOfTarget: (target) => `TARGET#${target}#FULL`,
    backupIndexes: (b) => {
        const sk = byTime(b.created_at, b.id);
        const indexes = {
            gsi1: { pk: exports.keys.backupsOfTarget(b.target_identifier), sk },
            gsi3: { pk: exports.keys.backupsWithStatus(b.status), sk },
            gsi4: { pk: exports.keys.BACKUPS, sk },
        };
        if (b.schedule_id)
            indexes.gsi2 = { pk: exports.keys.backupsOfSchedule(b.schedule_id), sk };
        if (b.status === 'completed') {
            const done = byTime(b.completed_at ?? b.created_at, b.id);
            indexes.gsi5 = { pk: exports.keys.completedOfTarget(b.target_identifier), sk: done };
            if (b.backup_type === 'full')
                indexes.gsi6 = { pk: exports.keys.fullOfTarget(b.target_identifier), sk: done };
        }
        return indexes;
    },
    recoveryJob: (id) => own(`RECOVERY#${id}`),
    recoveriesOfBackup: (backupId) => `BACKUP#${backupId}#RECOVERIES`,
    recoveriesWithStatus: (status) => `RECOVERIES#${status}`,
    recoveryJobIndexes: (j) => {
        const sk = byTime(j.created_at, j.id);
        return {
            gsi1: { pk: exports.keys.recoveriesOfBackup(j.backup_id), sk },
            gsi3: { pk: exports.keys.recoveriesWithStatus(j.status), sk },
            gsi4: { pk: exports.keys.RECOVERIES, sk },
        };
    },
    verification: (id) => own(`VERIFICATION#${id}`),
    verificationsOfBackup: (backupId) => `BACKUP#${backupId}#VERIFICATIONS`,
    verificationIndexes: (v) => {
        const sk = byTime(v.created_at, v.id);
        return {
            gsi1: { pk: exports.keys.verificationsOfBackup(v.backup_id), sk },
            gsi3: { pk: `VERIFICATIONS#${v.status}`, sk },
            gsi4: { pk: exports.keys.VERIFICATIONS, sk },
        };
    },
    execution: (machine, name) => own(`EXECUTION#${machine}#${name}`),
    idempotency: (key) => own(`IDEMPOTENCY#${key}`),
    fence: own('REPOSITORY#FENCE'),
    audit: (id) => own(`AUDIT#${id}`),
    auditOfUser: (userId) => `AUDIT_USER#${userId}`,
    auditIndexes: (a) => {
        const sk = byTime(a.timestamp, a.id);
        const indexes = { gsi4: { pk: exports.keys.AUDIT, sk } };
        if (a.user_id)
            indexes.gsi2 = { pk: exports.keys.auditOfUser(a.user_id), sk };
        return indexes;
    },
};
//# sourceMappingURL=keys.js.map