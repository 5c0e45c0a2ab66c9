// The audit log and `catalog rebuild` through the CLI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, TempHome } from '../helpers/cli';

describe('audit and catalog rebuild', () => {
  let home: TempHome;
  let data: string;
  const cli = (...args: string[]) => runCli(args, { env: home.env });
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, '--json');
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout.toString()) as T;
  };

  beforeEach(() => {
    home = new TempHome();
    data = path.join(home.dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'a.txt'), 'one\n');
  });
  afterEach(() => home.cleanup());

  it('records who did what, newest first, and filters by time and user', async () => {
    await cli('target', 'add', 'web', '--type', 'filesystem', '--path', data);
    await cli('schedule', 'add', 'nightly', '--target', 'web', '--cron', '0 2 * * *');
    await cli('backup', '--target', 'web');
    await cli('restore', 'latest:web', '--target', path.join(home.dir, 'out'));
    await cli('schedule', 'remove', 'nightly');
    const { items } = await json<{ items: { action: string; user_id: string; entity_type: string }[] }>(
      'audit',
    );
    expect(items.map((a) => a.action)).toEqual([
      'schedule.remove',
      'restore.complete',
      'restore.start',
      'backup.complete',
      'backup.start',
      'schedule.create',
      'target.create',
    ]);
    const user = items[0]!.user_id;
    expect(user).toBeTruthy();
    expect((await json<{ items: unknown[] }>('audit', '--user', user)).items).toHaveLength(7);
    expect((await json<{ items: unknown[] }>('audit', '--user', 'somebody-else')).items).toEqual([]);
    expect((await json<{ items: unknown[] }>('audit', '--since', '1h')).items).toHaveLength(7);
    expect((await json<{ items: unknown[] }>('audit', '--until', '2000-01-01')).items).toEqual([]);
    const bad = await cli('audit', '--since', 'yesterday-ish');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"yesterday-ish" is not a time/);
  });

  it('regenerates the backups and targets from the repository alone', async () => {
    const first = await json<{ id: string; checksum_value: string }>('backup', data, '--name', 'data');
    fs.writeFileSync(path.join(data, 'b.txt'), 'two\n');
    const second = await json<{ id: string }>('backup', data, '--name', 'data');
    // The catalog is lost.
    for (const f of fs.readdirSync(home.dir).filter((n) => n.startsWith('catalog.db')))
      fs.rmSync(path.join(home.dir, f));
    expect((await json<{ items: unknown[] }>('backups')).items).toEqual([]);

    const rebuilt = await json<Record<string, number>>('catalog', 'rebuild');
    expect(rebuilt).toEqual({ snapshots: 2, backups_added: 2, backups_updated: 0, targets_added: 1 });
    const { items } = await json<{
      items: { id: string; status: string; checksum_value: string; backup_type: string }[];
    }>('backups');
    expect(items.map((b) => [b.id, b.status, b.backup_type])).toEqual([
      [second.id, 'completed', 'incremental'],
      [first.id, 'completed', 'full'],
    ]);
    expect(items[1]!.checksum_value).toBe(first.checksum_value);
    // The rebuilt catalog carries on: the next backup of the recovered target builds on the latest.
    const third = await json<{ parent_backup_id: string; backup_type: string }>('backup', '--target', 'data');
    expect(third).toMatchObject({ parent_backup_id: second.id, backup_type: 'incremental' });
    // Rebuilding again changes nothing.
    expect(await json<Record<string, number>>('catalog', 'rebuild')).toEqual({
      snapshots: 3,
      backups_added: 0,
      backups_updated: 0,
      targets_added: 0,
    });
  });
});
