import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  appendFileSync,
  readdirSync,
  symlinkSync,
} from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { backupJson, runCli, TempHome } from '../helpers/cli';
import { randomData } from '../helpers/data';
import { diffTrees, makeSparse, makeTree, NON_UTF8, treeFacts } from '../helpers/tree';

jest.setTimeout(180_000);

const NOBODY = 65534;

function json<T = Record<string, unknown>>(out: Buffer): T {
  return JSON.parse(out.toString('utf8')) as T;
}

describe('filesystem backup and restore', () => {
  const home = new TempHome('lifeboat-fs-');
  const env = home.env;
  const src = path.join(home.dir, 'src');
  let firstId = '';

  beforeAll(() => {
    mkdirSync(src);
    makeTree(src);
  });
  afterAll(() => home.cleanup());

  it('restores a tree byte for byte with its metadata: modes, mtimes, owners, symlinks, hard links, odd names', async () => {
    const backup = await runCli(['backup', src, '--name', 'tree', '--json'], { env });
    const summary = backupJson(backup);
    firstId = summary.id;
    expect(summary).toMatchObject({
      backup_type: 'full',
      target_type: 'filesystem',
      files_unmodified: 0,
      warnings: [],
    });
    // 9 regular files + 40 in src/lib + 2 second names of hard links; 4 symlinks.
    expect(summary.files_new).toBe(51);
    expect(summary.symlinks).toBe(4);

    const out = path.join(home.dir, 'out-full');
    const restored = await runCli(['restore', firstId, '--target', out, '--json'], { env });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(json(restored.stdout)).toMatchObject({
      refused: [],
      hardlinks: 2,
      symlinks: 4,
      time_precision: 'ns',
    });
    const diff = diffTrees(src, out);
    expect(diff.output).toBe('');
    expect(diff.same).toBe(true);
    expect(treeFacts(out)).toEqual(treeFacts(src));
    // The names made of bytes that are not UTF-8 came back as those bytes.
    expect(readdirSync(out, { encoding: 'buffer' }).some((n) => n.equals(NON_UTF8))).toBe(true);
  });

  it('reads and writes files on worker threads where the native addons are missing: the same tree, byte for byte', async () => {
    // A Lambda bundle has no addons; these leave out file-reader.node and file-writer.node here.
    const workers = { ...env, LIFEBOAT_NO_NATIVE_READER: '1', LIFEBOAT_NO_NATIVE_WRITER: '1' };
    const [native, fallback] = [
      backupJson(await runCli(['backup', src, '--name', 'tree', '--type', 'full', '--json'], { env })),
      backupJson(
        await runCli(['backup', src, '--name', 'tree', '--type', 'full', '--json'], { env: workers }),
      ),
    ];
    // Same chunks, ids and nodes, so the same root tree: either reader deduplicates against the other.
    expect(fallback.checksum_value).toBe(native.checksum_value);
    expect(fallback.files_new).toBe(51);
    const out = path.join(home.dir, 'out-workers');
    const restored = await runCli(['restore', fallback.id, '--target', out, '--json'], { env: workers });
    expect(restored.code).toBe(0);
    expect(diffTrees(src, out).same).toBe(true);
    expect(treeFacts(out)).toEqual(treeFacts(src));
  });

  it('says so when times can only be set to the microsecond (no nanosecond addon)', async () => {
    const fallback = { ...env, LIFEBOAT_NO_NANO_TIMES: '1' };
    const out = path.join(home.dir, 'out-microseconds');
    const asJson = await runCli(['restore', firstId, '--target', out, '--json'], { env: fallback });
    expect(asJson.code).toBe(0);
    expect(json(asJson.stdout)).toMatchObject({ time_precision: 'us' });
    // Cut to the microsecond, not the nanosecond: a file written now has nanoseconds to lose.
    const facts = treeFacts(out);
    expect([...facts.values()].every((f) => f.mtimeNs % 1000n === 0n)).toBe(true);
    expect([...treeFacts(src).values()].some((f) => f.mtimeNs % 1000n !== 0n)).toBe(true);
    const asText = await runCli(['restore', firstId, '--target', path.join(home.dir, 'out-microseconds-2')], {
      env: fallback,
    });
    expect(asText.code).toBe(0);
    expect(`${asText.stdout}${asText.stderr}`).toMatch(/Times were set to the microsecond.*cc/s);
  });

  it('lists the tree (ls) and shows what changed (diff)', async () => {
    const ls = await runCli(['ls', firstId, 'docs'], { env });
    expect(ls.code).toBe(0);
    expect(ls.stdout.toString().split('\n').filter(Boolean)).toEqual([
      'docs',
      'docs/deep',
      'docs/deep/er',
      'docs/deep/er/est',
      'docs/deep/er/est/bottom.txt',
      'docs/hard-link-big',
    ]);
    const lsJson = json<{ path: string; type: string; path_base64?: string }[]>(
      (await runCli(['ls', firstId, '--json'], { env })).stdout,
    );
    expect(lsJson.find((e) => e.path === 'link-dangling')).toMatchObject({
      type: 'symlink',
      target: 'does/not/exist',
    });
    expect(lsJson.find((e) => e.path_base64 === NON_UTF8.toString('base64'))).toBeDefined();

    appendFileSync(path.join(src, 'src', 'lib', 'file-007.c'), '// changed\n');
    writeFileSync(path.join(src, 'added.txt'), 'new\n');
    rmSync(path.join(src, 'empty-file'));
    chmodSync(path.join(src, 'docs', 'deep', 'er'), 0o700); // a directory's own metadata
    const second = backupJson(await runCli(['backup', src, '--name', 'tree', '--json'], { env }));
    const diff = json<{
      added: { path: string }[];
      removed: { path: string }[];
      changed: { path: string; what: string[] }[];
    }>((await runCli(['diff', firstId, second.id, '--json'], { env })).stdout);
    expect(diff.added.map((e) => e.path)).toEqual(['added.txt']);
    expect(diff.removed.map((e) => e.path)).toEqual(['empty-file']);
    expect(diff.changed).toEqual([
      { path: 'docs/deep/er', what: ['mode'] },
      { path: 'src/lib/file-007.c', what: expect.arrayContaining(['size', 'content', 'mtime']) },
    ]);
  });

  it('ends a listing quietly when its reader stops early (ls | head)', async () => {
    // The read end is closed before the CLI writes its first line: every write fails with EPIPE.
    const ls = await runCli(['ls', firstId, '--long'], { env, onSpawn: (child) => child.stdout!.destroy() });
    expect({ code: ls.code, stderr: ls.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('restores a subtree and single files only (--include, --exclude)', async () => {
    const out = path.join(home.dir, 'out-part');
    const r = await runCli(
      [
        'restore',
        firstId,
        '--target',
        out,
        '--include',
        'docs/deep',
        '--include',
        'src/lib/file-003.c',
        '--exclude',
        'docs/deep/er/est',
        '--json',
      ],
      { env },
    );
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(out, 'src', 'lib', 'file-003.c'), 'utf8')).toBe(
      readFileSync(path.join(src, 'src', 'lib', 'file-003.c'), 'utf8'),
    );
    expect(readdirSync(path.join(out, 'src', 'lib'))).toEqual(['file-003.c']);
    expect(existsSync(path.join(out, 'docs', 'deep', 'er'))).toBe(true);
    expect(existsSync(path.join(out, 'docs', 'deep', 'er', 'est'))).toBe(false);
    expect(existsSync(path.join(out, 'docs', 'hard-link-big'))).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['docs', 'src']);
  });

  it('names a path that is not UTF-8 by its bytes, as a shell passes it (--include, --exclude, ls)', async () => {
    // Two names that read the same once their invalid bytes are replaced by U+FFFD, and a
    // directory in latin1 ("Résumé"), as an older system writes names.
    const tree = path.join(home.dir, 'bytes');
    const one = Buffer.from('f\xff\xfe.bin', 'latin1');
    const other = Buffer.from('f\xfe\xff.bin', 'latin1');
    const latin1Dir = Buffer.from('R\xe9sum\xe9', 'latin1');
    mkdirSync(tree);
    const joined = (...names: Buffer[]) =>
      Buffer.concat(names.flatMap((n, i) => (i === 0 ? [n] : [Buffer.from('/'), n])));
    const at = (...names: Buffer[]) => joined(Buffer.from(tree), ...names);
    writeFileSync(at(one), 'one');
    writeFileSync(at(other), 'other');
    mkdirSync(at(latin1Dir));
    writeFileSync(at(latin1Dir, Buffer.from('cv.txt')), 'cv');
    const id = backupJson(await runCli(['backup', tree, '--name', 'bytes', '--json'], { env })).id;
    const names = (dir: string) =>
      readdirSync(dir, { encoding: 'buffer' })
        .map((n) => n.toString('latin1'))
        .sort();

    const out = path.join(home.dir, 'out-bytes');
    const r = await runCli(
      ['restore', id, '--target', out, '--include', one, '--include', latin1Dir, '--json'],
      { env },
    );
    expect(r.stderr).toBe('');
    expect(json(r.stdout)).toMatchObject({ files_restored: 2, refused: [] });
    expect(names(out)).toEqual([one, latin1Dir].map((n) => n.toString('latin1')).sort());
    expect(readFileSync(Buffer.concat([Buffer.from(`${out}/`), one]), 'utf8')).toBe('one');

    const out2 = path.join(home.dir, 'out-bytes-2');
    const r2 = await runCli(['restore', id, '--target', out2, '--exclude', one, '--json'], { env });
    expect(r2.code).toBe(0);
    expect(names(out2)).toEqual([other, latin1Dir].map((n) => n.toString('latin1')).sort());
    // --delete removes a directory by its bytes too (after checking it holds none of Lifeboat's files).
    const extra = Buffer.from('extra-\xff', 'latin1');
    mkdirSync(joined(Buffer.from(out2), extra));
    const r2b = await runCli(
      ['restore', id, '--target', out2, '--overwrite', 'always', '--delete', '--json'],
      { env },
    );
    expect({ code: r2b.code, stderr: r2b.stderr }).toEqual({ code: 0, stderr: '' });
    expect(names(out2)).toEqual([one, other, latin1Dir].map((n) => n.toString('latin1')).sort());

    const ls = await runCli(['ls', id, latin1Dir], { env });
    expect(ls.code).toBe(0);
    // Shown quoted, as bash's $'…' (see 'shows names with control characters…' below).
    expect(ls.stdout.toString()).toBe("$'R\\xe9sum\\xe9'\n$'R\\xe9sum\\xe9/cv.txt'\n");

    // An exclude names its bytes: the other name, which reads the same once decoded lossily, stays.
    const excluding = await runCli(['backup', tree, '--name', 'bytes-x', '--exclude', one, '--json'], {
      env,
    });
    const excludeFile = path.join(home.dir, 'bytes-excludes');
    writeFileSync(excludeFile, Buffer.concat([Buffer.from('# names\n'), one, Buffer.from('\n')]));
    const fromFile = await runCli(
      ['backup', tree, '--name', 'bytes-f', '--exclude-file', excludeFile, '--json'],
      {
        env,
      },
    );
    expect(backupJson(fromFile).files_new).toBe(2); // other and Résumé/cv.txt
    const listed = await runCli(['ls', backupJson(excluding).id], { env });
    expect(listed.stdout.toString()).toBe(
      "$'R\\xe9sum\\xe9'\n$'R\\xe9sum\\xe9/cv.txt'\n$'f\\xfe\\xff.bin'\n",
    );

    // The directory backed up by its own path, and restored into a target whose name is not UTF-8.
    const byPath = await runCli(['backup', at(latin1Dir), '--name', 'resume', '--json'], { env });
    expect(backupJson(byPath).files_new).toBe(1);
    const target = Buffer.from(`${home.dir}/out-\xff`, 'latin1');
    const r3 = await runCli(['restore', 'latest:resume', '--target', target, '--json'], { env });
    expect(r3.stderr).toBe('');
    expect(readFileSync(Buffer.concat([target, Buffer.from('/cv.txt')]), 'utf8')).toBe('cv');
  });

  it('shows names with control characters or bytes that are not UTF-8 on one line each, as bash reads them back', async () => {
    const tree = path.join(home.dir, 'shown');
    mkdirSync(tree);
    const at = (name: string | Buffer) => Buffer.concat([Buffer.from(`${tree}/`), Buffer.from(name)]);
    const names = ['new\nline', 'tab\there', 'back\\slash', "it's", 'plain name', "$'looks quoted'"];
    for (const name of names) writeFileSync(at(name), name);
    writeFileSync(at(Buffer.from('caf\xe9', 'latin1')), 'latin1');
    symlinkSync('to\nwhere', at('link'));
    symlinkSync(Buffer.from('caf\xe9', 'latin1'), at('link-latin1'));
    // A socket is reported as skipped, by its name: a warning line must stay one line too.
    execFileSync('python3', [
      '-c',
      'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
      `${tree}/sock\net`,
    ]);

    const first = await runCli(['backup', tree, '--name', 'shown'], { env });
    expect(first.code).toBe(0);
    expect(first.stderr.toString()).toContain(`skipped: $'${tree}/sock\\net': socket: not backed up\n`);
    const id = 'latest:shown';

    const lines = (await runCli(['ls', id], { env })).stdout.toString().split('\n').slice(0, -1);
    expect(lines.sort()).toEqual(
      [
        "$'new\\nline'",
        "$'tab\\there'",
        'back\\slash',
        "it's",
        'plain name',
        "$'$\\'looks quoted\\''",
        "$'caf\\xe9'",
        'link',
        'link-latin1',
      ].sort(),
    );
    // Each quoted line, given to bash as a word, is the name's bytes again; the others are as is.
    const decoded = lines.map((line) =>
      line.startsWith("$'") ? execFileSync('bash', ['-c', `printf %s ${line}`]) : Buffer.from(line),
    );
    const stored = [...names, 'link', 'link-latin1'].map((n) => Buffer.from(n));
    stored.push(Buffer.from('caf\xe9', 'latin1'));
    expect(decoded.map((b) => b.toString('hex')).sort()).toEqual(stored.map((b) => b.toString('hex')).sort());

    const long = (await runCli(['ls', id, '--long'], { env })).stdout.toString().split('\n');
    expect(long.find((l) => l.endsWith(" link -> $'to\\nwhere'"))).toBeDefined();
    expect(long.find((l) => l.endsWith(" link-latin1 -> $'caf\\xe9'"))).toBeDefined();
    const listed = json<{ path: string; target?: string; target_base64?: string }[]>(
      (await runCli(['ls', id, '--json'], { env })).stdout,
    );
    expect(listed.find((e) => e.path === 'link')).toMatchObject({ target: 'to\nwhere' });
    expect(listed.find((e) => e.path === 'link')).not.toHaveProperty('target_base64');
    expect(listed.find((e) => e.path === 'link-latin1')?.target_base64).toBe(
      Buffer.from('caf\xe9', 'latin1').toString('base64'),
    );

    writeFileSync(at('added\tfile'), 'added');
    expect((await runCli(['backup', tree, '--name', 'shown'], { env })).code).toBe(0);
    const snapshots = json<{ id: string }[]>(
      (await runCli(['snapshots', '--name', 'shown', '--json'], { env })).stdout,
    );
    const diff = await runCli(['diff', snapshots[0]!.id, snapshots[1]!.id], { env });
    expect(diff.stdout.toString().split('\n')).toContain("+ $'added\\tfile'");
  });

  it('refuses a non-empty target unless an overwrite mode is chosen', async () => {
    const out = path.join(home.dir, 'out-busy');
    mkdirSync(out);
    writeFileSync(path.join(out, 'keep-me'), 'mine');
    const r = await runCli(['restore', firstId, '--target', out], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not empty; nothing was restored/);
    expect(r.stderr).toMatch(/--overwrite never\|if-changed\|always/);
    expect(readdirSync(out)).toEqual(['keep-me']);
  });

  it('--overwrite if-changed rewrites only what differs; never keeps; --delete removes what the backup does not hold', async () => {
    const out = path.join(home.dir, 'out-over');
    expect((await runCli(['restore', firstId, '--target', out], { env })).code).toBe(0);
    writeFileSync(path.join(out, 'one-byte'), 'y'); // same size, new mtime
    appendFileSync(path.join(out, 'src', 'lib', 'file-010.c'), 'more');
    writeFileSync(path.join(out, 'extra-file'), 'not in the backup');
    mkdirSync(path.join(out, 'docs', 'extra-dir'));
    // Content kept, metadata not: neither changes size or mtime, so the file is not rewritten,
    // but its mode (set-user-id 0o4755) and owner must be the backup's again.
    chmodSync(path.join(out, 'script.sh'), 0o700);
    if (process.getuid?.() === 0) chownSync(path.join(out, 'script.sh'), 4321, 4321);

    const never = json<{ files_restored: number; files_skipped: number }>(
      (await runCli(['restore', firstId, '--target', out, '--overwrite', 'never', '--json'], { env })).stdout,
    );
    expect(never.files_restored).toBe(0);
    expect(readFileSync(path.join(out, 'one-byte'), 'utf8')).toBe('y');
    // A hard link is not made to a file that was left alone: its content is not the backup's.
    rmSync(path.join(out, 'hard-link-to-one-byte'));
    writeFileSync(path.join(out, 'one-byte'), 'z'); // a new inode, no longer linked
    await runCli(['restore', firstId, '--target', out, '--overwrite', 'never'], { env });
    expect(readFileSync(path.join(out, 'one-byte'), 'utf8')).toBe('z');
    expect(readFileSync(path.join(out, 'hard-link-to-one-byte'), 'utf8')).toBe('x');

    const r = await runCli(
      ['restore', firstId, '--target', out, '--overwrite', 'if-changed', '--delete', '--json'],
      { env },
    );
    expect(r.code).toBe(0);
    const result = json<{ files_restored: number; files_unchanged: number; deleted: number }>(r.stdout);
    // file-010.c; one-byte is made a hard link of its (unchanged) first name again.
    expect(result.files_restored).toBe(1);
    expect(result.deleted).toBe(2);
    expect(diffTrees(src.replace(/src$/, 'out-full'), out).same).toBe(true);
    expect(treeFacts(out)).toEqual(treeFacts(path.join(home.dir, 'out-full')));
  });

  it('incremental: reads only the changed files (1%) and stores little', async () => {
    const tree = path.join(home.dir, 'many');
    mkdirSync(tree);
    for (let d = 0; d < 20; d++) {
      mkdirSync(path.join(tree, `d${d}`));
      for (let f = 0; f < 50; f++)
        writeFileSync(path.join(tree, `d${d}`, `f${f}.txt`), `${d}/${f} `.repeat(200 + f));
    }
    const first = backupJson(await runCli(['backup', tree, '--name', 'many', '--json'], { env }));
    expect(first.files_new).toBe(1000);
    for (let i = 0; i < 10; i++) appendFileSync(path.join(tree, `d${i * 2}`, `f${i}.txt`), 'changed\n');
    const second = backupJson(await runCli(['backup', tree, '--name', 'many', '--json'], { env }));
    expect(second).toMatchObject({
      backup_type: 'incremental',
      parent_backup_id: first.id,
      files_changed: 10,
      files_new: 0,
      files_unmodified: 990,
    });
    expect(second.file_bytes_changed).toBeLessThan(0.02 * (first.file_bytes_new as number));
    // Ten small files and the trees above them; nothing near the tree's size.
    expect(second.final_size_bytes).toBeLessThan(0.2 * (first.final_size_bytes as number));
    const out = path.join(home.dir, 'many-out');
    expect((await runCli(['restore', second.id, '--target', out], { env })).code).toBe(0);
    expect(diffTrees(tree, out).same).toBe(true);
  });

  it('excludes by name and by path, and from a file', async () => {
    const excludeFile = path.join(home.dir, 'excludes');
    writeFileSync(excludeFile, '# comment\n\n*.sh\n');
    const r = backupJson(
      await runCli(
        [
          'backup',
          src,
          '--name',
          'excl',
          '--exclude',
          'lib',
          '--exclude',
          `${src}/docs/deep`,
          '--exclude-file',
          excludeFile,
          '--json',
        ],
        { env },
      ),
    );
    const listed = (await runCli(['ls', r.id], { env })).stdout.toString().split('\n');
    expect(listed).toContain('docs');
    expect(listed).not.toContain('docs/deep');
    expect(listed).not.toContain('src/lib');
    expect(listed).not.toContain('script.sh');
    expect(listed).toContain('src/multi-chunk.bin');
  });

  it('checks: `check --read-data` walks the trees and finds everything intact', async () => {
    const r = await runCli(['check', '--read-data', '--json'], { env });
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toMatchObject({ ok: true });
  });
});

describe('--one-file-system, and --type differential', () => {
  const home = new TempHome('lifeboat-fs-mounts-');
  const src = path.join(home.dir, 'src');
  const mountPoint = path.join(src, 'mnt');
  let mounted = false;
  beforeAll(() => {
    mkdirSync(mountPoint, { recursive: true });
    writeFileSync(path.join(src, 'on-root-fs.txt'), 'here');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
      mounted = true;
      writeFileSync(path.join(mountPoint, 'on-tmpfs.txt'), 'elsewhere');
    } catch (error) {
      console.warn(
        `cannot mount a tmpfs (${(error as Error).message}); the --one-file-system case is skipped`,
      );
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [mountPoint]);
    home.cleanup();
  });

  it('keeps the mount point as an empty directory and does not enter it', async () => {
    if (!mounted) return;
    const all = backupJson(await runCli(['backup', src, '--name', 'mounts', '--json'], { env: home.env }));
    const one = backupJson(
      await runCli(['backup', src, '--name', 'one-fs', '--one-file-system', '--json'], { env: home.env }),
    );
    const list = async (id: string) =>
      (await runCli(['ls', id], { env: home.env })).stdout.toString().split('\n').filter(Boolean);
    expect(await list(all.id)).toEqual(['mnt', 'mnt/on-tmpfs.txt', 'on-root-fs.txt']);
    expect(await list(one.id)).toEqual(['mnt', 'on-root-fs.txt']);
  });

  it('differential takes the latest full backup as its parent; incremental the latest of any type', async () => {
    const full = backupJson(
      await runCli(['backup', src, '--name', 'types', '--type', 'full', '--json'], { env: home.env }),
    );
    const incremental = backupJson(
      await runCli(['backup', src, '--name', 'types', '--json'], { env: home.env }),
    );
    const differential = backupJson(
      await runCli(['backup', src, '--name', 'types', '--type', 'differential', '--json'], { env: home.env }),
    );
    expect(incremental).toMatchObject({
      backup_type: 'incremental',
      parent_backup_id: full.id,
      files_unmodified: full.files_new,
    });
    expect(differential).toMatchObject({
      backup_type: 'differential',
      parent_backup_id: full.id,
      files_unmodified: full.files_new,
    });
    const again = backupJson(await runCli(['backup', src, '--name', 'types', '--json'], { env: home.env }));
    expect(again.parent_backup_id).toBe(differential.id);
  });
});

describe('several paths, and a single file', () => {
  const home = new TempHome('lifeboat-fs-paths-');
  afterAll(() => home.cleanup());

  it('puts each path under its last component; refuses two paths with the same last component', async () => {
    const a = path.join(home.dir, 'one', 'etc');
    const b = path.join(home.dir, 'two', 'notes.txt');
    mkdirSync(a, { recursive: true });
    mkdirSync(path.dirname(b), { recursive: true });
    writeFileSync(path.join(a, 'hosts'), '127.0.0.1 localhost\n');
    writeFileSync(b, 'remember\n');
    const r = backupJson(await runCli(['backup', a, b, '--name', 'multi', '--json'], { env: home.env }));
    const listed = (await runCli(['ls', r.id], { env: home.env })).stdout.toString();
    expect(listed).toBe('etc\netc/hosts\nnotes.txt\n');
    const out = path.join(home.dir, 'out');
    expect((await runCli(['restore', r.id, '--target', out], { env: home.env })).code).toBe(0);
    expect(readFileSync(path.join(out, 'etc', 'hosts'), 'utf8')).toBe('127.0.0.1 localhost\n');
    expect(readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('remember\n');

    mkdirSync(path.join(home.dir, 'three', 'etc'), { recursive: true });
    const clash = await runCli(['backup', a, path.join(home.dir, 'three', 'etc'), '--name', 'clash'], {
      env: home.env,
    });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/Two paths end in the same name "etc"/);
    const unnamed = await runCli(['backup', a, b], { env: home.env });
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(/Several paths need a name/);
    const missing = await runCli(['backup', path.join(home.dir, 'nope')], { env: home.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot back up .*nope: ENOENT/);
  });

  it('a single file: its default name is its last component, and it restores into the target', async () => {
    const file = path.join(home.dir, 'report.final.pdf');
    writeFileSync(file, randomData(300_000, 'report'));
    const r = backupJson(await runCli(['backup', file, '--json'], { env: home.env }));
    expect(r.name).toBe('report.final.pdf');
    const out = path.join(home.dir, 'out-file');
    expect(
      (await runCli(['restore', 'latest:report.final.pdf', '--target', out], { env: home.env })).code,
    ).toBe(0);
    expect(readFileSync(path.join(out, 'report.final.pdf')).equals(readFileSync(file))).toBe(true);
  });
});

describe('a file that changes while it is read', () => {
  const home = new TempHome('lifeboat-fs-changing-');
  afterAll(() => home.cleanup());

  it('is kept, flagged as a warning, and the backup exits with status 3', async () => {
    const src = path.join(home.dir, 'src');
    mkdirSync(src);
    const growing = path.join(src, 'growing.log');
    writeFileSync(growing, randomData(256 * 1024 * 1024, 'growing'));
    // A writer that appends all the time the backup reads the file (a log file, say).
    const writer = spawn(process.execPath, [
      '-e',
      `const fs=require('fs');setInterval(()=>fs.appendFileSync(${JSON.stringify(growing)},'line\\n'),1)`,
    ]);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const r = await runCli(['backup', src, '--name', 'changing', '--json'], { env: home.env });
      expect(r.code).toBe(3);
      const summary = json<{ id: string; warnings: { path: string; problem: string }[] }>(r.stdout);
      expect(summary.warnings).toEqual([
        { path: growing, problem: expect.stringMatching(/changed while it was read/) },
      ]);
      expect(r.stderr).toMatch(/warning: .*growing\.log: changed while it was read/);
      // It is in the snapshot (the bytes read), not dropped.
      const ls = json<{ path: string; size: number }[]>(
        (await runCli(['ls', summary.id, '--json'], { env: home.env })).stdout,
      );
      expect(ls.find((e) => e.path === 'growing.log')!.size).toBeGreaterThanOrEqual(256 * 1024 * 1024);
    } finally {
      writer.kill();
    }
  });
});

describe('a 5 GiB sparse file', () => {
  const home = new TempHome('lifeboat-sparse-');
  afterAll(() => home.cleanup());

  it('backs up and restores as a sparse file with identical content', async () => {
    const src = path.join(home.dir, 'src');
    mkdirSync(src);
    const size = 5 * 1024 ** 3;
    makeSparse(path.join(src, 'disk.img'), size);
    const backup = backupJson(await runCli(['backup', src, '--name', 'sparse', '--json'], { env: home.env }));
    // Zeros compress to almost nothing and deduplicate: a few KiB stored for 5 GiB.
    expect(backup.final_size_bytes).toBeLessThan(1024 * 1024);
    const out = path.join(home.dir, 'out');
    const r = await runCli(['restore', backup.id, '--target', out], { env: home.env });
    expect(r.code).toBe(0);
    const restored = statSync(path.join(out, 'disk.img'));
    expect(restored.size).toBe(size);
    expect(restored.blocks * 512).toBeLessThan(64 * 1024 * 1024); // holes stayed holes
    expect(execFileSync('cmp', [path.join(src, 'disk.img'), path.join(out, 'disk.img')]).length).toBe(0);
  });
});

describe("Lifeboat's own files in the tree", () => {
  const base = new TempHome('lifeboat-fs-own-');
  afterAll(() => base.cleanup());

  it('leaves out the repository, catalog and key file found in the tree (`lifeboat backup ~`), nothing else', async () => {
    const tree = path.join(base.dir, 'home');
    mkdirSync(tree);
    writeFileSync(path.join(tree, 'notes.txt'), 'mine');
    const env = { LIFEBOAT_HOME: path.join(tree, '.lifeboat') };
    const backup = async () =>
      json<{
        id: string;
        files_new: number;
        files_changed: number;
        skipped: { path: string; problem: string }[];
      }>((await runCli(['backup', tree, '--name', 'home', '--json'], { env })).stdout);
    const first = await backup();
    expect(first.skipped).toEqual(
      expect.arrayContaining([
        { path: path.join(tree, '.lifeboat', 'repository'), problem: "Lifeboat's repository: not backed up" },
        { path: path.join(tree, '.lifeboat', 'catalog.db'), problem: "Lifeboat's catalog: not backed up" },
        { path: path.join(tree, '.lifeboat', 'key'), problem: "Lifeboat's key file: not backed up" },
      ]),
    );
    const listed = (await runCli(['ls', first.id], { env })).stdout.toString().split('\n');
    expect(listed.filter(Boolean)).toEqual(['.lifeboat', 'notes.txt']);
    // Each backup would otherwise store the packs (and the catalog) the last one wrote.
    const second = await backup();
    expect({ new: second.files_new, changed: second.files_changed }).toEqual({ new: 0, changed: 0 });

    // A repository named with --repo is found in the tree too.
    const elsewhere = { LIFEBOAT_HOME: path.join(base.dir, 'lifeboat-home') };
    const repo = path.join(tree, 'backups');
    const third = json<{ skipped: { path: string }[] }>(
      (await runCli(['--repo', repo, 'backup', tree, '--name', 'home', '--json'], { env: elsewhere })).stdout,
    );
    expect(third.skipped.map((s) => s.path)).toEqual(expect.arrayContaining([repo]));
  });

  it('a restore never replaces, removes or writes into them, with --overwrite always --delete', async () => {
    const restoreJson = async (args: string[], env: NodeJS.ProcessEnv) => {
      const r = await runCli(['restore', ...args, '--overwrite', 'always', '--delete', '--json'], { env });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^skipped: .*: Lifeboat's .*: left alone$/m);
      return json<{ skipped: { path: string; problem: string }[] }>(r.stdout);
    };
    const intact = async (env: NodeJS.ProcessEnv) => {
      expect((await runCli(['check'], { env })).code).toBe(0);
      expect(json<unknown[]>((await runCli(['snapshots', '--json'], { env })).stdout)).toHaveLength(1);
    };
    // The backup holds a directory where the restore finds the repository (h1/repository), and
    // not the catalog and key file beside it, which --delete would remove.
    const source = path.join(base.dir, 'source-1');
    mkdirSync(path.join(source, 'h1', 'repository'), { recursive: true });
    writeFileSync(path.join(source, 'h1', 'repository', 'junk'), 'not a pack');
    writeFileSync(path.join(source, 'notes.txt'), 'mine');
    const target = path.join(base.dir, 'target-1');
    const env = { LIFEBOAT_HOME: path.join(target, 'h1') };
    const id = backupJson(await runCli(['backup', source, '--name', 's', '--json'], { env })).id;
    const restored = await restoreJson([id, '--target', target], env);
    expect(restored.skipped).toEqual(
      expect.arrayContaining([
        { path: 'h1/repository', problem: "Lifeboat's repository: left alone" },
        { path: 'h1/catalog.db', problem: "Lifeboat's catalog: left alone" },
        { path: 'h1/key', problem: "Lifeboat's key file: left alone" },
      ]),
    );
    expect(readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(path.join(target, 'h1', 'repository', 'junk'))).toBe(false);
    await intact(env);

    // Nor is one of them, or a place inside it, a target; nor is it backed up by its own path.
    const intoRepository = await runCli(
      ['restore', id, '--target', path.join(target, 'h1', 'repository', 'new')],
      {
        env,
      },
    );
    expect({ code: intoRepository.code, stderr: intoRepository.stderr }).toEqual({
      code: 2,
      stderr: expect.stringMatching(/is Lifeboat's repository, or inside it; nothing was restored/),
    });
    const ofRepository = await runCli(['backup', path.join(target, 'h1', 'repository'), '--name', 'r'], {
      env,
    });
    expect(ofRepository.code).toBe(2);
    expect(ofRepository.stderr).toMatch(/it is Lifeboat's repository, or inside it/);
    await intact(env);

    /** A backup of `from`, restored into a target whose directory `nest` holds the repository. */
    const restoreOverNest = async (from: string, name: string) => {
      const into = path.join(base.dir, name);
      const nestEnv = { LIFEBOAT_HOME: path.join(into, 'nest', 'home') };
      const backupId = backupJson(
        await runCli(['backup', from, '--name', 's', '--json'], { env: nestEnv }),
      ).id;
      const result = await restoreJson([backupId, '--target', into], nestEnv);
      expect(result.skipped).toEqual([
        { path: 'nest', problem: expect.stringMatching(/^Lifeboat's .*: left alone$/) },
      ]);
      await intact(nestEnv);
    };
    // A directory the backup does not hold, with the repository deep inside it.
    await restoreOverNest(source, 'target-2');
    // A file in the backup where the restore finds that directory.
    const source3 = path.join(base.dir, 'source-3');
    mkdirSync(source3);
    writeFileSync(path.join(source3, 'nest'), 'a file now');
    await restoreOverNest(source3, 'target-3');
  });
});

describe('unreadable files and special files (the CLI runs as nobody)', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'lifeboat-fs-nobody-'));
  const home = path.join(base, 'home');
  const src = path.join(base, 'src');
  const asNobody = { uid: NOBODY, gid: NOBODY, env: { LIFEBOAT_HOME: home } };
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  beforeAll(() => {
    chmodSync(base, 0o755);
    mkdirSync(home);
    chownSync(home, NOBODY, NOBODY);
    mkdirSync(src);
    writeFileSync(path.join(src, 'readable'), 'ok');
    writeFileSync(path.join(src, 'root-only'), 'no');
    chmodSync(path.join(src, 'root-only'), 0o600);
    execFileSync('mkfifo', [path.join(src, 'a-fifo')]);
  });

  it('reports and skips the unreadable file, skips the FIFO, completes with exit code 3', async () => {
    const r = await runCli(['backup', src, '--name', 'perm', '--json'], asNobody);
    expect(r.code).toBe(3);
    const summary = json<{
      id: string;
      warnings: { path: string; problem: string }[];
      skipped: { path: string; problem: string }[];
    }>(r.stdout);
    expect(summary.warnings).toEqual([
      { path: path.join(src, 'root-only'), problem: expect.stringMatching(/EACCES/) },
    ]);
    expect(summary.skipped).toEqual([{ path: path.join(src, 'a-fifo'), problem: 'FIFO: not backed up' }]);
    const ls = await runCli(['ls', summary.id], asNobody);
    expect(ls.stdout.toString()).toBe('readable\n');
  });

  it('--strict fails and saves no snapshot', async () => {
    const before = (await runCli(['snapshots', '--json'], asNobody)).stdout;
    const r = await runCli(['backup', src, '--name', 'perm', '--strict'], asNobody);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--strict was given: no snapshot was saved/);
    expect((await runCli(['snapshots', '--json'], asNobody)).stdout.equals(before)).toBe(true);
    expect(lstatSync(home).uid).toBe(NOBODY);
  });

  it('--overwrite if-changed gives a kept file that its user cannot read its mode back', async () => {
    const id = json<{ id: string }>(
      (await runCli(['backup', src, '--name', 'perm', '--json'], asNobody)).stdout,
    ).id;
    const out = path.join(base, 'out-if-changed');
    mkdirSync(out);
    chownSync(out, NOBODY, NOBODY);
    expect((await runCli(['restore', id, '--target', out], asNobody)).code).toBe(0);
    const kept = path.join(out, 'readable');
    const backedUp = lstatSync(kept).mode & 0o7777;
    chmodSync(kept, 0o000); // its owner can no longer open it, only chmod it by name
    const r = await runCli(['restore', id, '--target', out, '--overwrite', 'if-changed', '--json'], asNobody);
    expect(r.stderr).toBe('');
    expect(json(r.stdout)).toMatchObject({ files_restored: 0, files_unchanged: 1 });
    expect(lstatSync(kept).mode & 0o7777).toBe(backedUp);
  });
});

describe('damage during a tree restore', () => {
  const home = new TempHome('lifeboat-fs-damage-');
  afterAll(() => home.cleanup());

  /** Flips one bit at `at` (negative: from the end) of every data pack. */
  function flipInEveryDataPack(repo: string, at: number): void {
    const dataDir = path.join(repo, 'data');
    for (const fan of readdirSync(dataDir)) {
      for (const pack of readdirSync(path.join(dataDir, fan))) {
        const file = path.join(dataDir, fan, pack);
        const bytes = readFileSync(file);
        bytes[at < 0 ? bytes.length + at : at]! ^= 0x01;
        writeFileSync(file, bytes);
      }
    }
  }

  it('uses the intact copy from another full backup (damaged record); with none left (damaged trailers), fails naming the file (exit 11)', async () => {
    const src = path.join(home.dir, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.txt'), 'first file\n'.repeat(100));
    writeFileSync(path.join(src, 'b.txt'), 'second file\n'.repeat(100));
    const first = backupJson(await runCli(['backup', src, '--name', 'd', '--json'], { env: home.env }));
    flipInEveryDataPack(home.repo, 110); // inside the first record, after the 104-byte header
    // A second full backup writes independent copies of every chunk, in new packs.
    const second = backupJson(
      await runCli(['backup', src, '--name', 'd', '--type', 'full', '--json'], { env: home.env }),
    );
    expect(second.chunks_new).toBe(2);

    const out = path.join(home.dir, 'out');
    const ok = await runCli(['restore', first.id, '--target', out], { env: home.env });
    expect(ok.stderr).not.toMatch(/damaged|error|refused/i);
    expect(ok.code).toBe(0);
    expect(diffTrees(src, out).same).toBe(true);

    flipInEveryDataPack(home.repo, -20); // in the trailer: no pack opens any more
    const bad = await runCli(['restore', first.id, '--target', path.join(home.dir, 'out2')], {
      env: home.env,
    });
    expect(bad.code).toBe(11);
    expect(bad.stderr).toMatch(/file\(s\) could not be restored\. First: [ab]\.txt: Damaged object data\//);
    expect(existsSync(path.join(home.dir, 'out2', 'a.txt'))).toBe(false);
  });
});
