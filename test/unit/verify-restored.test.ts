import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { Repository } from '../../functions/repository/repository';
import * as youngGc from '../../functions/repository/young-gc';
import { backupTree } from '../../functions/sources/filesystem/backup';
import { restoreTree } from '../../functions/sources/filesystem/restore';
import {
  verifyRestoredTree,
  type RestoredTreeProblem,
} from '../../functions/sources/filesystem/verify-restored';
import { randomData } from '../helpers/data';
import { KeyFixture } from '../helpers/repository';

// The read-back check of a restored tree, on real files: files are compared on worker threads in
// batches, so this tree holds more files than a batch, and damage of every kind in known places.
const fixture = new KeyFixture('lifeboat-verify-restored-');
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

const FILES = 700;

async function backedUpAndRestored() {
  const source = path.join(fixture.dir, 'source');
  fs.mkdirSync(path.join(source, 'many'), { recursive: true });
  for (let i = 0; i < FILES; i++)
    fs.writeFileSync(
      path.join(source, 'many', `f${String(i).padStart(4, '0')}`),
      `file ${i}\n`.repeat(i % 50),
    );
  fs.writeFileSync(path.join(source, 'big'), randomData(3 * 1024 * 1024, 'big'));
  fs.mkdirSync(path.join(source, 'dir'));
  fs.symlinkSync('big', path.join(source, 'link'));
  const repo = await Repository.init(fixture.store, fixture.first);
  const { manifest } = await backupTree(repo, { paths: [source], name: 'tree', backupType: 'full' });
  const target = path.join(fixture.dir, 'target');
  await restoreTree(repo, manifest, { target });
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  return { repo, manifest, target, reader };
}

test('an intact restore checks clean: every file, directory and link counted', async () => {
  const { repo, manifest, target, reader } = await backedUpAndRestored();
  let progress = 0;
  const check = await verifyRestoredTree(repo, reader, manifest, target, {}, (bytes) => (progress += bytes));
  expect(check.problems).toEqual([]);
  expect(check.files_checked).toBe(FILES + 1);
  expect(check.dirs_checked).toBe(2);
  expect(check.symlinks_checked).toBe(1);
  expect(check.bytes_checked).toBe(progress);
  expect(check.bytes_checked).toBeGreaterThan(3 * 1024 * 1024);
});

/** Damage of every kind, in known places. */
function damage(target: string): void {
  const at = (...p: string[]) => path.join(target, ...p);
  const big = fs.readFileSync(at('big'));
  big[2 * 1024 * 1024 + 5] = big[2 * 1024 * 1024 + 5]! ^ 1; // one bit, in a later chunk
  fs.writeFileSync(at('big'), big);
  fs.writeFileSync(at('many', 'f0010'), 'file 10\n'.repeat(10) + 'x'); // one byte longer
  fs.writeFileSync(at('many', 'f0011'), Buffer.from('file 11\n'.repeat(11)).fill(0x41, 3, 4)); // same size
  fs.rmSync(at('many', 'f0300'));
  fs.rmSync(at('many', 'f0301'));
  fs.symlinkSync('f0001', at('many', 'f0301')); // a link where a file was
  fs.rmSync(at('many', 'f0302'));
  fs.mkdirSync(at('many', 'f0302')); // a directory where a file was
  fs.rmSync(at('many', 'f0303'));
  execFileSync('mkfifo', [at('many', 'f0303')]); // a FIFO: must not block the check
  fs.rmSync(at('link'));
  fs.symlinkSync('elsewhere', at('link'));
  fs.rmSync(at('dir'), { recursive: true });
  fs.writeFileSync(at('dir'), 'not a directory');
}

/** What damage() does that a check finds without reading any file's bytes, in tree order. */
const ENTRY_PROBLEMS: RestoredTreeProblem[] = [
  { path: 'dir', problem: 'not a directory' },
  { path: 'link', problem: 'points elsewhere' },
  { path: 'many/f0010', problem: 'size differs (81 bytes, backup 80)' },
  { path: 'many/f0300', problem: 'missing' },
  { path: 'many/f0301', problem: 'not a regular file' },
  { path: 'many/f0302', problem: 'not a regular file' },
  { path: 'many/f0303', problem: 'not a regular file' },
];

test('damage of every kind is found, named, and listed in tree order', async () => {
  const { repo, manifest, target, reader } = await backedUpAndRestored();
  damage(target);
  const check = await verifyRestoredTree(repo, reader, manifest, target);
  expect(check.read_back).toBe(true);
  // Tree order is the paths' order here.
  const inTreeOrder = (problems: RestoredTreeProblem[]) =>
    problems.sort((a, b) => a.path.localeCompare(b.path));
  expect(check.problems).toEqual(
    inTreeOrder([
      ...ENTRY_PROBLEMS,
      // Which chunk holds the flipped bit depends on the cut points, which depend on the repository key.
      {
        path: 'big',
        problem: expect.stringMatching(/^content differs from the backup \(chunk [0-3]\)$/) as string,
      },
      { path: 'many/f0011', problem: 'content differs from the backup (chunk 0)' },
    ]),
  );
  expect(check.files_checked).toBe(FILES + 1 - 7);
});

test('without read-back, every entry is checked for its type and size, and bytes are not read', async () => {
  const { repo, manifest, target, reader } = await backedUpAndRestored();
  damage(target);
  let progress = 0;
  const check = await verifyRestoredTree(
    repo,
    reader,
    manifest,
    target,
    { readBack: false },
    (bytes) => (progress += bytes),
  );
  // The flipped bit in big and the same-size change in f0011 are what only reading finds.
  expect(check.problems).toEqual(ENTRY_PROBLEMS);
  expect(check).toMatchObject({ read_back: false, files_checked: FILES + 1 - 5, bytes_checked: 0 });
  expect(progress).toBe(0);
});

test('a restore wrong everywhere lists the first 100 problems in tree order, not in the order the workers finished', async () => {
  const { repo, manifest, target, reader } = await backedUpAndRestored();
  fs.rmSync(path.join(target, 'many'), { recursive: true });
  fs.mkdirSync(path.join(target, 'many'));
  const check = await verifyRestoredTree(repo, reader, manifest, target);
  expect(check.problems).toHaveLength(100);
  expect(check.problems.map((p) => p.path)).toEqual(
    Array.from({ length: 100 }, (_, i) => `many/f${String(i).padStart(4, '0')}`),
  );
  expect(check.problems.every((p) => p.problem === 'missing')).toBe(true);
  expect(check.files_checked).toBe(1);
});

test('without read-back too, a restore wrong everywhere lists its first 100 problems in tree order', async () => {
  const { repo, manifest, target, reader } = await backedUpAndRestored();
  fs.rmSync(path.join(target, 'many'), { recursive: true });
  fs.mkdirSync(path.join(target, 'many'));
  for (let i = 0; i < FILES; i += 2)
    fs.writeFileSync(path.join(target, 'many', `f${String(i).padStart(4, '0')}`), 'x');
  const check = await verifyRestoredTree(repo, reader, manifest, target, { readBack: false });
  // Every file of `many` is wrong: the even ones hold one byte (f0000 should be empty, the others
  // longer), the odd ones are missing.
  expect(check.problems).toHaveLength(100);
  expect(check.problems.map((p) => p.path)).toEqual(
    Array.from({ length: 100 }, (_, i) => `many/f${String(i).padStart(4, '0')}`),
  );
  expect(check.problems[0]).toEqual({ path: 'many/f0000', problem: 'size differs (1 bytes, backup 0)' });
  expect(check.problems[1]).toEqual({ path: 'many/f0001', problem: 'missing' });
  expect(check.files_checked).toBe(1);
});

test('with filters, only what was restored is checked, and a problem is named as the snapshot shows it', async () => {
  // The check makes a path's UTF-8 form only for the filters and for what it reports: both must
  // still see every entry under its own name, here one that is not ASCII.
  const source = path.join(fixture.dir, 'source');
  fs.mkdirSync(path.join(source, 'kept', 'sub'), { recursive: true });
  fs.mkdirSync(path.join(source, 'other'));
  fs.writeFileSync(path.join(source, 'kept', 'sub', 'Jürgen ü.txt'), 'a');
  fs.writeFileSync(path.join(source, 'kept', 'plain'), 'bb');
  fs.writeFileSync(path.join(source, 'kept', 'refused'), 'ccc');
  fs.writeFileSync(path.join(source, 'other', 'x'), 'dddd');
  const repo = await Repository.init(fixture.store, fixture.first);
  const { manifest } = await backupTree(repo, { paths: [source], name: 'tree', backupType: 'full' });
  const target = path.join(fixture.dir, 'target');
  await restoreTree(repo, manifest, { target, includes: ['kept'] });
  fs.rmSync(path.join(target, 'kept', 'sub', 'Jürgen ü.txt'));
  fs.rmSync(path.join(target, 'kept', 'refused'));
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  for (const readBack of [false, true]) {
    const check = await verifyRestoredTree(repo, reader, manifest, target, {
      includes: ['kept'],
      notRestored: ['kept/refused'],
      readBack,
    });
    // `other` was not restored and is not looked for; `kept/refused` was left alone on purpose.
    expect(check.problems).toEqual([{ path: 'kept/sub/Jürgen ü.txt', problem: 'missing' }]);
    expect(check).toMatchObject({ files_checked: 1, dirs_checked: 2, symlinks_checked: 0 });
  }
});

test('entries after a nested directory are found where they are, at every depth', async () => {
  // The check walks the tree with one target path per directory: leaving a/b for a, and a for
  // the top, must land each later entry in its own directory.
  const source = path.join(fixture.dir, 'nested');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(source, rel)), { recursive: true });
    fs.writeFileSync(path.join(source, rel), text);
  };
  write('a/b/c/deep', 'deep');
  write('a/b/later', 'later in b');
  write('a/x', 'after b');
  write('m', 'after a');
  fs.mkdirSync(path.join(source, 'y-empty'));
  write('zz', 'last');
  const repo = await Repository.init(fixture.store, fixture.first);
  const { manifest } = await backupTree(repo, { paths: [source], name: 'nested', backupType: 'full' });
  const target = path.join(fixture.dir, 'nested-target');
  await restoreTree(repo, manifest, { target });
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));

  const clean = await verifyRestoredTree(repo, reader, manifest, target, { readBack: false });
  expect(clean).toMatchObject({ problems: [], files_checked: 5, dirs_checked: 4 });

  fs.rmSync(path.join(target, 'a', 'b', 'c', 'deep'));
  fs.appendFileSync(path.join(target, 'a', 'b', 'later'), '!');
  fs.rmSync(path.join(target, 'a', 'x'));
  fs.writeFileSync(path.join(target, 'm'), 'x');
  fs.rmdirSync(path.join(target, 'y-empty'));
  const damaged = await verifyRestoredTree(repo, reader, manifest, target, { readBack: false });
  expect(damaged.problems).toEqual([
    { path: 'a/b/c/deep', problem: 'missing' },
    { path: 'a/b/later', problem: 'size differs (11 bytes, backup 10)' },
    { path: 'a/x', problem: 'missing' },
    { path: 'm', problem: 'size differs (1 bytes, backup 7)' },
    { path: 'y-empty', problem: 'missing' },
  ]);
  expect(damaged).toMatchObject({ files_checked: 1, dirs_checked: 3 });
});

test('a read-back gives the heap a restore grew back once, before its workers grow theirs; a check without read-back does not', async () => {
  const { repo, manifest, target, reader } = await backedUpAndRestored();
  const compact = jest.spyOn(youngGc, 'compactHeap');
  try {
    await verifyRestoredTree(repo, reader, manifest, target, { readBack: false });
    expect(compact).not.toHaveBeenCalled();
    const check = await verifyRestoredTree(repo, reader, manifest, target);
    expect(check.problems).toEqual([]);
    expect(compact).toHaveBeenCalledTimes(1);
  } finally {
    compact.mockRestore();
  }
});
