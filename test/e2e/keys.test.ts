/**
 * Key slots through the CLI, with real secrets: the default key file, a new key file and a
 * passphrase. (KMS slots are tested with a mocked KMS in test/unit/kms-key-slots.test.ts.)
 */
import * as path from 'node:path';
import { backupJson, runCli, TempHome } from '../helpers/cli';
import { randomData } from '../helpers/data';

jest.setTimeout(120_000);

interface SlotList {
  repo_id: string;
  slots: { id: string; kind: string; current: boolean; kek_id: string | null }[];
}

describe('lifeboat key', () => {
  const home = new TempHome('lifeboat-keys-');
  afterAll(() => home.cleanup());

  test('add a key file and a passphrase; each opens the repository; remove the first key', async () => {
    const env = home.env;
    const backup = backupJson(
      await runCli(['backup', '--stdin', '--name', 's', '--json'], { env, input: 'data' }),
    );
    const list = async (extra: NodeJS.ProcessEnv = {}) => {
      const r = await runCli(['key', 'list', '--json'], { env: { ...env, ...extra } });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout.toString()) as SlotList;
    };
    const first = await list();
    expect(first.slots).toHaveLength(1);
    expect(first.slots[0]).toMatchObject({ kind: 'keyfile', current: true });

    const newKey = path.join(home.dir, 'second.key');
    const added = await runCli(['key', 'add', '--new-key-file', newKey], { env });
    expect(added.code).toBe(0);
    expect(added.stderr).toContain(`New key file ${newKey}`);
    const withPass = await runCli(['key', 'add', '--passphrase-env', 'NEW_PASS'], {
      env: { ...env, NEW_PASS: 'a long passphrase for the test' },
    });
    expect(withPass.code).toBe(0);
    // The passphrase is never printed.
    expect(withPass.stderr).not.toContain('a long passphrase');

    const byNewFile = await list({ LIFEBOAT_KEY_FILE: newKey });
    expect(byNewFile.slots.map((s) => s.kind).sort()).toEqual(['keyfile', 'keyfile', 'passphrase']);
    expect(byNewFile.slots.find((s) => s.current)?.id).not.toBe(first.slots[0]!.id);
    const restored = await runCli(['restore', backup.id, '--stdout'], {
      env: { ...env, LIFEBOAT_PASSPHRASE: 'a long passphrase for the test' },
    });
    expect(restored.stdout.toString()).toBe('data');

    // The key a command opened with cannot be removed by that command.
    const own = await runCli(['key', 'remove', first.slots[0]!.id], { env });
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('is the key this command opened the repository with');
    const removed = await runCli(['key', 'remove', first.slots[0]!.id], {
      env: { ...env, LIFEBOAT_KEY_FILE: newKey },
    });
    expect(removed.code).toBe(0);
    const old = await runCli(['snapshots'], { env });
    expect(old.code).toBe(12);
    expect((await list({ LIFEBOAT_KEY_FILE: newKey })).slots).toHaveLength(2);
  });

  test('key rotate: new backups under a new key, old ones restore; a key left behind reads but cannot write', async () => {
    const rotateHome = new TempHome('lifeboat-rotate-cli-');
    try {
      const env = rotateHome.env;
      const before = backupJson(
        await runCli(['backup', '--stdin', '--name', 'r', '--json'], { env, input: 'before rotation' }),
      );
      const passEnv = { ...env, LIFEBOAT_PASSPHRASE: 'left behind', LIFEBOAT_KEY_FILE: '/nonexistent' };
      expect(
        (await runCli(['key', 'add', '--passphrase-env', 'P'], { env: { ...env, P: 'left behind' } })).code,
      ).toBe(0);

      const rotated = await runCli(['key', 'rotate', '--json'], { env });
      expect(rotated.code).toBe(0);
      const report = JSON.parse(rotated.stdout.toString()) as {
        generation: number;
        rewrapped: { kind: string }[];
        left: { kind: string; generation: number }[];
      };
      expect(report.generation).toBe(1);
      expect(report.rewrapped.map((r) => r.kind)).toEqual(['keyfile']);
      expect(report.left).toEqual([expect.objectContaining({ kind: 'passphrase', generation: 0 })]);
      expect(rotated.stderr).toContain('stays at generation 0');
      expect(rotated.stderr).not.toContain('left behind');

      const after = backupJson(
        await runCli(['backup', '--stdin', '--name', 'r', '--json'], { env, input: 'after rotation' }),
      );
      for (const [id, text] of [
        [before.id, 'before rotation'],
        [after.id, 'after rotation'],
      ])
        expect((await runCli(['restore', id!, '--stdout'], { env })).stdout.toString()).toBe(text);

      const listed = JSON.parse((await runCli(['key', 'list', '--json'], { env })).stdout.toString()) as {
        generation: number;
        slots: { kind: string; generation: number; writable: boolean }[];
      };
      expect(listed.generation).toBe(1);
      expect(listed.slots.map((s) => [s.kind, s.generation, s.writable]).sort()).toEqual([
        ['keyfile', 1, true],
        ['passphrase', 0, false],
      ]);

      // The passphrase still restores what was backed up before the rotation...
      const old = await runCli(['restore', before.id, '--stdout'], { env: passEnv });
      expect(old.stdout.toString()).toBe('before rotation');
      // ...and says plainly why it cannot write or read what came after.
      const write = await runCli(['backup', '--stdin', '--name', 'r2'], { env: passEnv, input: 'x' });
      expect(write.code).toBe(12);
      expect(write.stderr).toContain('rotated to generation 1: it can read and restore, not write');
      const newer = await runCli(['restore', after.id, '--stdout'], { env: passEnv });
      expect(newer.code).toBe(12);
      expect(newer.stderr).toContain('cannot be read with this key');
    } finally {
      rotateHome.cleanup();
    }
  });

  test('key add --writer: a write-only key backs up and deduplicates, but restores and lists nothing', async () => {
    const writerHome = new TempHome('lifeboat-writer-cli-');
    try {
      const env = writerHome.env;
      const data = randomData(6 * 1024 * 1024, 'writer-cli');
      const more = Buffer.concat([data, Buffer.from('more')]);
      const first = backupJson(
        await runCli(['backup', '--stdin', '--name', 'w', '--json'], { env, input: data }),
      );
      const writerKey = path.join(writerHome.dir, 'writer.key');
      const added = await runCli(['key', 'add', '--writer', '--new-key-file', writerKey, '--json'], { env });
      expect(added.code).toBe(0);
      expect(JSON.parse(added.stdout.toString())).toMatchObject({ role: 'writer', kind: 'keyfile' });

      const writerEnv = { ...env, LIFEBOAT_KEY_FILE: writerKey };
      const made = backupJson(
        await runCli(['backup', '--stdin', '--name', 'w', '--json'], {
          env: writerEnv,
          input: more,
        }),
      );
      expect(made.parent_backup_id).toBe(first.id);
      expect(made.chunks_reused).toBeGreaterThan(0);
      for (const args of [['restore', made.id, '--stdout'], ['snapshots'], ['check']]) {
        const refused = await runCli(args, { env: writerEnv });
        expect(refused.code).toBe(12);
        expect(refused.stderr).toContain('it is a write-only key, which backs up but never reads a backup');
        expect(refused.stdout.toString()).toBe('');
      }
      const restored = await runCli(['restore', made.id, '--stdout'], { env });
      expect(restored.stdout.equals(more)).toBe(true);
      const listed = JSON.parse((await runCli(['key', 'list', '--json'], { env })).stdout.toString()) as {
        slots: { role: string }[];
      };
      expect(listed.slots.map((s) => s.role).sort()).toEqual(['reader', 'writer']);
    } finally {
      writerHome.cleanup();
    }
  });

  test('key add needs exactly one new secret; an unset variable is named', async () => {
    const env = home.env;
    const none = await runCli(['key', 'add'], {
      env: { ...env, LIFEBOAT_KEY_FILE: path.join(home.dir, 'second.key') },
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('exactly one of --kms ARN, --new-key-file PATH or --passphrase-env VAR');
    const unset = await runCli(['key', 'add', '--passphrase-env', 'NOT_SET'], {
      env: { ...env, LIFEBOAT_KEY_FILE: path.join(home.dir, 'second.key') },
    });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('NOT_SET is not set or empty');
  });
});
