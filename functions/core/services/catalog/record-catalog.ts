import type { z } from 'zod';
import { ConflictError, GcRunningError, InputError, RecordNotFoundError, TransientError } from '../../errors';
import { AuditEntrySchema, type AuditEntry } from '../../model/audit';
import { BackupSchema, type Backup } from '../../model/backup';
import type { BackupStatus, RecoveryStatus, VerificationStatus } from '../../model/enums';
import { RecoveryJobSchema, type RecoveryJob } from '../../model/recovery-job';
import { BackupScheduleSchema, type BackupSchedule } from '../../model/schedule';
import { TargetSchema, type Target } from '../../model/target';
import { BackupVerificationSchema, type BackupVerification } from '../../model/verification';
import type {
  BackupPatch,
  Catalog,
  FenceRunner,
  FenceState,
  IdempotentAnswer,
  Page,
  PageRequest,
  RecoveryJobPatch,
  SchedulePatch,
  TargetPatch,
  TimeRange,
  VerificationPatch,
} from '../../ports/catalog';
import {
  ConditionFailedError,
  type IndexKeys,
  type IndexName,
  type RecordKey,
  type RecordStore,
} from '../../ports/record-store';
import { keys } from './keys';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
/** Optimistic updates retry this often when another writer changed the record in between. */
const UPDATE_ATTEMPTS = 20;
/** A schedule-name guard younger than this is never taken over (its creator is still writing). */
const NAME_CLAIM_LEASE_MS = 60_000;

interface Entity<T> {
  name: string;
  schema: z.ZodType<T>;
  key: (record: T) => RecordKey;
  indexes: (record: T) => IndexKeys;
}

const target: Entity<Target> = {
  name: 'target',
  schema: TargetSchema,
  key: (t) => keys.target(t.name),
  indexes: keys.targetIndexes,
};
const schedule: Entity<BackupSchedule> = {
  name: 'schedule',
  schema: BackupScheduleSchema,
  key: (s) => keys.schedule(s.id),
  indexes: keys.scheduleIndexes,
};
const backup: Entity<Backup> = {
  name: 'backup',
  schema: BackupSchema,
  key: (b) => keys.backup(b.id),
  indexes: keys.backupIndexes,
};
const recoveryJob: Entity<RecoveryJob> = {
  name: 'recovery job',
  schema: RecoveryJobSchema,
  key: (j) => keys.recoveryJob(j.id),
  indexes: keys.recoveryJobIndexes,
};
const verification: Entity<BackupVerification> = {
  name: 'verification',
  schema: BackupVerificationSchema,
  key: (v) => keys.verification(v.id),
  indexes: keys.verificationIndexes,
};
const audit: Entity<AuditEntry> = {
  name: 'audit entry',
  schema: AuditEntrySchema,
  key: (a) => keys.audit(a.id),
  indexes: keys.auditIndexes,
};

function withoutUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function limitOf(page: PageRequest): number {
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new InputError(
      `A page holds 1 to ${MAX_LIMIT} items; ${limit} was asked for.`,
      'Ask for a smaller page and follow the `next` cursor.',
    );
  return limit;
}

/**
 * The catalog's logic, written once over a RecordStore (DynamoDB, SQLite): validation of every
 * record read and written, status-guarded updates, unique schedule names, pagination.
 */
export class RecordCatalog implements Catalog {
  readonly kind: Catalog['kind'];

  constructor(private readonly store: RecordStore) {
    this.kind = store.kind;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  // --- generic record operations ---

  private async create<T>(entity: Entity<T>, record: T, conflict: () => ConflictError): Promise<void> {
    const valid = entity.schema.parse(record);
    try {
      await this.store.put(entity.key(valid), valid as Record<string, unknown>, entity.indexes(valid), {
        absent: true,
      });
    } catch (error) {
      if (error instanceof ConditionFailedError) throw conflict();
      throw error;
    }
  }

  private async read<T>(entity: Entity<T>, key: RecordKey): Promise<T | undefined> {
    const stored = await this.store.get(key);
    return stored ? entity.schema.parse(stored.doc) : undefined;
  }

  /**
   * Read, check, merge, write at the version read; again when another writer got in between.
   * `check` sees the current record and throws when the change is not allowed.
   */
  private async update<T extends object>(
    entity: Entity<T>,
    key: RecordKey,
    reference: string,
    patch: NoInfer<Partial<T>>,
    check?: (current: NoInfer<T>) => void,
  ): Promise<T> {
    const changes = withoutUndefined(patch);
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const stored = await this.store.get(key);
      if (!stored) throw new RecordNotFoundError(entity.name, reference);
      const current = entity.schema.parse(stored.doc);
      check?.(current);
      const next = entity.schema.parse({ ...current, ...changes });
      try {
        await this.store.put(key, next as Record<string, unknown>, entity.indexes(next), {
          version: stored.version,
        });
        return next;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
    throw new ConflictError(
      `The ${entity.name} "${reference}" kept changing while it was being updated.`,
      'Try again; if it persists, another process is updating it in a loop.',
    );
  }

  private async remove<T>(entity: Entity<T>, key: RecordKey, reference: string): Promise<T> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const stored = await this.store.get(key);
      if (!stored) throw new RecordNotFoundError(entity.name, reference);
      try {
        await this.store.delete(key, stored.version);
        return entity.schema.parse(stored.doc);
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
    throw new ConflictError(
      `The ${entity.name} "${reference}" kept changing while it was being deleted.`,
      'Try again.',
    );
  }

  /**
   * One page from an index, optionally filtered. Each store query asks for no more than the
   * items still missing, so a page never holds more than `limit`, and the store's cursor (just
   * after the last item examined) skips only items the filter rejected.
   */
  private async list<T>(
    entity: Entity<T>,
    index: IndexName | 'table',
    pk: string,
    page: PageRequest & TimeRange,
    filter?: (record: T) => boolean,
  ): Promise<Page<T>> {
    const limit = limitOf(page);
    const items: T[] = [];
    let cursor = page.cursor;
    do {
      const result = await this.store.query({
        index,
        pk,
        skFrom: page.since,
        skTo: page.until,
        descending: page.descending ?? true,
        limit: limit - items.length,
        cursor,
      });
      for (const stored of result.items) {
        const record = entity.schema.parse(stored.doc);
        if (!filter || filter(record)) items.push(record);
      }
      cursor = result.next;
    } while (cursor && items.length < limit);
    return cursor ? { items, next: cursor } : { items };
  }

  private statusGuard<S extends string>(
    entity: string,
    reference: string,
    from: readonly S[] | undefined,
  ): ((current: { status: S }) => void) | undefined {
    if (!from) return undefined;
    return (current) => {
      if (!from.includes(current.status))
        throw new ConflictError(
          `The ${entity} "${reference}" is ${current.status}; this change needs it ${from.join(' or ')}.`,
          `Look at it with \`lifeboat ${entity === 'backup' ? 'backups' : entity} \`; a finished job cannot change.`,
        );
    };
  }

  // --- targets ---

  createTarget(record: Target): Promise<void> {
    return this.create(
      target,
      record,
      () =>
        new ConflictError(
          `A target named "${record.name}" already exists.`,
          'Choose another name, or remove the old target first with `lifeboat target remove`.',
        ),
    );
  }

  getTarget(name: string): Promise<Target | undefined> {
    return this.read(target, keys.target(name));
  }

  listTargets(page: PageRequest = {}): Promise<Page<Target>> {
    return this.list(target, 'gsi1', keys.TARGETS, { descending: false, ...page });
  }

  updateTarget(name: string, patch: TargetPatch): Promise<Target> {
    return this.update(target, keys.target(name), name, patch);
  }

  async deleteTarget(name: string): Promise<void> {
    await this.remove(target, keys.target(name), name);
  }

  // --- schedules ---

  /**
   * Two single-record writes: a name guard, then the schedule, then a check that the guard
   * still names it. A crash between the writes leaves a guard that names no schedule; once it is
   * older than the claim lease, the next create of that name takes it over. Within the lease a
   * guard is never taken over, so two creators racing for a name cannot both win.
   */
  async createSchedule(record: BackupSchedule): Promise<void> {
    const valid = BackupScheduleSchema.parse(record);
    await this.claimScheduleName(valid.name, valid.id);
    try {
      await this.create(
        schedule,
        valid,
        () =>
          new ConflictError(`A schedule with id ${valid.id} already exists.`, 'Retry: a new id is drawn.'),
      );
    } catch (error) {
      await this.releaseScheduleName(valid.name, valid.id);
      throw error;
    }
  }

  private async claimScheduleName(name: string, id: string): Promise<void> {
    const key = keys.scheduleName(name);
    const taken = () =>
      new ConflictError(
        `A schedule named "${name}" already exists.`,
        'Choose another name, or change the existing schedule with `lifeboat schedule` commands.',
      );
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const existing = await this.store.get(key);
      if (existing) {
        const owner = String(existing.doc.schedule_id);
        if (owner === id) return;
        const claimedAt = Date.parse(String(existing.doc.claimed_at ?? ''));
        const fresh = !(claimedAt < Date.now() - NAME_CLAIM_LEASE_MS);
        if (fresh || (await this.store.get(keys.schedule(owner)))) throw taken();
      }
      try {
        await this.store.put(
          key,
          { schedule_id: id, claimed_at: new Date().toISOString() },
          {},
          existing ? { version: existing.version } : { absent: true },
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
    throw taken();
  }

  private async releaseScheduleName(name: string, id: string): Promise<void> {
    const key = keys.scheduleName(name);
    const existing = await this.store.get(key);
    if (!existing || existing.doc.schedule_id !== id) return;
    await this.store.delete(key, existing.version).catch((error: unknown) => {
      // Someone else took it over in between: theirs now.
      if (!(error instanceof ConditionFailedError)) throw error;
    });
  }

  getSchedule(id: string): Promise<BackupSchedule | undefined> {
    return this.read(schedule, keys.schedule(id));
  }

  async getScheduleByName(name: string): Promise<BackupSchedule | undefined> {
    const guard = await this.store.get(keys.scheduleName(name));
    if (!guard) return undefined;
    const found = await this.getSchedule(String(guard.doc.schedule_id));
    return found?.name === name ? found : undefined;
  }

  listSchedules(page: PageRequest = {}): Promise<Page<BackupSchedule>> {
    return this.list(schedule, 'gsi1', keys.SCHEDULES, { descending: false, ...page });
  }

  async updateSchedule(id: string, patch: SchedulePatch): Promise<BackupSchedule> {
    const before = await this.getSchedule(id);
    if (!before) throw new RecordNotFoundError('schedule', id);
    const renamed = patch.name !== undefined && patch.name !== before.name;
    if (renamed) await this.claimScheduleName(patch.name!, id);
    try {
      const after = await this.update(schedule, keys.schedule(id), id, patch);
      if (renamed) await this.releaseScheduleName(before.name, id);
      return after;
    } catch (error) {
      if (renamed) await this.releaseScheduleName(patch.name!, id);
      throw error;
    }
  }

  async deleteSchedule(id: string): Promise<void> {
    const removed = await this.remove(schedule, keys.schedule(id), id);
    await this.releaseScheduleName(removed.name, id);
  }

  // --- backups ---

  createBackup(record: Backup): Promise<void> {
    return this.create(
      backup,
      record,
      () => new ConflictError(`A backup with id ${record.id} already exists.`, 'Retry: a new id is drawn.'),
    );
  }

  getBackup(id: string): Promise<Backup | undefined> {
    return this.read(backup, keys.backup(id));
  }

  updateBackup(id: string, patch: BackupPatch, from?: readonly BackupStatus[]): Promise<Backup> {
    return this.update(backup, keys.backup(id), id, patch, this.statusGuard('backup', id, from));
  }

  async deleteBackup(id: string): Promise<void> {
    await this.remove(backup, keys.backup(id), id);
  }

  listBackupsByTarget(
    targetName: string,
    page: PageRequest & TimeRange & { status?: BackupStatus } = {},
  ): Promise<Page<Backup>> {
    const { status } = page;
    return this.list(
      backup,
      'gsi1',
      keys.backupsOfTarget(targetName),
      page,
      status ? (b) => b.status === status : undefined,
    );
  }

  listBackupsBySchedule(scheduleId: string, page: PageRequest = {}): Promise<Page<Backup>> {
    return this.list(backup, 'gsi2', keys.backupsOfSchedule(scheduleId), page);
  }

  listBackupsByStatus(status: BackupStatus, page: PageRequest = {}): Promise<Page<Backup>> {
    return this.list(backup, 'gsi3', keys.backupsWithStatus(status), page);
  }

  listBackups(page: PageRequest & TimeRange = {}): Promise<Page<Backup>> {
    return this.list(backup, 'gsi4', keys.BACKUPS, page);
  }

  async latestCompleted(targetName: string): Promise<Backup | undefined> {
    const page = await this.list(backup, 'gsi5', keys.completedOfTarget(targetName), { limit: 1 });
    return page.items[0];
  }

  async latestFull(targetName: string): Promise<Backup | undefined> {
    const page = await this.list(backup, 'gsi6', keys.fullOfTarget(targetName), { limit: 1 });
    return page.items[0];
  }

  // --- recovery jobs ---

  createRecoveryJob(record: RecoveryJob): Promise<void> {
    return this.create(
      recoveryJob,
      record,
      () => new ConflictError(`A recovery job with id ${record.id} already exists.`, 'Retry.'),
    );
  }

  getRecoveryJob(id: string): Promise<RecoveryJob | undefined> {
    return this.read(recoveryJob, keys.recoveryJob(id));
  }

  updateRecoveryJob(
    id: string,
    patch: RecoveryJobPatch,
    from?: readonly RecoveryStatus[],
  ): Promise<RecoveryJob> {
    return this.update(
      recoveryJob,
      keys.recoveryJob(id),
      id,
      patch,
      this.statusGuard('recovery job', id, from),
    );
  }

  listRecoveryJobsByBackup(backupId: string, page: PageRequest = {}): Promise<Page<RecoveryJob>> {
    return this.list(recoveryJob, 'gsi1', keys.recoveriesOfBackup(backupId), page);
  }

  listRecoveryJobs(page: PageRequest & { status?: RecoveryStatus } = {}): Promise<Page<RecoveryJob>> {
    return page.status
      ? this.list(recoveryJob, 'gsi3', keys.recoveriesWithStatus(page.status), page)
      : this.list(recoveryJob, 'gsi4', keys.RECOVERIES, page);
  }

  // --- verifications ---

  createVerification(record: BackupVerification): Promise<void> {
    return this.create(
      verification,
      record,
      () => new ConflictError(`A verification with id ${record.id} already exists.`, 'Retry.'),
    );
  }

  getVerification(id: string): Promise<BackupVerification | undefined> {
    return this.read(verification, keys.verification(id));
  }

  updateVerification(
    id: string,
    patch: VerificationPatch,
    from?: readonly VerificationStatus[],
  ): Promise<BackupVerification> {
    return this.update(
      verification,
      keys.verification(id),
      id,
      patch,
      this.statusGuard('verification', id, from),
    );
  }

  listVerificationsByBackup(backupId: string, page: PageRequest = {}): Promise<Page<BackupVerification>> {
    return this.list(verification, 'gsi1', keys.verificationsOfBackup(backupId), page);
  }

  listVerifications(page: PageRequest = {}): Promise<Page<BackupVerification>> {
    return this.list(verification, 'gsi4', keys.VERIFICATIONS, page);
  }

  // --- workflow executions ---

  async claimExecution(machine: string, name: string, startedAt: string): Promise<boolean> {
    try {
      await this.store.put(
        keys.execution(machine, name),
        { machine, name, started_at: startedAt },
        {},
        { absent: true },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailedError) return false;
      throw error;
    }
  }

  async recallIdempotent(key: string): Promise<IdempotentAnswer | undefined> {
    const stored = await this.store.get(keys.idempotency(key));
    return stored ? (stored.doc as unknown as IdempotentAnswer) : undefined;
  }

  async rememberIdempotent(key: string, answer: IdempotentAnswer): Promise<IdempotentAnswer> {
    try {
      await this.store.put(keys.idempotency(key), { ...answer }, {}, { absent: true });
      return answer;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Another request with the key got there first: its answer is the one.
      const first = await this.recallIdempotent(key);
      if (!first) throw error;
      return first;
    }
  }

  // --- the GC fence ---

  async fence(): Promise<FenceState> {
    const stored = await this.store.get(keys.fence);
    return stored ? (stored.doc as unknown as FenceState) : { writers: {}, gc: null };
  }

  /** Read, change, write at the version read; again when another process got in between. */
  private async changeFence(change: (state: FenceState) => FenceState | undefined): Promise<void> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS * 5; attempt++) {
      const stored = await this.store.get(keys.fence);
      const state = stored ? (stored.doc as unknown as FenceState) : { writers: {}, gc: null };
      const next = change(structuredClone(state));
      if (!next) return;
      try {
        await this.store.put(
          keys.fence,
          next as unknown as Record<string, unknown>,
          {},
          stored ? { version: stored.version } : { absent: true },
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
    throw new TransientError('The repository fence is contended; retry.');
  }

  enterWriter(id: string, runner: FenceRunner): Promise<void> {
    return this.changeFence((state) => {
      if (state.gc) throw new GcRunningError();
      state.writers[id] = runner;
      return state;
    });
  }

  leaveWriter(id: string): Promise<void> {
    return this.changeFence((state) => {
      if (!(id in state.writers)) return undefined;
      delete state.writers[id];
      return state;
    });
  }

  beginGc(id: string, runner: FenceRunner): Promise<void> {
    return this.changeFence((state) => {
      if (state.gc && state.gc.id !== id)
        throw new ConflictError(
          `Garbage collection ${state.gc.id} is already running (since ${state.gc.since}, on ${state.gc.host}).`,
          'Wait for it to finish.',
        );
      const writers = Object.keys(state.writers);
      if (writers.length > 0)
        throw new ConflictError(
          `${writers.length} backup(s) are writing to the repository (${writers.join(', ')}); collecting garbage now could delete data they are about to reference.`,
          'Run it again when they have finished (`lifeboat backups --status running`).',
        );
      state.gc = { id, ...runner };
      return state;
    });
  }

  endGc(id: string): Promise<void> {
    return this.changeFence((state) => {
      if (state.gc?.id !== id) return undefined;
      state.gc = null;
      return state;
    });
  }

  // --- audit ---

  appendAudit(entry: AuditEntry): Promise<void> {
    return this.create(
      audit,
      entry,
      () => new ConflictError(`An audit entry with id ${entry.id} already exists.`, 'Retry.'),
    );
  }

  listAudit(page: PageRequest & TimeRange = {}): Promise<Page<AuditEntry>> {
    return this.list(audit, 'gsi4', keys.AUDIT, page);
  }

  listAuditByUser(userId: string, page: PageRequest & TimeRange = {}): Promise<Page<AuditEntry>> {
    return this.list(audit, 'gsi2', keys.auditOfUser(userId), page);
  }
}
