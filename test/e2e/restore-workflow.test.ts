// The restore state machine on the local engine: a recovery job with its steps, progress, the
// check of what was restored (entries by default, every byte with read_back), validate-only, and
// the failure path.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STEPS, type Step } from '../../functions/core/services/workflows/steps';
import { LocalEngine } from '../../functions/local/engine';
import type { LocalSystem } from '../../functions/local/system';
import { describeStepError } from '../../functions/core/services/workflows/step-failure';
import { diffTrees, makeTree } from '../helpers/tree';
import { tempSystem, type TempSystem } from '../helpers/system';

let temp: TempSystem;
let dir: string;
let system: LocalSystem;
let source: string;
let backupId: string;

beforeEach(async () => {
  temp = await tempSystem('lifeboat-restore-wf-', (source) => makeTree(source));
  ({ dir, system, source } = temp);
  const backup = await new LocalEngine(system.ctx).run('backup', { target: 'web' });
  expect(backup.status).toBe('SUCCEEDED');
  backupId = (await system.catalog.latestCompleted('web'))!.id;
});

afterEach(() => temp.cleanup());

const request = (target: string, extra: Record<string, unknown> = {}) => ({
  backup: 'latest:web',
  target_config: { kind: 'directory', path: target, ...extra },
});

describe('restore workflow on the local engine', () => {
  it('restores, reads back and verifies, and records every step of the recovery job', async () => {
    const out = path.join(dir, 'out');
    const run = await new LocalEngine(system.ctx).run('restore', request(out));
    expect(run.status).toBe('SUCCEEDED');
    expect(diffTrees(source, out).same).toBe(true);
    const [job] = (await system.catalog.listRecoveryJobsByBackup(backupId)).items;
    expect(job).toMatchObject({
      status: 'completed',
      progress: 100,
      recovery_type: 'full',
      validate_only: false,
      overwrite_existing: false,
      current_step: null,
      error_message: null,
    });
    expect(job!.steps.map((s) => `${s.name}: ${s.status}`)).toEqual([
      'Validate request: completed',
      'Plan restore: completed',
      'Restore: completed',
      'Validate recovery: completed',
      'Finalize recovery: completed',
    ]);
    const results = job!.validation_results as {
      verification: { files_checked: number; problems: unknown[] };
    };
    expect(results.verification.problems).toEqual([]);
    expect(results.verification.files_checked).toBeGreaterThan(40);
    expect(job!.recovered_size_bytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(system.events.published.map((e) => e.type)).toEqual(['Backup Completed', 'Recovery Completed']);
  });

  it('validate-only checks and writes nothing', async () => {
    const out = path.join(dir, 'never-written');
    const run = await new LocalEngine(system.ctx).run('restore', { ...request(out), validate_only: true });
    expect(run.status).toBe('SUCCEEDED');
    expect(fs.existsSync(out)).toBe(false);
    const [job] = (await system.catalog.listRecoveryJobs()).items;
    expect(job!.status).toBe('completed');
    expect(job!.steps.filter((s) => s.status === 'skipped').map((s) => s.name)).toEqual([
      'Restore',
      'Validate recovery',
    ]);
  });

  it('refuses a non-empty target without an overwrite mode, and a path the backup does not hold', async () => {
    const busy = path.join(dir, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'keep-me'), 'mine');
    const engine = new LocalEngine(system.ctx, { retryDelays: 'none' });
    const refused = await engine.run('restore', request(busy));
    expect(refused.status).toBe('FAILED');
    expect(describeStepError(refused.error)).toMatch(/is not empty; nothing was restored/);
    expect(fs.readdirSync(busy)).toEqual(['keep-me']);
    const missing = await engine.run('restore', request(path.join(dir, 'x'), { includes: ['no/such/dir'] }));
    expect(describeStepError(missing.error)).toMatch(/no\/such\/dir is not in backup/);
    expect((await system.catalog.listRecoveryJobs()).items).toEqual([]);
    expect(system.events.published.filter((e) => e.type === 'Recovery Failed')).toHaveLength(2);
  });

  /** The restore step as it is, then `change` alters the restored tree behind its back. */
  const tampered = (change: () => void): Step => {
    return async (ctx, input) => {
      const result = await STEPS.RunRestoreFunctionArn!(ctx, input);
      change();
      return result;
    };
  };
  const flipByte = (out: string) => () => {
    const fd = fs.openSync(path.join(out, 'src', 'multi-chunk.bin'), 'r+');
    fs.writeSync(fd, Buffer.from([0x42]), 0, 1, 3_000_000);
    fs.closeSync(fd);
  };

  it('checks every restored entry by default, not the bytes: a changed byte passes, a cut file fails', async () => {
    const same = path.join(dir, 'same-size');
    const engine = (change: () => void) =>
      new LocalEngine(system.ctx, { steps: { ...STEPS, RunRestoreFunctionArn: tampered(change) } });
    const passed = await engine(flipByte(same)).run('restore', request(same));
    expect(passed.status).toBe('SUCCEEDED');
    const [passedJob] = (await system.catalog.listRecoveryJobs()).items;
    expect(passedJob!.validation_results).toMatchObject({
      verification: { read_back: false, files_checked: expect.any(Number) as number, problems: [] },
    });

    const cut = path.join(dir, 'cut');
    const failed = await engine(() => {
      fs.truncateSync(path.join(cut, 'src', 'multi-chunk.bin'), 100);
      fs.rmSync(path.join(cut, 'docs', 'deep', 'er', 'est', 'bottom.txt'));
    }).run('restore', request(cut));
    expect(failed.status).toBe('FAILED');
    const job = (await system.catalog.listRecoveryJobs()).items.find((j) => j.status === 'failed');
    expect(job!.error_message).toMatch(/do not match the backup: \d+ problem\(s\); first: /);
    const problems = (
      job!.validation_results as { verification: { problems: { path: string; problem: string }[] } }
    ).verification.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'docs/deep/er/est/bottom.txt', problem: 'missing' },
        {
          path: 'src/multi-chunk.bin',
          problem: expect.stringMatching(/^size differs \(100 bytes, backup \d+\)$/) as string,
        },
      ]),
    );
  });

  it('fails the job when the restored files do not read back as the backup (read_back)', async () => {
    const out = path.join(dir, 'out');
    const run = await new LocalEngine(system.ctx, {
      steps: { ...STEPS, RunRestoreFunctionArn: tampered(flipByte(out)) },
    }).run('restore', request(out, { read_back: true }));
    expect(run.status).toBe('FAILED');
    const [job] = (await system.catalog.listRecoveryJobs()).items;
    expect(job!.status).toBe('failed');
    // The file and its hard link (docs/hard-link-big, the same inode) both read back wrong.
    expect(job!.error_message).toMatch(
      /do not match the backup: 2 problem\(s\); first: docs\/hard-link-big: content differs/,
    );
    expect(job!.steps.find((s) => s.name === 'Validate recovery')?.status).toBe('failed');
    expect(system.events.published.map((e) => e.type)).toContain('Recovery Failed');
  });
});
