// Retention (the retention workflow: policy, then GC) and garbage collection fenced against
// backups, on a real repository and catalog.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addSchedule } from '../../functions/core/services/schedules/schedules';
import { applyRetention, collectGarbage } from '../../functions/core/services/workflows/retention-steps';
import { LocalEngine } from '../../functions/local/engine';
import type { LocalSystem } from '../../functions/local/system';
import { checkRepository } from '../../functions/repository/check';
import { randomData } from '../helpers/data';
import { tempSystem, type TempSystem } from '../helpers/system';

let temp: TempSystem;
let dir: string;
let source: string;
let system: LocalSystem;
let engine: LocalEngine;

beforeEach(async () => {
  temp = await tempSystem('lifeboat-retention-', (source) =>
    fs.writeFileSync(path.join(source, 'base.bin'), randomData(2 * 1024 * 1024, 'base')),
  );
  ({ dir, system, source } = temp);
  engine = new LocalEngine(system.ctx, { retryDelays: 'none' });
});

afterEach(() => temp.cleanup());

/** A backup after replacing the changing file: each one adds data only it references. */
async function backupVersion(n: number): Promise<string> {
  fs.writeFileSync(path.join(source, 'changing.bin'), randomData(3 * 1024 * 1024, `version-${n}`));
  const run = await engine.run('backup', { target: 'web' });
  expect(run.status).toBe('SUCCEEDED');
  return (await system.catalog.latestCompleted('web'))!.id;
}

describe('retention', () => {
  it('forgets what the policy does not keep, then collects its data; the rest stays whole', async () => {
    await addSchedule(system.ctx, {
      name: 'nightly',
      target: 'web',
      cron: '0 2 * * *',
      retention: 'keep-last=2',
    });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await backupVersion(i));
    const repo = await system.ctx.repository();
    const sizeBefore = (await checkRepository(repo)).packs;

    const dry = await engine.run('retention', { schedule: 'nightly', dry_run: true });
    expect(dry.status).toBe('SUCCEEDED');
    expect((await repo.listSnapshots()).length).toBe(4);

    const run = await engine.run('retention', { schedule: 'nightly' });
    expect(run.status).toBe('SUCCEEDED');
    const output = run.output as {
      retention: { result: { removed: number; schedules: { removed: { id: string }[] }[] } };
      gc: { result: { packs_deleted: number; bytes_freed: number } };
    };
    expect(output.retention.result.removed).toBe(2);
    expect(output.retention.result.schedules[0]!.removed.map((r) => r.id).sort()).toEqual(
      [ids[0], ids[1]].sort(),
    );
    // Version 1's pack held only its own data (3 MiB): gone. Version 0's shares a pack with the
    // live base file, and packs with live chunks are kept whole (no repacking yet).
    expect(output.gc.result.packs_deleted).toBeGreaterThan(0);
    expect(output.gc.result.bytes_freed).toBeGreaterThan(3 * 1000 * 1000);
    expect((await repo.listSnapshots()).map((s) => s.id)).toEqual([ids[2], ids[3]]);
    expect((await system.catalog.listBackupsByTarget('web')).items.map((b) => b.id)).toEqual([
      ids[3],
      ids[2],
    ]);
    // What is kept is intact, every byte, and restores.
    const report = await checkRepository(repo, { readData: true });
    expect(report.problems).toEqual([]);
    expect(report.packs).toBeLessThan(sizeBefore);
    const out = path.join(dir, 'out');
    expect(
      (await engine.run('restore', { backup: ids[2]!, target_config: { kind: 'directory', path: out } }))
        .status,
    ).toBe('SUCCEEDED');
    const actions = (await system.catalog.listAudit()).items.map((a) => a.action);
    expect(actions.filter((a) => a === 'backup.forget')).toHaveLength(2);
    expect(actions).toContain('repository.gc');
  });

  it('fails into its failure path for an unknown schedule, and says so', async () => {
    const run = await engine.run('retention', { schedule: 'nope' });
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe('RecordNotFoundError');
    expect(system.events.published.map((e) => e.type)).toEqual(['Retention Failed']);
    expect((await system.catalog.listAudit()).items[0]?.action).toBe('retention.fail');
  });

  it('keeps everything without rules', async () => {
    await addSchedule(system.ctx, { name: 'nightly', target: 'web', cron: '0 2 * * *' });
    for (let i = 0; i < 3; i++) await backupVersion(i);
    const run = await engine.run('retention', {});
    expect(run.status).toBe('SUCCEEDED');
    expect((await (await system.ctx.repository()).listSnapshots()).length).toBe(3);
  });

  it('never loses a chunk to a GC racing a backup (20 rounds)', async () => {
    await addSchedule(system.ctx, {
      name: 'nightly',
      target: 'web',
      cron: '0 2 * * *',
      retention: 'keep-last=1',
    });
    const write = (version: string) =>
      fs.writeFileSync(path.join(source, 'changing.bin'), randomData(1024 * 1024, version));
    let ran = 0;
    let deferred = 0;
    for (let round = 0; round < 20; round++) {
      // Version A is backed up, then B; retention forgets A's snapshot, so A's chunks are garbage.
      write(`A-${round}`);
      expect((await engine.run('backup', { target: 'web' })).status).toBe('SUCCEEDED');
      write(`B-${round}`);
      expect((await engine.run('backup', { target: 'web' })).status).toBe('SUCCEEDED');
      // Retention's policy step alone: GC comes next, racing the backup.
      await applyRetention(system.ctx, { schedule: 'nightly' });
      // A comes back while GC runs: the backup would deduplicate against exactly the chunks GC
      // is deleting. The fence must make one wait for (or skip) the other.
      write(`A-${round}`);
      const [backup, gc] = await Promise.all([
        engine.run('backup', { target: 'web' }),
        collectGarbage(system.ctx, { dry_run: false }),
      ]);
      expect(backup.status).toBe('SUCCEEDED');
      if ('deferred' in gc) deferred++;
      else ran++;
      const report = await checkRepository(await system.ctx.repository(), { readData: true });
      expect({ round, problems: report.problems }).toEqual({ round, problems: [] });
    }
    expect(ran + deferred).toBe(20);
    expect(ran).toBeGreaterThan(0);
    expect(await system.catalog.fence()).toEqual({ writers: {}, gc: null });
  });
});
