import type { AuditEntry } from '../../model/audit';
import type { Backup } from '../../model/backup';
import type { BackupStatus, RecoveryStatus } from '../../model/enums';
import type { RecoveryJob } from '../../model/recovery-job';
import type { BackupSchedule } from '../../model/schedule';
import type { Target } from '../../model/target';
import type { BackupVerification } from '../../model/verification';
import type { IndexKeys, RecordKey } from '../../ports/record-store';

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

const byTime = (time: string, id: string): string => `${time}#${id}`;
const own = (pk: string): RecordKey => ({ pk, sk: SELF });

export const keys = {
  TARGETS: 'TARGETS',
  SCHEDULES: 'SCHEDULES',
  BACKUPS: 'BACKUPS',
  RECOVERIES: 'RECOVERIES',
  VERIFICATIONS: 'VERIFICATIONS',
  AUDIT: 'AUDIT',

  target: (name: string) => own(`TARGET#${name}`),
  targetIndexes: (t: Target): IndexKeys => ({ gsi1: { pk: keys.TARGETS, sk: t.name } }),

  schedule: (id: string) => own(`SCHEDULE#${id}`),
  /** The guard record that makes schedule names unique: { schedule_id }. */
  scheduleName: (name: string) => own(`SCHEDULE_NAME#${name}`),
  scheduleIndexes: (s: BackupSchedule): IndexKeys => ({ gsi1: { pk: keys.SCHEDULES, sk: s.name } }),

  backup: (id: string) => own(`BACKUP#${id}`),
  backupsOfTarget: (target: string) => `TARGET#${target}#BACKUPS`,
  backupsOfSchedule: (scheduleId: string) => `SCHEDULE#${scheduleId}#BACKUPS`,
  backupsWithStatus: (status: BackupStatus) => `BACKUPS#${status}`,
  completedOfTarget: (target: string) => `TARGET#${target}#COMPLETED`,
  fullOfTarget: (target: string) => `TARGET#${target}#FULL`,
  backupIndexes: (b: Backup): IndexKeys => {
    const sk = byTime(b.created_at, b.id);
    const indexes: IndexKeys = {
      gsi1: { pk: keys.backupsOfTarget(b.target_identifier), sk },
      gsi3: { pk: keys.backupsWithStatus(b.status), sk },
      gsi4: { pk: keys.BACKUPS, sk },
    };
    if (b.schedule_id) indexes.gsi2 = { pk: keys.backupsOfSchedule(b.schedule_id), sk };
    if (b.status === 'completed') {
      const done = byTime(b.completed_at ?? b.created_at, b.id);
      indexes.gsi5 = { pk: keys.completedOfTarget(b.target_identifier), sk: done };
      if (b.backup_type === 'full') indexes.gsi6 = { pk: keys.fullOfTarget(b.target_identifier), sk: done };
    }
    return indexes;
  },

  recoveryJob: (id: string) => own(`RECOVERY#${id}`),
  recoveriesOfBackup: (backupId: string) => `BACKUP#${backupId}#RECOVERIES`,
  recoveriesWithStatus: (status: RecoveryStatus) => `RECOVERIES#${status}`,
  recoveryJobIndexes: (j: RecoveryJob): IndexKeys => {
    const sk = byTime(j.created_at, j.id);
    return {
      gsi1: { pk: keys.recoveriesOfBackup(j.backup_id), sk },
      gsi3: { pk: keys.recoveriesWithStatus(j.status), sk },
      gsi4: { pk: keys.RECOVERIES, sk },
    };
  },

  verification: (id: string) => own(`VERIFICATION#${id}`),
  verificationsOfBackup: (backupId: string) => `BACKUP#${backupId}#VERIFICATIONS`,
  verificationIndexes: (v: BackupVerification): IndexKeys => {
    const sk = byTime(v.created_at, v.id);
    return {
      gsi1: { pk: keys.verificationsOfBackup(v.backup_id), sk },
      gsi3: { pk: `VERIFICATIONS#${v.status}`, sk },
      gsi4: { pk: keys.VERIFICATIONS, sk },
    };
  },

  execution: (machine: string, name: string) => own(`EXECUTION#${machine}#${name}`),
  idempotency: (key: string) => own(`IDEMPOTENCY#${key}`),
  fence: own('REPOSITORY#FENCE'),

  audit: (id: string) => own(`AUDIT#${id}`),
  auditOfUser: (userId: string) => `AUDIT_USER#${userId}`,
  auditIndexes: (a: AuditEntry): IndexKeys => {
    const sk = byTime(a.timestamp, a.id);
    const indexes: IndexKeys = { gsi4: { pk: keys.AUDIT, sk } };
    if (a.user_id) indexes.gsi2 = { pk: keys.auditOfUser(a.user_id), sk };
    return indexes;
  },
};
