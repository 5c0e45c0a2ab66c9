"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RecordCatalog = void 0;
const errors_1 = require("../../errors");
const audit_1 = require("../../model/audit");
const backup_1 = require("../../model/backup");
const recovery_job_1 = require("../../model/recovery-job");
const schedule_1 = require("../../model/schedule");
const target_1 = require("../../model/target");
const verification_1 = require("../../model/verification");
const record_store_1 = require("../../ports/record-store");
const keys_1 = require("./keys");
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
/** Optimistic updates retry this often when another writer changed the record in between. */
const UPDATE_ATTEMPTS = 20;
/** A schedule-name guard younger than this is never taken over (its creator is still writing). */
const NAME_CLAIM_LEASE_MS = 60_000;
const target = {
    name: 'target',
    schema: target_1.TargetSchema,
    key: (t) => keys_1.keys.target(t.name),
    indexes: keys_1.keys.targetIndexes,
};
const schedule = {
    name: 'schedule',
    schema: schedule_1.BackupScheduleSchema,
    key: (s) => keys_1.keys.schedule(s.id),
    indexes: keys_1.keys.scheduleIndexes,
};
const backup = {
    name: 'backup',
    schema: backup_1.BackupSchema,
    key: (b) => keys_1.keys.backup(b.id),
    indexes: keys_1.keys.backupIndexes,
};
const recoveryJob = {
    name: 'recovery job',
    schema: recovery_job_1.RecoveryJobSchema,
    key: (j) => keys_1.keys.recoveryJob(j.id),
    indexes: keys_1.keys.recoveryJobIndexes,
};
const verification = {
    name: 'verification',
    schema: verification_1.BackupVerificationSchema,
    key: (v) => keys_1.keys.verification(v.id),
    indexes: keys_1.keys.verificationIndexes,
};
const audit = {
    name: 'audit entry',
    schema: audit_1.AuditEntrySchema,
    key: (a) => keys_1.keys.audit(a.id),
    indexes: keys_1.keys.auditIndexes,
};
function withoutUndefined(patch) {
    return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}
function limitOf(page) {
    const limit = page.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw new errors_1.InputError(`A page holds 1 to ${MAX_LIMIT} items; ${limit} was asked for.`, 'Ask for a smaller page and follow the `next` cursor.');
    return limit;
}
/**
 * The catalog's logic, written once over a RecordStore (DynamoDB, SQLite): validation of every
 * record read and written, status-guarded updates, unique schedule names, pagination.
 */
class RecordCatalog {
    store;
    kind;
    constructor(store) {
        this.store = store;
        this.kind = store.kind;
    }
    close() {
        return this.store.close();
    }
    // --- generic record operations ---
    async create(entity, record, conflict) {
        const valid = entity.schema.parse(record);
        try {
            await this.store.put(entity.key(valid), valid, entity.indexes(valid), {
                absent: true,
            });
        }
        catch (error) {
            if (error instanceof record_store_1.ConditionFailedError)
                throw conflict();
            throw error;
        }
    }
    async read(entity, key) {
        const stored = await this.store.get(key);
        return stored ? entity.schema.parse(stored.doc) : undefined;
    }
    /**
     * Read, check, merge, write at the version read; again when another writer got in between.
     * `check` sees the current record and throws when the change is not allowed.
     */
    async update(entity, key, reference, patch, check) {
        const changes = withoutUndefined(patch);
        for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            const stored = await this.store.get(key);
            if (!stored)
                throw new errors_1.RecordNotFoundError(entity.name, reference);
            const current = entity.schema.parse(stored.doc);
            check?.(current);
            const next = entity.schema.parse({ ...current, ...changes });
            try {
                await this.store.put(key, next, entity.indexes(next), {
                    version: stored.version,
                });
                return next;
            }
            catch (error) {
                if (!(error instanceof record_store_1.ConditionFailedError))
                    throw error;
            }
        }
        throw new errors_1.ConflictError(`The ${entity.name} "${reference}" kept changing while it was being updated.`, 'Try again; if it persists, another process is updating it in a loop.');
    }
    async remove(entity, key, reference) {
        for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            const stored = await this.store.get(key);
            if (!stored)
                throw new errors_1.RecordNotFoundError(entity.name, reference);
            try {
                await this.store.delete(key, stored.version);
                return entity.schema.parse(stored.doc);
            }
            catch (error) {
                if (!(error instanceof record_store_1.ConditionFailedError))
                    throw error;
            }
        }
        throw new errors_1.ConflictError(`The ${entity.name} "${reference}" kept changing while it was being deleted.`, 'Try again.');
    }
    /**
     * One page from an index, optionally filtered. Each store query asks for no more than the
     * items still missing, so a page never holds more than `limit`, and the store's cursor (just
     * after the last item examined) skips only items the filter rejected.
     */
    async list(entity, index, pk, page, filter) {
        const limit = limitOf(page);
        const items = [];
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
                if (!filter || filter(record))
                    items.push(record);
            }
            cursor = result.next;
        } while (cursor && items.length < limit);
        return cursor ? { items, next: cursor } : { items };
    }
    statusGuard(entity, reference, from) {
        if (!from)
            return undefined;
        return (current) => {
            if (!from.includes(current.status))
                throw new errors_1.ConflictError(`The ${entity} "${reference}" is ${current.status}; this change needs it ${from.join(' or ')}.`, `Look at it with \`lifeboat ${entity === 'backup' ? 'backups' : entity} \`; a finished job cannot change.`);
        };
    }
    // --- targets ---
    createTarget(record) {
        return this.create(target, record, () => new errors_1.ConflictError(`A target named "${record.name}" already exists.`, 'Choose another name, or remove the old target first with `lifeboat target remove`.'));
    }
    getTarget(name) {
        return this.read(target, keys_1.keys.target(name));
    }
    listTargets(page = {}) {
        return this.list(target, 'gsi1', keys_1.keys.TARGETS, { descending: false, ...page });
    }
    updateTarget(name, patch) {
        return this.update(target, keys_1.keys.target(name), name, patch);
    }
    async deleteTarget(name) {
        await this.remove(target, keys_1.keys.target(name), name);
    }
    // --- schedules ---
    /**
     * Two single-record writes: a name guard, then the schedule, then a check that the guard
     * still names it. A crash between the writes leaves a guard that names no schedule; once it is
     * older than the claim lease, the next create of that name takes it over. Within the lease a
     * guard is never taken over, so two creators racing for a name cannot both win.
     */
    async createSchedule(record) {
        const valid = schedule_1.BackupScheduleSchema.parse(record);
        await this.claimScheduleName(valid.name, valid.id);
        try {
            await this.create(schedule, valid, () => new errors_1.ConflictError(`A schedule with id ${valid.id} already exists.`, 'Retry: a new id is drawn.'));
        }
        catch (error) {
            await this.releaseScheduleName(valid.name, valid.id);
            throw error;
        }
    }
    async claimScheduleName(name, id) {
        const key = keys_1.keys.scheduleName(name);
        const taken = () => new errors_1.ConflictError(`A schedule named "${name}" already exists.`, 'Choose another name, or change the existing schedule with `lifeboat schedule` commands.');
        for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            const existing = await this.store.get(key);
            if (existing) {
                const owner = String(existing.doc.schedule_id);
                if (owner === id)
                    return;
                const claimedAt = Date.parse(String(existing.doc.claimed_at ?? ''));
                const fresh = !(claimedAt < Date.now() - NAME_CLAIM_LEASE_MS);
                if (fresh || (await this.store.get(keys_1.keys.schedule(owner))))
                    throw taken();
            }
            try {
                await this.store.put(key, { schedule_id: id, claimed_at: new Date().toISOString() }, {}, existing ? { version: existing.version } : { absent: true });
                return;
            }
            catch (error) {
                if (!(error instanceof record_store_1.ConditionFailedError))
                    throw error;
            }
        }
        throw taken();
    }
    async releaseScheduleName(name, id) {
        const key = keys_1.keys.scheduleName(name);
        const existing = await this.store.get(key);
        if (!existing || existing.doc.schedule_id !== id)
            return;
        await this.store.delete(key, existing.version).catch((error) => {
            // Someone else took it over in between: theirs now.
            if (!(error instanceof record_store_1.ConditionFailedError))
                throw error;
        });
    }
    getSchedule(id) {
        return this.read(schedule, keys_1.keys.schedule(id));
    }
    async getScheduleByName(name) {
        const guard = await this.store.get(keys_1.keys.scheduleName(name));
        if (!guard)
            return undefined;
        const found = await this.getSchedule(String(guard.doc.schedule_id));
        return found?.name === name ? found : undefined;
    }
    listSchedules(page = {}) {
        return this.list(schedule, 'gsi1', keys_1.keys.SCHEDULES, { descending: false, ...page });
    }
    async updateSchedule(id, patch) {
        const before = await this.getSchedule(id);
        if (!before)
            throw new errors_1.RecordNotFoundError('schedule', id);
        const renamed = patch.name !== undefined && patch.name !== before.name;
        if (renamed)
            await this.claimScheduleName(patch.name, id);
        try {
            const after = await this.update(schedule, keys_1.keys.schedule(id), id, patch);
            if (renamed)
                await this.releaseScheduleName(before.name, id);
            return after;
        }
        catch (error) {
            if (renamed)
                await this.releaseScheduleName(patch.name, id);
            throw error;
        }
    }
    async deleteSchedule(id) {
        const removed = await this.remove(schedule, keys_1.keys.schedule(id), id);
        await this.releaseScheduleName(removed.name, id);
    }
    // --- backups ---
    createBackup(record) {
        return this.create(backup, record, () => new errors_1.ConflictError(`A backup with id ${record.id} already exists.`, 'Retry: a new id is drawn.'));
    }
    getBackup(id) {
        return this.read(backup, keys_1.keys.backup(id));
    }
    updateBackup(id, patch, from) {
        return this.update(backup, keys_1.keys.backup(id), id, patch, this.statusGuard('backup', id, from));
    }
    async deleteBackup(id) {
        await this.remove(backup, keys_1.keys.backup(id), id);
    }
    listBackupsByTarget(targetName, page = {}) {
        const { status } = page;
        return this.list(backup, 'gsi1', keys_1.keys.backupsOfTarget(targetName), page, status ? (b) => b.status === status : undefined);
    }
    listBackupsBySchedule(scheduleId, page = {}) {
        return this.list(backup, 'gsi2', keys_1.keys.backupsOfSchedule(scheduleId), page);
    }
    listBackupsByStatus(status, page = {}) {
        return this.list(backup, 'gsi3', keys_1.keys.backupsWithStatus(status), page);
    }
    listBackups(page = {}) {
        return this.list(backup, 'gsi4', keys_1.keys.BACKUPS, page);
    }
    async latestCompleted(targetName) {
        const page = await this.list(backup, 'gsi5', keys_1.keys.completedOfTarget(targetName), { limit: 1 });
        return page.items[0];
    }
    async latestFull(targetName) {
        const page = await this.list(backup, 'gsi6', keys_1.keys.fullOfTarget(targetName), { limit: 1 });
        return page.items[0];
    }
    // --- recovery jobs ---
    createRecoveryJob(record) {
        return this.create(recoveryJob, record, () => new errors_1.ConflictError(`A recovery job with id ${record.id} already exists.`, 'Retry.'));
    }
    getRecoveryJob(id) {
        return this.read(recoveryJob, keys_1.keys.recoveryJob(id));
    }
    updateRecoveryJob(id, patch, from) {
        return this.update(recoveryJob, keys_1.keys.recoveryJob(id), id, patch, this.statusGuard('recovery job', id, from));
    }
    listRecoveryJobsByBackup(backupId, page = {}) {
        return this.list(recoveryJob, 'gsi1', keys_1.keys.recoveriesOfBackup(backupId), page);
    }
    listRecoveryJobs(page = {}) {
        return page.status
            ? this.list(recoveryJob, 'gsi3', keys_1.keys.recoveriesWithStatus(page.status), page)
            : this.list(recoveryJob, 'gsi4', keys_1.keys.RECOVERIES, page);
    }
    // --- verifications ---
    createVerification(record) {
        return this.create(verification, record, () => new errors_1.ConflictError(`A verification with id ${record.id} already exists.`, 'Retry.'));
    }
    getVerification(id) {
        return this.read(verification, keys_1.keys.verification(id));
    }
    updateVerification(id, patch, from) {
        return this.update(verification, keys_1.keys.verification(id), id, patch, this.statusGuard('verification', id, from));
    }
    listVerificationsByBackup(backupId, page = {}) {
        return this.list(verification, 'gsi1', keys_1.keys.verificationsOfBackup(backupId), page);
    }
    listVerifications(page = {}) {
        return this.list(verification, 'gsi4', keys_1.keys.VERIFICATIONS, page);
    }
    // --- workflow executions ---
    async claimExecution(machine, name, startedAt) {
        try {
            await this.store.put(keys_1.keys.execution(machine, name), { machine, name, started_at: startedAt }, {}, { absent: true });
            return true;
        }
        catch (error) {
            if (error instanceof record_store_1.ConditionFailedError)
                return false;
            throw error;
        }
    }
    async recallIdempotent(key) {
        const stored = await this.store.get(keys_1.keys.idempotency(key));
        return stored ? stored.doc : undefined;
    }
    async rememberIdempotent(key, answer) {
        try {
            await this.store.put(keys_1.keys.idempotency(key), { ...answer }, {}, { absent: true });
            return answer;
        }
        catch (error) {
            if (!(error instanceof record_store_1.ConditionFailedError))
                throw error;
            // Another request with the key got there first: its answer is the one.
            const first = await this.recallIdempotent(key);
            if (!first)
                throw error;
            return first;
        }
    }
    // --- the GC fence ---
    async fence() {
        const stored = await this.store.get(keys_1.keys.fence);
        return stored ? stored.doc : { writers: {}, gc: null };
    }
    /** Read, change, write at the version read; again when another process got in between. */
    async changeFence(change) {
        for (let attempt = 0; attempt < UPDATE_ATTEMPTS * 5; attempt++) {
            const stored = await this.store.get(keys_1.keys.fence);
            const state = stored ? stored.doc : { writers: {}, gc: null };
            const next = change(structuredClone(state));
            if (!next)
                return;
            try {
                await this.store.put(keys_1.keys.fence, next, {}, stored ? { version: stored.version } : { absent: true });
                return;
            }
            catch (error) {
                if (!(error instanceof record_store_1.ConditionFailedError))
                    throw error;
            }
        }
        throw new errors_1.TransientError('The repository fence is contended; retry.');
    }
    enterWriter(id, runner) {
        return this.changeFence((state) => {
            if (state.gc)
                throw new errors_1.GcRunningError();
            state.writers[id] = runner;
            return state;
        });
    }
    leaveWriter(id) {
        return this.changeFence((state) => {
            if (!(id in state.writers))
                return undefined;
            delete state.writers[id];
            return state;
        });
    }
    beginGc(id, runner) {
        return this.changeFence((state) => {
            if (state.gc && state.gc.id !== id)
                throw new errors_1.ConflictError(`Garbage collection ${state.gc.id} is already running (since ${state.gc.since}, on ${state.gc.host}).`, 'Wait for it to finish.');
            const writers = Object.keys(state.writers);
            if (writers.length > 0)
                throw new errors_1.ConflictError(`${writers.length} backup(s) are writing to the repository (${writers.join(', ')}); collecting garbage now could delete data they are about to reference.`, 'Run it again when they have finished (`lifeboat backups --status running`).');
            state.gc = { id, ...runner };
            return state;
        });
    }
    endGc(id) {
        return this.changeFence((state) => {
            if (state.gc?.id !== id)
                return undefined;
            state.gc = null;
            return state;
        });
    }
    // --- audit ---
    appendAudit(entry) {
        return this.create(audit, entry, () => new errors_1.ConflictError(`An audit entry with id ${entry.id} already exists.`, 'Retry.'));
    }
    listAudit(page = {}) {
        return this.list(audit, 'gsi4', keys_1.keys.AUDIT, page);
    }
    listAuditByUser(userId, page = {}) {
        return this.list(audit, 'gsi2', keys_1.keys.auditOfUser(userId), page);
    }
}
exports.RecordCatalog = RecordCatalog;
//# sourceMappingURL=record-catalog.js.map