// One contract for the catalog, run against both stores: SQLite (node:sqlite, a real file) and
// DynamoDB through dynalite (a local DynamoDB server started here).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConflictError, InputError, RecordNotFoundError } from '../../functions/core/errors';
import type { Backup } from '../../functions/core/model/backup';
import type { Catalog } from '../../functions/core/ports/catalog';
import { RecordCatalog } from '../../functions/core/services/catalog/record-catalog';
import { SqliteRecordStore } from '../../functions/adapters/local/sqlite/record-store';
import { startDynalite, type Dynalite } from '../helpers/dynalite';
import { auditEntry, backupRecord, recoveryJob, schedule, target, verification } from '../helpers/catalog';

interface Subject {
  name: string;
  open(): Promise<Catalog>;
  stop(): Promise<void>;
}

function sqliteSubject(): Subject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-catalog-'));
  let n = 0;
  return {
    name: 'sqlite',
    open: () =>
      Promise.resolve(new RecordCatalog(new SqliteRecordStore(path.join(dir, `catalog-${n++}.db`)))),
    stop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
  };
}

function dynamoSubject(): Subject {
  let server: Dynalite | undefined;
  let n = 0;
  return {
    name: 'dynamodb (dynalite)',
    open: async () => {
      server ??= await startDynalite();
      return server.catalog(`lifeboat-catalog-${n++}`);
    },
    stop: async () => server?.stop(),
  };
}

describe.each([sqliteSubject(), dynamoSubject()])('catalog on $name', (subject) => {
  let catalog: Catalog;

  beforeEach(async () => {
    catalog = await subject.open();
  });
  afterEach(async () => {
    await catalog.close();
  });
  afterAll(() => subject.stop());

  describe('targets', () => {
    it('creates, reads, lists by name, updates and deletes', async () => {
      await catalog.createTarget(target('web'));
      await catalog.createTarget(target('app'));
      expect((await catalog.getTarget('web'))?.target_config).toEqual({
        kind: 'filesystem',
        paths: ['/srv/web'],
        exclude: [],
        one_file_system: false,
      });
      expect((await catalog.listTargets()).items.map((t) => t.name)).toEqual(['app', 'web']);
      const updated = await catalog.updateTarget('web', { description: 'the web root' });
      expect(updated.description).toBe('the web root');
      expect((await catalog.getTarget('web'))?.description).toBe('the web root');
      await catalog.deleteTarget('web');
      expect(await catalog.getTarget('web')).toBeUndefined();
      await expect(catalog.deleteTarget('web')).rejects.toBeInstanceOf(RecordNotFoundError);
    });

    it('refuses a second target of the same name and keeps the first', async () => {
      await catalog.createTarget(target('db', '/first'));
      await expect(catalog.createTarget(target('db', '/second'))).rejects.toThrow(ConflictError);
      expect((await catalog.getTarget('db'))?.target_config).toMatchObject({ paths: ['/first'] });
    });

    it('validates records before writing them', async () => {
      const bad = { ...target('x'), target_type: 'tape' } as unknown as Parameters<
        Catalog['createTarget']
      >[0];
      await expect(catalog.createTarget(bad)).rejects.toThrow();
      expect(await catalog.getTarget('x')).toBeUndefined();
    });
  });

  describe('schedules', () => {
    it('keeps names unique, also across renames', async () => {
      const nightly = schedule('nightly');
      await catalog.createSchedule(nightly);
      await expect(catalog.createSchedule(schedule('nightly'))).rejects.toThrow(/already exists/);
      expect((await catalog.getScheduleByName('nightly'))?.id).toBe(nightly.id);

      const hourly = schedule('hourly');
      await catalog.createSchedule(hourly);
      await expect(catalog.updateSchedule(hourly.id, { name: 'nightly' })).rejects.toThrow(ConflictError);
      expect((await catalog.getSchedule(hourly.id))?.name).toBe('hourly');

      await catalog.updateSchedule(nightly.id, { name: 'daily', enabled: false });
      expect(await catalog.getScheduleByName('nightly')).toBeUndefined();
      expect((await catalog.getScheduleByName('daily'))?.enabled).toBe(false);
      // The old name is free again.
      await catalog.createSchedule(schedule('nightly'));
      expect((await catalog.listSchedules()).items.map((s) => s.name)).toEqual([
        'daily',
        'hourly',
        'nightly',
      ]);

      await catalog.deleteSchedule(hourly.id);
      expect(await catalog.getScheduleByName('hourly')).toBeUndefined();
      await catalog.createSchedule(schedule('hourly'));
    });

    it('many creates of one name at once: exactly one wins', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => catalog.createSchedule(schedule('race'))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await catalog.listSchedules()).items.filter((s) => s.name === 'race')).toHaveLength(1);
    });
  });

  describe('backups', () => {
    it('follows the lifecycle pending → running (progress) → completed, and no further', async () => {
      const b = backupRecord({ target: 'web' });
      await catalog.createBackup(b);
      await catalog.updateBackup(b.id, { status: 'running', started_at: at(1) }, ['pending']);
      for (const progress of [10, 55, 90]) await catalog.updateBackup(b.id, { progress }, ['running']);
      expect((await catalog.getBackup(b.id))?.progress).toBe(90);
      await catalog.updateBackup(
        b.id,
        {
          status: 'completed',
          progress: 100,
          completed_at: at(2),
          final_size_bytes: 1234,
          checksum_value: 'ab',
        },
        ['running'],
      );
      const done = await catalog.getBackup(b.id);
      expect(done).toMatchObject({ status: 'completed', progress: 100, final_size_bytes: 1234 });
      // A late progress report or a cancel cannot change a finished backup.
      await expect(catalog.updateBackup(b.id, { progress: 95 }, ['running'])).rejects.toThrow(/is completed/);
      await expect(
        catalog.updateBackup(b.id, { status: 'cancelled' }, ['pending', 'running']),
      ).rejects.toThrow(ConflictError);
      expect((await catalog.getBackup(b.id))?.status).toBe('completed');
    });

    it('rejects progress outside 0–100 and unknown statuses', async () => {
      const b = backupRecord({ target: 'web' });
      await catalog.createBackup(b);
      await expect(catalog.updateBackup(b.id, { progress: 101 })).rejects.toThrow();
      await expect(
        catalog.updateBackup(b.id, { status: 'exploded' } as unknown as Partial<Backup>),
      ).rejects.toThrow();
      expect((await catalog.getBackup(b.id))?.progress).toBe(0);
    });

    it('of two finishers racing, exactly one wins', async () => {
      const b = backupRecord({ target: 'web', status: 'running' });
      await catalog.createBackup(b);
      const results = await Promise.allSettled([
        catalog.updateBackup(b.id, { status: 'completed', completed_at: at(5) }, ['running']),
        catalog.updateBackup(b.id, { status: 'failed', error_message: 'interrupted' }, ['running']),
        catalog.updateBackup(b.id, { status: 'cancelled' }, ['running']),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('finds the parent of an incremental and of a differential', async () => {
      const t = 'db';
      const full1 = backupRecord({ target: t, type: 'full', status: 'completed', minute: 1 });
      const inc1 = backupRecord({ target: t, type: 'incremental', status: 'completed', minute: 2 });
      const full2failed = backupRecord({ target: t, type: 'full', status: 'failed', minute: 3 });
      const inc2running = backupRecord({ target: t, type: 'incremental', status: 'running', minute: 4 });
      const other = backupRecord({ target: 'other', type: 'full', status: 'completed', minute: 5 });
      for (const b of [full1, inc1, full2failed, inc2running, other]) await catalog.createBackup(b);
      expect((await catalog.latestCompleted(t))?.id).toBe(inc1.id);
      expect((await catalog.latestFull(t))?.id).toBe(full1.id);
      expect(await catalog.latestCompleted('nothing')).toBeUndefined();
      // Completing the running one makes it the newest completed; it is not a full.
      await catalog.updateBackup(inc2running.id, { status: 'completed', completed_at: at(6) }, ['running']);
      expect((await catalog.latestCompleted(t))?.id).toBe(inc2running.id);
      expect((await catalog.latestFull(t))?.id).toBe(full1.id);
    });

    it('lists by target and time, by schedule, by status, and all, page by page', async () => {
      const sched = schedule('s1');
      const made: Backup[] = [];
      for (let i = 0; i < 25; i++) {
        const b = backupRecord({
          target: i % 2 ? 'odd' : 'even',
          status: i % 5 === 0 ? 'failed' : 'completed',
          minute: i,
          scheduleId: i < 10 ? sched.id : null,
        });
        made.push(b);
        await catalog.createBackup(b);
      }
      const all = await collect((cursor) => catalog.listBackups({ limit: 7, cursor }));
      expect(all.pages).toBe(4);
      expect(all.items.map((b) => b.id)).toEqual([...made].reverse().map((b) => b.id));

      const even = await collect((cursor) => catalog.listBackupsByTarget('even', { limit: 4, cursor }));
      expect(even.items.map((b) => b.id)).toEqual(
        made
          .filter((_, i) => i % 2 === 0)
          .reverse()
          .map((b) => b.id),
      );

      const oldestFirst = await catalog.listBackupsByTarget('odd', { limit: 3, descending: false });
      expect(oldestFirst.items.map((b) => b.id)).toEqual([made[1]!.id, made[3]!.id, made[5]!.id]);

      // A time range: minutes [4, 10) of "even" → 4, 6, 8.
      const ranged = await catalog.listBackupsByTarget('even', { since: at(4), until: at(10) });
      expect(ranged.items.map((b) => b.id)).toEqual([made[8]!.id, made[6]!.id, made[4]!.id]);

      // A status filter with a small page still returns full pages and skips nothing.
      const failedEven = await collect((cursor) =>
        catalog.listBackupsByTarget('even', { status: 'failed', limit: 2, cursor }),
      );
      expect(failedEven.items.map((b) => b.id)).toEqual([made[20]!.id, made[10]!.id, made[0]!.id]);

      const bySchedule = await collect((cursor) =>
        catalog.listBackupsBySchedule(sched.id, { limit: 3, cursor }),
      );
      expect(bySchedule.items).toHaveLength(10);
      const failed = await collect((cursor) => catalog.listBackupsByStatus('failed', { limit: 2, cursor }));
      expect(failed.items.map((b) => b.id)).toEqual([20, 15, 10, 5, 0].map((i) => made[i]!.id));
    });

    it('refuses a page size out of range and a forged cursor', async () => {
      await expect(catalog.listBackups({ limit: 0 })).rejects.toBeInstanceOf(InputError);
      await expect(catalog.listBackups({ limit: 5000 })).rejects.toBeInstanceOf(InputError);
      await expect(catalog.listBackups({ cursor: 'not a cursor' })).rejects.toBeInstanceOf(InputError);
    });

    it('moves a backup between status lists as it changes', async () => {
      const b = backupRecord({ target: 'web' });
      await catalog.createBackup(b);
      expect((await catalog.listBackupsByStatus('pending')).items.map((x) => x.id)).toEqual([b.id]);
      await catalog.updateBackup(b.id, { status: 'running' });
      expect((await catalog.listBackupsByStatus('pending')).items).toEqual([]);
      expect((await catalog.listBackupsByStatus('running')).items.map((x) => x.id)).toEqual([b.id]);
      await catalog.deleteBackup(b.id);
      expect((await catalog.listBackupsByStatus('running')).items).toEqual([]);
      expect(await catalog.getBackup(b.id)).toBeUndefined();
    });
  });

  describe('recovery jobs and verifications', () => {
    it('are listed by backup and guarded by status', async () => {
      const b = backupRecord({ target: 'web', status: 'completed' });
      await catalog.createBackup(b);
      const job = recoveryJob(b.id);
      await catalog.createRecoveryJob(job);
      await catalog.updateRecoveryJob(job.id, { status: 'validating', current_step: 'Validate' }, [
        'pending',
      ]);
      await catalog.updateRecoveryJob(job.id, { status: 'running', progress: 40 }, ['validating']);
      expect((await catalog.listRecoveryJobsByBackup(b.id)).items.map((j) => j.progress)).toEqual([40]);
      expect((await catalog.listRecoveryJobs({ status: 'running' })).items.map((j) => j.id)).toEqual([
        job.id,
      ]);
      await expect(catalog.updateRecoveryJob(job.id, { status: 'running' }, ['pending'])).rejects.toThrow(
        ConflictError,
      );

      const v = verification(b.id);
      await catalog.createVerification(v);
      await catalog.updateVerification(v.id, { status: 'passed', checksum_valid: true }, [
        'pending',
        'running',
      ]);
      expect((await catalog.listVerificationsByBackup(b.id)).items[0]).toMatchObject({
        status: 'passed',
        checksum_valid: true,
      });
      expect((await catalog.listVerifications()).items).toHaveLength(1);
      await expect(
        catalog.updateVerification(v.id, { status: 'failed' }, ['pending', 'running']),
      ).rejects.toThrow(ConflictError);
      await expect(
        catalog.updateRecoveryJob('01ARZ3NDEKTSV4RRFFQ69G5FAV', { progress: 1 }),
      ).rejects.toBeInstanceOf(RecordNotFoundError);
    });
  });

  describe('workflow executions', () => {
    it('claims a name once, per state machine', async () => {
      expect(await catalog.claimExecution('backup', 'nightly-202611260200', at(0))).toBe(true);
      expect(await catalog.claimExecution('backup', 'nightly-202611260200', at(1))).toBe(false);
      expect(await catalog.claimExecution('verify', 'nightly-202611260200', at(1))).toBe(true);
      const racing = await Promise.all(
        Array.from({ length: 6 }, () => catalog.claimExecution('backup', 'race', at(2))),
      );
      expect(racing.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('idempotent answers', () => {
    it('keeps the first answer under a key, whoever races for it', async () => {
      const answer = (n: number) => ({
        request_digest: `d${n}`,
        status: 202,
        body: { execution_name: `api-backup-${n}`, status: 'started' },
        created_at: at(n),
      });
      expect(await catalog.recallIdempotent('k1')).toBeUndefined();
      expect(await catalog.rememberIdempotent('k1', answer(1))).toEqual(answer(1));
      expect(await catalog.rememberIdempotent('k1', answer(2))).toEqual(answer(1));
      expect(await catalog.recallIdempotent('k1')).toEqual(answer(1));
      const racing = await Promise.all([3, 4, 5, 6].map((n) => catalog.rememberIdempotent('k2', answer(n))));
      expect(new Set(racing.map((a) => a.request_digest)).size).toBe(1);
      expect(await catalog.recallIdempotent('k2')).toEqual(racing[0]);
    });
  });

  describe('the GC fence', () => {
    const runner = { host: 'h', pid: 1, since: at(0) };
    it('lets writers in together, holds GC off while any writes, and writers off while GC runs', async () => {
      await catalog.enterWriter('b1', runner);
      await catalog.enterWriter('b2', runner);
      await expect(catalog.beginGc('gc1', runner)).rejects.toThrow(/2 backup\(s\) are writing.*b1, b2/);
      await catalog.leaveWriter('b1');
      await catalog.leaveWriter('b2');
      await catalog.beginGc('gc1', runner);
      await expect(catalog.enterWriter('b3', runner)).rejects.toMatchObject({ name: 'GcRunningError' });
      await expect(catalog.beginGc('gc2', runner)).rejects.toThrow(/already running/);
      await catalog.endGc('gc1');
      await catalog.enterWriter('b3', runner);
      expect(await catalog.fence()).toEqual({ writers: { b3: runner }, gc: null });
    });

    it('of a GC and writers entering at once, never both', async () => {
      const results = await Promise.allSettled([
        catalog.beginGc('gc', runner),
        ...Array.from({ length: 5 }, (_, i) => catalog.enterWriter(`w${i}`, runner)),
      ]);
      const state = await catalog.fence();
      const gcWon = results[0]!.status === 'fulfilled';
      expect(gcWon ? Object.keys(state.writers) : state.gc).toEqual(gcWon ? [] : null);
      expect(results.slice(1).filter((r) => r.status === 'fulfilled')).toHaveLength(
        Object.keys(state.writers).length,
      );
    });
  });

  describe('audit', () => {
    it('lists by time and by user, within a range', async () => {
      const entries = Array.from({ length: 12 }, (_, i) => auditEntry(i % 3 === 0 ? 'alice' : 'bob', i));
      for (const e of entries) await catalog.appendAudit(e);
      const all = await collect((cursor) => catalog.listAudit({ limit: 5, cursor }));
      expect(all.items.map((e) => e.id)).toEqual([...entries].reverse().map((e) => e.id));
      const alice = await catalog.listAuditByUser('alice');
      expect(alice.items.map((e) => e.id)).toEqual([9, 6, 3, 0].map((i) => entries[i]!.id));
      const window = await catalog.listAudit({ since: at(3), until: at(6), descending: false });
      expect(window.items.map((e) => e.id)).toEqual([3, 4, 5].map((i) => entries[i]!.id));
      await expect(catalog.appendAudit(entries[0]!)).rejects.toThrow(ConflictError);
    });
  });
});

async function collect<T>(
  fetch: (cursor?: string) => Promise<{ items: T[]; next?: string }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    pages++;
    cursor = page.next;
  } while (cursor);
  return { items, pages };
}

function at(minute: number): string {
  return new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString();
}
