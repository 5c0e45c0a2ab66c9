// Targets and schedules through the CLI, and the local scheduler's firing rules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode } from '../../functions/core/errors';
import { addSchedule } from '../../functions/core/services/schedules/schedules';
import { addTarget } from '../../functions/core/services/targets';
import { LocalEngine } from '../../functions/local/engine';
import { resolveSettings } from '../../functions/local/home';
import { LocalScheduler } from '../../functions/local/scheduler';
import { localSystem } from '../../functions/local/system';
import { runCli, TempHome } from '../helpers/cli';

describe('targets and schedules on the CLI', () => {
  let home: TempHome;
  let data: string;
  const cli = (...args: string[]) => runCli(args, { env: home.env });

  beforeEach(() => {
    home = new TempHome();
    data = path.join(home.dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'a.txt'), 'hello\n');
  });
  afterEach(() => home.cleanup());

  it('adds, lists, shows and removes a target; backs it up through the workflow', async () => {
    expect((await cli('target', 'add', 'web', '--type', 'filesystem', '--path', data)).code).toBe(0);
    const list = await cli('target', 'list', '--json');
    expect(JSON.parse(list.stdout.toString())).toEqual([
      expect.objectContaining({
        name: 'web',
        target_type: 'filesystem',
        target_config: expect.objectContaining({ paths: [data] }),
      }),
    ]);
    const backup = await cli('backup', '--target', 'web', '--json');
    expect(backup.code).toBe(0);
    const { id } = JSON.parse(backup.stdout.toString()) as { id: string };
    const backups = JSON.parse((await cli('backups', '--json')).stdout.toString()) as {
      items: { id: string; status: string }[];
    };
    expect(backups.items).toEqual([
      expect.objectContaining({ id, status: 'completed', target_identifier: 'web' }),
    ]);
    const shown = JSON.parse((await cli('target', 'show', 'web', '--json')).stdout.toString()) as {
      last_completed_backup: { id: string };
    };
    expect(shown.last_completed_backup.id).toBe(id);
    // The backup restores like any other.
    const out = path.join(home.dir, 'out');
    expect((await cli('restore', id, '--target', out)).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'a.txt'), 'utf8')).toBe('hello\n');
    expect((await cli('target', 'remove', 'web')).code).toBe(0);
    expect(JSON.parse((await cli('target', 'list', '--json')).stdout.toString())).toEqual([]);
  });

  it('records stream backups in the catalog too (the workflow runs in-process with the stdin)', async () => {
    const data1 = Buffer.alloc(3 * 1024 * 1024, 7);
    const first = await runCli(['backup', '--stdin', '--name', 'db', '--json'], {
      env: home.env,
      input: data1,
    });
    expect(first.code).toBe(0);
    const second = await runCli(['backup', '--stdin', '--name', 'db', '--json'], {
      env: home.env,
      input: data1,
    });
    const ids = [first, second].map((r) => (JSON.parse(r.stdout.toString()) as { id: string }).id);
    const { items } = JSON.parse((await cli('backups', '--target', 'db', '--json')).stdout.toString()) as {
      items: {
        id: string;
        status: string;
        backup_type: string;
        target_type: string;
        checksum_algorithm: string;
        parent_backup_id: string | null;
      }[];
    };
    expect(
      items.map((b) => [
        b.id,
        b.status,
        b.backup_type,
        b.target_type,
        b.checksum_algorithm,
        b.parent_backup_id,
      ]),
    ).toEqual([
      [ids[1], 'completed', 'incremental', 'application', 'sha256-chunks', ids[0]],
      [ids[0], 'completed', 'full', 'application', 'sha256-chunks', null],
    ]);
    const restored = await runCli(['restore', ids[1]!, '--stdout'], { env: home.env });
    expect(restored.stdout.equals(data1)).toBe(true);
    // The restore went through the restore workflow: a recovery job, audited.
    const audit = JSON.parse((await cli('audit', '--json')).stdout.toString()) as {
      items: { action: string; details: { backup_id?: string } | null }[];
    };
    expect(audit.items[0]).toMatchObject({ action: 'restore.complete', details: { backup_id: ids[1] } });
  });

  it('verifies a backup and validates a restore without writing', async () => {
    const backup = await cli('backup', data, '--name', 'data', '--json');
    expect(backup.stderr).toMatch(/No earlier backup of "data": this one is a full backup/);
    const { id } = JSON.parse(backup.stdout.toString()) as { id: string };
    const verified = await cli('verify', id, '--type', 'full_verification', '--json');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout.toString())).toMatchObject({
      backup_id: id,
      status: 'passed',
      checksum_valid: true,
      data_integrity_verified: true,
      restore_test_passed: true,
    });
    const listed = JSON.parse((await cli('verifications', '--json')).stdout.toString()) as {
      items: unknown[];
    };
    expect(listed.items).toHaveLength(1);
    expect((await cli('verify', id, '--type', 'bogus')).stderr).toMatch(/"bogus" is not a verification type/);

    const out = path.join(home.dir, 'never');
    const validated = await cli('restore', 'latest:data', '--target', out, '--validate-only');
    expect(validated.code).toBe(0);
    expect(validated.stderr).toMatch(/is possible \(full\); nothing was written/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses bad input with a clear message and writes nothing', async () => {
    await cli('target', 'add', 'web', '--type', 'filesystem', '--path', data);
    await cli('schedule', 'add', 'nightly', '--target', 'web', '--cron', '0 2 * * *');
    const cases: [string[], RegExp, number][] = [
      [
        ['target', 'add', 'tape', '--type', 'tape', '--path', data],
        /"tape" is not a target type/,
        ExitCode.usage,
      ],
      [
        ['target', 'add', 'web', '--type', 'filesystem', '--path', data],
        /target named "web" already exists/,
        ExitCode.conflict,
      ],
      [
        ['target', 'add', 'bad name', '--type', 'filesystem', '--path', data],
        /not a valid target name/,
        ExitCode.usage,
      ],
      [
        ['schedule', 'add', 's1', '--target', 'web', '--cron', '0 2 * *'],
        /not a 5-field cron/,
        ExitCode.usage,
      ],
      [
        ['schedule', 'add', 's1', '--target', 'web', '--cron', '99 2 * * *'],
        /not a valid cron/,
        ExitCode.usage,
      ],
      [
        ['schedule', 'add', 's1', '--target', 'web', '--cron', '0 2 * * *', '--timezone', 'Mars/Base'],
        /not a known time zone/,
        ExitCode.usage,
      ],
      [
        ['schedule', 'add', 's1', '--target', 'web', '--cron', '0 2 * * *', '--retention', 'keep-daly=7'],
        /not a retention rule/,
        ExitCode.usage,
      ],
      [
        ['schedule', 'add', 's1', '--target', 'nope', '--cron', '0 2 * * *'],
        /No target "nope"/,
        ExitCode.notFound,
      ],
      [
        ['schedule', 'add', 'nightly', '--target', 'web', '--cron', '0 3 * * *'],
        /schedule named "nightly" already exists/,
        ExitCode.conflict,
      ],
    ];
    for (const [args, message, code] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({
        args,
        code,
        stderr: expect.stringMatching(message),
      });
    }
    const schedules = JSON.parse((await cli('schedule', 'list', '--json')).stdout.toString()) as {
      name: string;
    }[];
    expect(schedules.map((s) => s.name)).toEqual(['nightly']);
    expect(JSON.parse((await cli('target', 'list', '--json')).stdout.toString())).toHaveLength(1);
    // A target a schedule uses cannot go.
    const removal = await cli('target', 'remove', 'web');
    expect(removal.code).toBe(ExitCode.conflict);
    expect(removal.stderr).toMatch(/used by the schedule\(s\) "nightly"/);
  });

  it('runs a schedule now, enables and disables it', async () => {
    await cli('target', 'add', 'web', '--type', 'filesystem', '--path', data);
    await cli(
      'schedule',
      'add',
      'nightly',
      '--target',
      'web',
      '--cron',
      '0 2 * * *',
      '--timezone',
      'Europe/Berlin',
      '--retention',
      'keep-daily=7',
    );
    const run = await cli('schedule', 'run', 'nightly', '--json');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.toString()) as {
      status: string;
      backup: { status: string; schedule_id: string };
    };
    expect(result.status).toBe('SUCCEEDED');
    expect(result.backup.status).toBe('completed');
    expect((await cli('schedule', 'disable', 'nightly')).code).toBe(0);
    const shown = JSON.parse((await cli('schedule', 'show', 'nightly', '--json')).stdout.toString()) as {
      enabled: boolean;
      recent_backups: unknown[];
      retention_policy: unknown;
    };
    expect(shown).toMatchObject({ enabled: false, retention_policy: { keep_daily: 7 } });
    expect(shown.recent_backups).toHaveLength(1);
    const audit = JSON.parse((await cli('backups', '--schedule', 'nightly', '--json')).stdout.toString()) as {
      items: unknown[];
    };
    expect(audit.items).toHaveLength(1);
  });
});

describe('the local scheduler', () => {
  let home: TempHome;
  beforeEach(() => (home = new TempHome()));
  afterEach(() => home.cleanup());

  it('fires once per scheduled time, also across restarts, and catches up once', async () => {
    const data = path.join(home.dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'f'), 'x');
    let now = new Date('2026-11-26T09:30:00Z');
    const system = localSystem(resolveSettings({}, home.env), {});
    const ctx = { ...system.ctx, now: () => now };
    try {
      await addTarget(ctx, { name: 'web', target_config: { kind: 'filesystem', paths: [data] } });
      const schedule = await addSchedule(ctx, { name: 'hourly', target: 'web', cron: '0 * * * *' });
      const runs: string[] = [];
      const scheduler = () =>
        new LocalScheduler(ctx, new LocalEngine(ctx), {
          onRun: (_s, time, run) => runs.push(`${time.toISOString()} ${run.status}`),
        });

      const first = scheduler();
      await first.tick(); // 09:30: nothing due since creation
      now = new Date('2026-11-26T10:00:20Z');
      await first.tick();
      await first.tick(); // the same time again: nothing new
      await first.stop();
      // A restart at the same moment does not repeat the 10:00 run.
      const restarted = scheduler();
      await restarted.tick();
      await restarted.stop();
      expect(runs).toEqual(['2026-11-26T10:00:00.000Z SUCCEEDED']);

      // Two schedulers at 11:00 (two `serve` processes, or a retried delivery): one backup.
      now = new Date('2026-11-26T11:00:10Z');
      const [a, b] = [scheduler(), scheduler()];
      await Promise.all([a.tick(), b.tick()]);
      await Promise.all([a.stop(), b.stop()]);
      expect(runs.slice(1).sort()).toEqual([
        '2026-11-26T11:00:00.000Z ALREADY_STARTED',
        '2026-11-26T11:00:00.000Z SUCCEEDED',
      ]);

      // Stopped from 11:00 to 14:20: 12:00, 13:00 and 14:00 were missed; one run catches up.
      now = new Date('2026-11-26T14:20:00Z');
      const third = scheduler();
      await third.tick();
      await third.stop();
      expect(runs.slice(3)).toEqual(['2026-11-26T14:00:00.000Z SUCCEEDED']);
      const backups = (await system.catalog.listBackupsBySchedule(schedule.id)).items;
      expect(backups.map((x) => x.scheduled_at)).toEqual([
        '2026-11-26T14:00:00.000Z',
        '2026-11-26T11:00:00.000Z',
        '2026-11-26T10:00:00.000Z',
      ]);
    } finally {
      await system.close();
    }
  });
});
