import type { AuditEntry } from '../model/audit';
import type { Backup } from '../model/backup';
import type { BackupStatus, RecoveryStatus, VerificationStatus } from '../model/enums';
import type { RecoveryJob } from '../model/recovery-job';
import type { BackupSchedule } from '../model/schedule';
import type { Target } from '../model/target';
import type { BackupVerification } from '../model/verification';

/** What a request with an Idempotency-Key was answered, and which request that was. */
export interface IdempotentAnswer {
  /** A digest of the method, path and body of the first request. */
  request_digest: string;
  status: number;
  body: Record<string, unknown>;
  created_at: string;
}

/** One page of a listing; pass `next` back as `cursor` for the following page. */
export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  next?: string;
}

export interface PageRequest {
  /** At most this many items (default 50, at most 1000). */
  limit?: number;
  cursor?: string;
  /** Newest first unless false. */
  descending?: boolean;
}

/** Lists by time can be bounded: ISO timestamps, `since` inclusive, `until` exclusive. */
export interface TimeRange {
  since?: string;
  until?: string;
}

/** What an update may change: every field but the identity and the creation time. */
export type BackupPatch = Partial<Omit<Backup, 'id' | 'created_at' | 'target_type' | 'target_identifier'>>;
export type RecoveryJobPatch = Partial<Omit<RecoveryJob, 'id' | 'created_at' | 'backup_id'>>;
export type VerificationPatch = Partial<Omit<BackupVerification, 'id' | 'created_at' | 'backup_id'>>;
export type SchedulePatch = Partial<Omit<BackupSchedule, 'id' | 'created_at' | 'created_by'>>;
export type TargetPatch = Partial<Omit<Target, 'name' | 'created_at'>>;

/**
 * The catalog: what Lifeboat knows about its targets, schedules and jobs. It is an index of the
 * repository (which stays self-contained) plus the jobs' lifecycle.
 *
 * Every write is one conditional write of one record, so that DynamoDB (and dynalite) and SQLite
 * run the same protocol: creates fail with ConflictError when the key exists, and updates that
 * name `from` statuses fail with ConflictError unless the record is in one of them. That is what
 * keeps two workers from finishing the same job twice, or a late progress report from reviving a
 * cancelled backup.
 */
export interface Catalog {
  readonly kind: 'sqlite' | 'dynamodb';

  createTarget(target: Target): Promise<void>;
  getTarget(name: string): Promise<Target | undefined>;
  listTargets(page?: PageRequest): Promise<Page<Target>>;
  updateTarget(name: string, patch: TargetPatch): Promise<Target>;
  deleteTarget(name: string): Promise<void>;

  /** Names are unique: a second schedule with the same name is a ConflictError. */
  createSchedule(schedule: BackupSchedule): Promise<void>;
  getSchedule(id: string): Promise<BackupSchedule | undefined>;
  getScheduleByName(name: string): Promise<BackupSchedule | undefined>;
  listSchedules(page?: PageRequest): Promise<Page<BackupSchedule>>;
  updateSchedule(id: string, patch: SchedulePatch): Promise<BackupSchedule>;
  deleteSchedule(id: string): Promise<void>;

  createBackup(backup: Backup): Promise<void>;
  getBackup(id: string): Promise<Backup | undefined>;
  updateBackup(id: string, patch: BackupPatch, from?: readonly BackupStatus[]): Promise<Backup>;
  deleteBackup(id: string): Promise<void>;
  listBackupsByTarget(
    target: string,
    page?: PageRequest & TimeRange & { status?: BackupStatus },
  ): Promise<Page<Backup>>;
  listBackupsBySchedule(scheduleId: string, page?: PageRequest): Promise<Page<Backup>>;
  listBackupsByStatus(status: BackupStatus, page?: PageRequest): Promise<Page<Backup>>;
  listBackups(page?: PageRequest & TimeRange): Promise<Page<Backup>>;
  /** The parent of an incremental: the newest completed backup of the target. */
  latestCompleted(target: string): Promise<Backup | undefined>;
  /** The parent of a differential: the newest completed full backup of the target. */
  latestFull(target: string): Promise<Backup | undefined>;

  createRecoveryJob(job: RecoveryJob): Promise<void>;
  getRecoveryJob(id: string): Promise<RecoveryJob | undefined>;
  updateRecoveryJob(
    id: string,
    patch: RecoveryJobPatch,
    from?: readonly RecoveryStatus[],
  ): Promise<RecoveryJob>;
  listRecoveryJobsByBackup(backupId: string, page?: PageRequest): Promise<Page<RecoveryJob>>;
  listRecoveryJobs(page?: PageRequest & { status?: RecoveryStatus }): Promise<Page<RecoveryJob>>;

  createVerification(verification: BackupVerification): Promise<void>;
  getVerification(id: string): Promise<BackupVerification | undefined>;
  updateVerification(
    id: string,
    patch: VerificationPatch,
    from?: readonly VerificationStatus[],
  ): Promise<BackupVerification>;
  listVerificationsByBackup(backupId: string, page?: PageRequest): Promise<Page<BackupVerification>>;
  listVerifications(page?: PageRequest): Promise<Page<BackupVerification>>;

  /** Entries are written once and never changed. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** By time (across days), newest first unless asked otherwise. */
  listAudit(page?: PageRequest & TimeRange): Promise<Page<AuditEntry>>;
  listAuditByUser(userId: string, page?: PageRequest & TimeRange): Promise<Page<AuditEntry>>;

  /**
   * Records that a workflow execution of this name started; false when the name was used
   * before. Step Functions refuses a second execution of one name the same way, which is what
   * makes a schedule fire once per scheduled time however often the scheduler retries.
   */
  claimExecution(machine: string, name: string, startedAt: string): Promise<boolean>;

  /**
   * The answer given to the first request with this Idempotency-Key: kept with a digest of that
   * request, so that a repeat gets the same answer and another request under the key is told
   * apart. `remember` keeps the first one written and returns whichever that was.
   */
  recallIdempotent(key: string): Promise<IdempotentAnswer | undefined>;
  rememberIdempotent(key: string, answer: IdempotentAnswer): Promise<IdempotentAnswer>;

  /**
   * The repository's GC fence, one record: backups enter it as writers while they write, and
   * garbage collection runs only with no writer in it, holding new ones off until it ends.
   */
  fence(): Promise<FenceState>;
  /** Throws GcRunningError (transient: retried) while garbage collection holds the fence. */
  enterWriter(id: string, runner: FenceRunner): Promise<void>;
  leaveWriter(id: string): Promise<void>;
  /** Throws ConflictError naming the writers while any backup is writing. */
  beginGc(id: string, runner: FenceRunner): Promise<void>;
  endGc(id: string): Promise<void>;

  close(): Promise<void>;
}

export interface FenceRunner {
  host: string;
  pid: number;
  since: string;
}

export interface FenceState {
  writers: Record<string, FenceRunner>;
  gc: ({ id: string } & FenceRunner) | null;
}
