import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ExitCode } from '../../functions/core/errors';
import { backupJson, CLI, NODE, runCli, TempHome, type RunResult } from '../helpers/cli';
import { randomData, sha256 } from '../helpers/data';

/**
 * Every bad input ends with a clear message on stderr ("lifeboat: what happened" and an indented
 * line saying what to do), the exit status of its kind, and never partial data on stdout.
 */
const MiB = 1024 * 1024;
const NOBODY = 65534;

interface JsonError {
  error: { code: string; message: string; hint?: string };
}

/** The two lines reportError prints: the message, then the hint indented. */
function messageAndHint(result: RunResult): { message: string; hint: string } {
  const match = /^lifeboat: (.+)\n {2}(.+)\n/m.exec(result.stderr);
  if (!match)
    throw new Error(`no "lifeboat: message" + hint on stderr (exit ${result.code}): ${result.stderr}`);
  return { message: match[1]!, hint: match[2]! };
}

function expectFailure(
  result: RunResult,
  exitCode: number,
  message: RegExp,
  hint: RegExp,
): { message: string; hint: string } {
  const text = messageAndHint(result);
  expect(text.message).toMatch(message);
  expect(text.hint).toMatch(hint);
  expect(result.stderr).not.toMatch(/unexpected error|This is a bug/);
  expect(result.code).toBe(exitCode);
  return text;
}

function parseJsonError(result: RunResult): JsonError {
  const text = result.stdout.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `stdout is not JSON (exit ${result.code}): ${JSON.stringify(text)}; stderr: ${result.stderr}`,
    );
  }
  expect(parsed).toEqual({
    error: { code: expect.any(String), message: expect.any(String), hint: expect.any(String) },
  });
  return parsed as JsonError;
}

/** Tries to mount a 3 MiB tmpfs; returns its directory, or why it cannot. */
function mountSmallTmpfs(): { dir: string } | { reason: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0755', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { reason: stderr || (error as Error).message };
  }
}

describe('backup references', () => {
  const home = new TempHome('lifeboat-errors-');
  let first = '';
  let second = '';
  afterAll(() => home.cleanup());

  beforeAll(async () => {
    // Two backups in quick succession: their ULIDs share the first characters (the time).
    first = backupJson(
      await runCli(['backup', '--stdin', '--name', 'db', '--json'], { input: 'one', env: home.env }),
    ).id;
    second = backupJson(
      await runCli(['backup', '--stdin', '--name', 'db', '--json'], { input: 'two', env: home.env }),
    ).id;
  });

  test('an unknown id: 15, names the id, points to `lifeboat snapshots`', async () => {
    const unknown = '01ZZZZZZZZZZZZZZZZZZZZZZZZ';
    const result = await runCli(['restore', unknown, '--stdout'], { env: home.env });
    expectFailure(
      result,
      ExitCode.notFound,
      new RegExp(`No backup matches "${unknown}"`),
      /lifeboat snapshots/,
    );
    expect(result.stdout.length).toBe(0);
  });

  test('an id prefix that matches nothing: 15', async () => {
    const result = await runCli(['restore', 'ZZZZZZZZ', '--stdout'], { env: home.env });
    expectFailure(result, ExitCode.notFound, /No backup matches "ZZZZZZZZ"/, /unique prefix/);
  });

  test('a too-short id says how long an id prefix must be, not that nothing matches', async () => {
    // Five characters of a real id: it is a prefix of existing backups, just too short to use.
    const short = first.slice(0, 5);
    const result = await runCli(['restore', short, '--stdout'], { env: home.env });
    const { message, hint } = messageAndHint(result);
    expect(`${message}\n${hint}`).toMatch(/too short|at least 6/i);
    expect(message).not.toMatch(/No backup matches/);
    expect([ExitCode.usage, ExitCode.notFound]).toContain(result.code);
    expect(result.stdout.length).toBe(0);
  });

  test('an ambiguous id prefix: 2, says how many match, asks for more characters', async () => {
    let common = 0;
    while (common < first.length && first[common] === second[common]) common++;
    expect(common).toBeGreaterThanOrEqual(6); // made within ~17 minutes of each other
    const prefix = first.slice(0, common);
    const result = await runCli(['restore', prefix.toLowerCase(), '--stdout'], { env: home.env });
    expectFailure(result, ExitCode.usage, /matches 2 backups/, /more characters/);
    expect(result.stdout.length).toBe(0);
    // One more character is unique and restores.
    const unique = await runCli(['restore', second.slice(0, common + 1), '--stdout'], { env: home.env });
    expect(unique.code).toBe(0);
    expect(unique.stdout.toString()).toBe('two');
  });

  test('latest:nosuch: 15, names the reference', async () => {
    const result = await runCli(['restore', 'latest:nosuch', '--stdout'], { env: home.env });
    expectFailure(result, ExitCode.notFound, /No backup matches "latest:nosuch"/, /latest:NAME/);
    expect(result.stdout.length).toBe(0);
  });
});

describe('a missing repository', () => {
  const home = new TempHome('lifeboat-errors-');
  afterAll(() => home.cleanup());

  test.each([
    ['snapshots', ['snapshots']],
    ['restore', ['restore', 'latest:db', '--stdout']],
    ['check', ['check']],
  ])('%s --repo /nonexistent/x: 10, names the path, suggests init', async (_label, args) => {
    const result = await runCli([...args, '--repo', '/nonexistent/x'], { env: home.env });
    expectFailure(
      result,
      ExitCode.repositoryMissing,
      /No Lifeboat repository at \/nonexistent\/x/,
      /lifeboat init/,
    );
    expect(result.stdout.length).toBe(0);
  });

  test('the default repository of an empty LIFEBOAT_HOME is missing too (and is not created)', async () => {
    const result = await runCli(['snapshots'], { env: home.env });
    expectFailure(
      result,
      ExitCode.repositoryMissing,
      new RegExp(`No Lifeboat repository at ${home.repo}`),
      /init/,
    );
    expect(readdirSync(home.dir)).toEqual([]);
  });
});

describe('permission denied (repository owned by root, mode 0700; the CLI runs as nobody)', () => {
  const owner = new TempHome('lifeboat-errors-root-');
  const nobodyHome = mkdtempSync(path.join(tmpdir(), 'lifeboat-errors-nobody-'));
  const asNobody = { uid: NOBODY, gid: NOBODY, env: { LIFEBOAT_HOME: nobodyHome } };
  afterAll(() => {
    owner.cleanup();
    rmSync(nobodyHome, { recursive: true, force: true });
  });

  beforeAll(async () => {
    backupJson(
      await runCli(['backup', '--stdin', '--name', 'db', '--json'], { input: 'secret', env: owner.env }),
    );
    // nobody may pass through the root-owned home, but not into the repository (0700) itself.
    chmodSync(owner.dir, 0o755);
    chmodSync(owner.repo, 0o700);
    chownSync(nobodyHome, NOBODY, NOBODY);
    // The node binary and dist/ must be usable by nobody, or every case below fails for another reason.
    const probe = await runCli(['--help'], asNobody);
    if (probe.code !== 0) throw new Error(`the CLI does not run as uid ${NOBODY}: ${probe.stderr}`);
  });

  test.each([
    ['snapshots', ['snapshots']],
    ['check', ['check']],
    ['restore', ['restore', 'latest:db', '--stdout']],
    ['backup', ['backup', '--stdin', '--name', 'db']],
  ])('%s: 13, names the repository, says to fix ownership or mode', async (_label, args) => {
    const result = await runCli([...args, '--repo', owner.repo], { ...asNobody, input: 'data' });
    const { message } = expectFailure(result, ExitCode.permission, /Permission denied/, /ownership and mode/);
    expect(message).toContain(owner.repo);
    expect(result.stdout.length).toBe(0);
  });
});

/**
 * A 3 MiB tmpfs for the describe block that calls this, unmounted after it. Where none can be
 * mounted, `diskTest` skips the block's tests and says why.
 */
function smallTmpfsFor(what: string): { dir: string; diskTest: typeof test } {
  const mounted = mountSmallTmpfs();
  afterAll(() => {
    if (!('dir' in mounted)) return;
    execFileSync('umount', [mounted.dir]);
    rmSync(mounted.dir, { recursive: true, force: true });
  });
  if ('reason' in mounted) console.warn(`Skipping ${what}: cannot mount a tmpfs (${mounted.reason}).`);
  return 'dir' in mounted ? { dir: mounted.dir, diskTest: test } : { dir: '', diskTest: test.skip };
}

describe('disk full', () => {
  const { dir, diskTest } = smallTmpfsFor('the disk-full tests');
  const home = new TempHome('lifeboat-errors-');
  const env = { ...home.env, LIFEBOAT_REPOSITORY: dir && path.join(dir, 'repository') };
  afterAll(() => home.cleanup());

  diskTest(
    'a backup larger than the free space: 14, says no space; nothing is listed; check passes',
    async () => {
      expect((await runCli(['init'], { env })).code).toBe(0);
      const result = await runCli(['backup', '--stdin', '--name', 'big', '--json'], {
        input: randomData(10 * MiB, 'too big'),
        env,
      });
      const error = parseJsonError(result).error;
      expect(error.code).toBe('NO_SPACE');
      expectFailure(result, ExitCode.noSpace, /[Nn]o space left/, /Free space/);

      const snapshots = await runCli(['snapshots', '--json'], { env });
      expect(snapshots.code).toBe(0);
      expect(JSON.parse(snapshots.stdout.toString())).toEqual([]);
      const check = await runCli(['check', '--json'], { env });
      expect(check.code).toBe(0);
      expect((JSON.parse(check.stdout.toString()) as { ok: boolean }).ok).toBe(true);
    },
  );

  diskTest(
    'a tree of many files larger than the free space: 14 as well, while files are still in flight',
    async () => {
      // Files fail while others wait for their workers and directories for their files: the
      // backup must end with the store's error, not hang or die of an unhandled rejection.
      const source = path.join(home.dir, 'many');
      for (let d = 0; d < 4; d++) {
        mkdirSync(path.join(source, `d${d}`), { recursive: true });
        for (let f = 0; f < 100; f++)
          writeFileSync(path.join(source, `d${d}`, `f${f}`), randomData(32 * 1024, `many ${d} ${f}`));
      }
      const result = await runCli(['backup', source, '--name', 'many', '--json'], { env });
      expect(parseJsonError(result).error.code).toBe('NO_SPACE');
      expectFailure(result, ExitCode.noSpace, /[Nn]o space left/, /Free space/);
      const snapshots = await runCli(['snapshots', '--json'], { env });
      expect(JSON.parse(snapshots.stdout.toString())).toEqual([]);
    },
  );

  diskTest('afterwards the space is given back: a small backup succeeds and restores', async () => {
    const data = randomData(200_000, 'fits');
    const backup = backupJson(
      await runCli(['backup', '--stdin', '--name', 'small', '--json'], { input: data, env }),
    );
    const restored = await runCli(['restore', backup.id, '--stdout'], { env });
    expect(restored.code).toBe(0);
    expect(sha256(restored.stdout)).toBe(sha256(data));
  });
});

describe('a restore test without room to restore into (TMPDIR on a 3 MiB tmpfs)', () => {
  const { dir, diskTest } = smallTmpfsFor('the restore test without room');
  const home = new TempHome('lifeboat-scratch-');
  afterAll(() => home.cleanup());

  diskTest('fails the verification (11), saying it is the disk and not the backup', async () => {
    const source = path.join(home.dir, 'source');
    mkdirSync(source);
    writeFileSync(path.join(source, 'data.bin'), randomData(5 * MiB, 'scratch'));
    expect((await runCli(['backup', source, '--name', 'files'], { env: home.env })).code).toBe(0);
    const env = { ...home.env, TMPDIR: dir };
    const human = await runCli(['verify', 'latest:files', '--type', 'restore_test'], { env });
    expect(human.code).toBe(ExitCode.integrity);
    expect(human.stderr).toContain('The restore test ran out of scratch space in ');
    expect(human.stderr).toContain('This says nothing about the backup.');
    expect(human.stderr).toContain('Give the verification more room: TMPDIR on a larger disk');
    expect(human.stderr).not.toContain('check --read-data');
    const json = await runCli(['verify', 'latest:files', '--type', 'restore_test', '--json'], { env });
    expect(JSON.parse(json.stdout.toString())).toMatchObject({
      status: 'failed',
      restore_test_passed: false,
      verification_details: {
        restore_test: { error: expect.stringMatching(/bytes of files\), so it could not finish/) },
      },
    });
    // With room, the same backup passes its restore test.
    expect((await runCli(['verify', 'latest:files', '--type', 'restore_test'], { env: home.env })).code).toBe(
      0,
    );
  });
});

describe('usage errors: 2', () => {
  const home = new TempHome('lifeboat-errors-');
  afterAll(() => home.cleanup());

  test.each([
    ['empty', ''],
    ['with a slash', 'a/b'],
  ])('backup --name %s', async (_label, name) => {
    const result = await runCli(['backup', '--stdin', '--name', name], { input: 'x', env: home.env });
    expectFailure(result, ExitCode.usage, new RegExp(`Invalid backup name "${name}"`), /letters, digits/);
  });

  test('an invalid name is refused before anything is created (no repository, no key file)', async () => {
    const fresh = new TempHome('lifeboat-errors-fresh-');
    try {
      const result = await runCli(['backup', '--stdin', '--name', 'a/b'], { input: 'x', env: fresh.env });
      expect(result.code).toBe(ExitCode.usage);
      expect(result.stderr).not.toMatch(/Created repository/);
      expect(readdirSync(fresh.dir)).toEqual([]);
    } finally {
      fresh.cleanup();
    }
  });

  test('backup without --stdin', async () => {
    const result = await runCli(['backup', '--name', 'db'], { input: 'x', env: home.env });
    expectFailure(result, ExitCode.usage, /Nothing to back up/, /--stdin/);
  });

  test('restore without --stdout', async () => {
    const result = await runCli(['restore', 'latest:db'], { env: home.env });
    expectFailure(result, ExitCode.usage, /Nothing restored/, /--stdout/);
    expect(result.stdout.length).toBe(0);
  });

  test('debug chunk on a missing file', async () => {
    const missing = path.join(home.dir, 'no-such-file');
    const result = await runCli([
      'debug',
      'chunk',
      missing,
      '--min',
      '4096',
      '--avg',
      '16384',
      '--max',
      '65535',
    ]);
    expectFailure(result, ExitCode.usage, new RegExp(`Cannot read ${missing}`), /Check the path/);
    expect(result.stdout.length).toBe(0);
  });

  test('a missing required option and an unknown --type (commander): 2 with usage', async () => {
    const missing = await runCli(['backup', '--stdin'], { input: 'x', env: home.env });
    expect(missing.code).toBe(ExitCode.usage);
    expect(missing.stderr).toMatch(/--name/);
    const badType = await runCli(['backup', '--stdin', '--name', 'db', '--type', 'weekly'], {
      input: 'x',
      env: home.env,
    });
    expect(badType.code).toBe(ExitCode.usage);
    expect(badType.stderr).toMatch(/weekly/);
  });
});

describe('keys', () => {
  const home = new TempHome('lifeboat-errors-');
  const other = new TempHome('lifeboat-errors-other-');
  const secret = Buffer.concat([Buffer.from('TOP-SECRET-PAYLOAD '), randomData(300_000, 'secret')]);
  afterAll(() => {
    home.cleanup();
    other.cleanup();
  });

  beforeAll(async () => {
    backupJson(
      await runCli(['backup', '--stdin', '--name', 'db', '--json'], { input: secret, env: home.env }),
    );
    expect((await runCli(['init'], { env: other.env })).code).toBe(0);
  });

  test.each([
    ['restore', ['restore', 'latest:db', '--stdout']],
    ['snapshots', ['snapshots']],
    ['check', ['check']],
    ['backup', ['backup', '--stdin', '--name', 'db']],
  ])('another key file (LIFEBOAT_KEY_FILE) with %s: 12, and no data', async (_label, args) => {
    const env = { ...home.env, LIFEBOAT_KEY_FILE: path.join(other.dir, 'key') };
    const result = await runCli(args, { env, input: 'new data' });
    expectFailure(result, ExitCode.wrongKey, /key does not open this repository/, /LIFEBOAT_KEY_FILE/);
    expect(result.stdout.length).toBe(0);
  });

  test('the right key still opens it (the failures above changed nothing)', async () => {
    const restored = await runCli(['restore', 'latest:db', '--stdout'], { env: home.env });
    expect(restored.code).toBe(0);
    expect(restored.stdout.equals(secret)).toBe(true);
    const list = JSON.parse(
      (await runCli(['snapshots', '--json'], { env: home.env })).stdout.toString(),
    ) as unknown[];
    expect(list).toHaveLength(1);
  });

  test('a wrong passphrase: 12, and no data', async () => {
    const passHome = new TempHome('lifeboat-errors-pass-');
    try {
      const data = randomData(100_000, 'passphrase');
      backupJson(
        await runCli(['backup', '--stdin', '--name', 'db', '--json'], {
          input: data,
          env: { ...passHome.env, LIFEBOAT_PASSPHRASE: 'a' },
        }),
      );
      const wrong = await runCli(['restore', 'latest:db', '--stdout'], {
        env: { ...passHome.env, LIFEBOAT_PASSPHRASE: 'b' },
      });
      expectFailure(wrong, ExitCode.wrongKey, /passphrase does not open/, /LIFEBOAT_PASSPHRASE/);
      expect(wrong.stdout.length).toBe(0);
      const right = await runCli(['restore', 'latest:db', '--stdout'], {
        env: { ...passHome.env, LIFEBOAT_PASSPHRASE: 'a' },
      });
      expect(right.code).toBe(0);
      expect(right.stdout.equals(data)).toBe(true);
    } finally {
      passHome.cleanup();
    }
  });

  test('a key file readable by others (0644) is refused: 13 with a chmod 600 hint, and no data', async () => {
    const keyFile = path.join(home.dir, 'key');
    chmodSync(keyFile, 0o644);
    try {
      for (const args of [
        ['restore', 'latest:db', '--stdout'],
        ['snapshots'],
        ['backup', '--stdin', '--name', 'db'],
      ]) {
        const result = await runCli(args, { env: home.env, input: 'more' });
        expectFailure(result, ExitCode.permission, /accessible by other users \(mode 0644\)/, /chmod 600/);
        expect(result.stderr).toContain(`chmod 600 ${keyFile}`);
        expect(result.stdout.length).toBe(0);
      }
    } finally {
      chmodSync(keyFile, 0o600);
    }
  });
});

describe('--json errors are a JSON object {error: {code, message, hint}} on stdout', () => {
  const home = new TempHome('lifeboat-errors-');
  const other = new TempHome('lifeboat-errors-other-');
  afterAll(() => {
    home.cleanup();
    other.cleanup();
  });

  beforeAll(async () => {
    backupJson(await runCli(['backup', '--stdin', '--name', 'db', '--json'], { input: 'x', env: home.env }));
    expect((await runCli(['init'], { env: other.env })).code).toBe(0);
  });

  test.each([
    ['not found', ['restore', 'latest:nosuch', '--stdout'], {}, 'BACKUP_NOT_FOUND', ExitCode.notFound],
    [
      'no repository',
      ['snapshots', '--repo', '/nonexistent/x'],
      {},
      'REPOSITORY_NOT_FOUND',
      ExitCode.repositoryMissing,
    ],
    ['invalid name', ['backup', '--stdin', '--name', 'a/b'], {}, 'INVALID_INPUT', ExitCode.usage],
    ['no --stdout', ['restore', 'latest:db'], {}, 'INVALID_INPUT', ExitCode.usage],
    ['wrong key', ['snapshots'], { LIFEBOAT_KEY_FILE: 'OTHER' }, 'WRONG_KEY', ExitCode.wrongKey],
  ])('%s', async (_label, args, extraEnv: Record<string, string>, code, exitCode) => {
    const env = { ...home.env, ...extraEnv };
    if (env.LIFEBOAT_KEY_FILE === 'OTHER') env.LIFEBOAT_KEY_FILE = path.join(other.dir, 'key');
    const result = await runCli([...args, '--json'], { env, input: 'x' });
    const { error } = parseJsonError(result);
    expect(error.code).toBe(code);
    expect(result.code).toBe(exitCode);
    // The same message and hint as for people, who still get them on stderr.
    expect(messageAndHint(result)).toEqual({ message: error.message, hint: error.hint });
  });

  test('usage errors found by the option parser are JSON too', async () => {
    const result = await runCli(['backup', '--stdin', '--json'], { input: 'x', env: home.env });
    expect(result.code).toBe(ExitCode.usage);
    expect(parseJsonError(result).error.message).toMatch(/--name/);
  });
});

describe('bad input never leaves a partial backup behind', () => {
  const home = new TempHome('lifeboat-errors-');
  afterAll(() => home.cleanup());

  test('after all the refusals above on one repository, check passes and only good backups are listed', async () => {
    const good = backupJson(
      await runCli(['backup', '--stdin', '--name', 'db', '--json'], { input: 'good', env: home.env }),
    );
    await runCli(['backup', '--stdin', '--name', 'bad/name'], { input: 'x', env: home.env });
    await runCli(['backup', '--name', 'db'], { input: 'x', env: home.env });
    const check = await runCli(['check', '--json'], { env: home.env });
    expect(check.code).toBe(0);
    const list = JSON.parse((await runCli(['snapshots', '--json'], { env: home.env })).stdout.toString()) as {
      id: string;
    }[];
    expect(list.map((s) => s.id)).toEqual([good.id]);
  });
});

const { version: PACKAGE_VERSION } = JSON.parse(
  readFileSync(path.join(__dirname, '../../package.json'), 'utf8'),
) as { version: string };

test('--version prints the package version and exits 0, touching no repository', async () => {
  const home = new TempHome('lifeboat-version-');
  try {
    const result = await runCli(['--version'], { env: home.env });
    expect(result.code).toBe(0);
    expect(result.stdout.toString().trim()).toBe(PACKAGE_VERSION);
    expect(readdirSync(home.dir)).toEqual([]);
  } finally {
    home.cleanup();
  }
});

test('the built CLI runs as a program, as `npx lifeboat` starts it (the build marks it executable)', () => {
  // Its shebang finds `node` on PATH: the Node 22 this test runs on.
  const env = { PATH: `${path.dirname(NODE)}${path.delimiter}${process.env.PATH ?? ''}` };
  const printed = execFileSync(CLI, ['--version'], { env, encoding: 'utf8' });
  expect(printed.trim()).toBe(PACKAGE_VERSION);
});
