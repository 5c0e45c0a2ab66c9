import * as fs from 'node:fs';
import * as path from 'node:path';
import { Repository } from '../../functions/repository/repository';
import * as treeIo from '../../functions/repository/tree-io';
import { readTree } from '../../functions/repository/tree-io';
import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { backupTree } from '../../functions/sources/filesystem/backup';
import { FileWorkers, type FileReadResult } from '../../functions/sources/filesystem/file-workers';
import { listing } from '../../functions/sources/filesystem/paths';
import { scanTreeSize } from '../../functions/sources/filesystem/scan';
import { randomData } from '../helpers/data';
import { KeyFixture } from '../helpers/repository';

// The walk of a first backup leaves the stat of a new file to the worker that opens it. What it
// needs from that stat (metadata, hard links) must come out as when the walk stat-ed every file:
// each hard-linked file read once, whatever the order the workers answer in.
const fixture = new KeyFixture('lifeboat-tree-walk-');
beforeEach(() => fixture.setUp());
afterEach(() => {
  jest.restoreAllMocks();
  fixture.tearDown();
});

/** Counts the files the workers read to the end, by inode. */
function countReads(): Map<string, number> {
  const reads = new Map<string, number>();
  // readThen: read() goes through it too.
  const original = FileWorkers.prototype.readThen;
  jest.spyOn(FileWorkers.prototype, 'readThen').mockImplementation(function (
    this: FileWorkers,
    file,
    size,
    sink,
    onResult,
    onError,
  ) {
    const counted = (result: FileReadResult) => {
      if (result.done) {
        const key = `${result.done.dev}:${result.done.ino}`;
        reads.set(key, (reads.get(key) ?? 0) + 1);
      }
      onResult(result);
    };
    original.call(this, file, size, sink, counted, onError);
  });
  return reads;
}

test('a first backup reads each hard-linked file once and records every name with its metadata', async () => {
  const source = path.join(fixture.dir, 'source');
  fs.mkdirSync(path.join(source, 'a'), { recursive: true });
  fs.mkdirSync(path.join(source, 'b'));
  const big = randomData(3 * 1024 * 1024, 'linked');
  fs.writeFileSync(path.join(source, 'a', 'big'), big);
  fs.linkSync(path.join(source, 'a', 'big'), path.join(source, 'b', 'big-again'));
  fs.linkSync(path.join(source, 'a', 'big'), path.join(source, 'b', 'big-third'));
  for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(source, 'a', `f${i}`), `file ${i}\n`);
  fs.chmodSync(path.join(source, 'a', 'f7'), 0o640);
  fs.utimesSync(
    path.join(source, 'a', 'f7'),
    new Date('2001-02-03T04:05:06Z'),
    new Date('2001-02-03T04:05:06.789Z'),
  );
  const reads = countReads();

  const repo = await Repository.init(fixture.store, fixture.first);
  const { manifest } = await backupTree(repo, { paths: [source], name: 'tree', backupType: 'full' });

  const inode = fs.statSync(path.join(source, 'a', 'big'), { bigint: true });
  expect(reads.get(`${inode.dev}:${inode.ino}`)).toBe(1);
  expect(reads.size).toBe(51); // every other file once too
  expect(manifest.content).toMatchObject({ kind: 'tree', files: 53, size: 3 * big.length + 10 * 7 + 40 * 8 });

  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  const root = await readTree(
    reader,
    manifest.content.kind === 'tree' ? manifest.content.tree.map((h) => Buffer.from(h, 'hex')) : [],
  );
  const dir = async (name: string) => {
    const node = root.find((n) => n.name.toString() === name);
    if (node?.type !== 'dir') throw new Error(`no directory ${name}`);
    return readTree(reader, node.subtree);
  };
  const a = await dir('a');
  const b = await dir('b');
  const bigNode = a.find((n) => n.name.toString() === 'big');
  for (const other of b) {
    expect(other).toMatchObject({ type: 'file', size: big.length, ino: inode.ino, nlink: 3 });
    expect(other.type === 'file' && bigNode?.type === 'file' && other.content).toEqual(
      bigNode?.type === 'file' && bigNode.content,
    );
  }
  const f7 = fs.statSync(path.join(source, 'a', 'f7'), { bigint: true });
  expect(a.find((n) => n.name.toString() === 'f7')).toMatchObject({
    type: 'file',
    mode: 0o640,
    size: 7,
    mtimeNs: f7.mtimeNs,
    ctimeNs: f7.ctimeNs,
    uid: Number(f7.uid),
    gid: Number(f7.gid),
    ino: f7.ino,
  });
});

test('a directory listed without entry types (a filesystem that does not report them) is backed up whole', async () => {
  const source = path.join(fixture.dir, 'source');
  fs.mkdirSync(path.join(source, 'sub', 'deeper'), { recursive: true });
  fs.writeFileSync(path.join(source, 'sub', 'file'), 'content\n');
  fs.writeFileSync(path.join(source, 'sub', 'deeper', 'other'), 'more\n');
  fs.symlinkSync('file', path.join(source, 'sub', 'link'));
  // Node stats an entry of unknown type itself and fails the whole listing when it cannot: the
  // walk must then list names alone and stat each entry.
  const typed = jest.spyOn(listing, 'typed').mockImplementation(() => {
    throw Object.assign(new Error('cannot stat an entry'), { code: 'ENOENT' });
  });

  expect(await scanTreeSize([source], [], () => false)).toBe(8 + 5);
  const repo = await Repository.init(fixture.store, fixture.first);
  const { manifest } = await backupTree(repo, { paths: [source], name: 'tree', backupType: 'full' });
  expect(typed).toHaveBeenCalled();
  expect(manifest.content).toMatchObject({ kind: 'tree', files: 2, size: 13 });
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  const [sub] = await readTree(
    reader,
    manifest.content.kind === 'tree' ? manifest.content.tree.map((h) => Buffer.from(h, 'hex')) : [],
  );
  const entries = sub?.type === 'dir' ? await readTree(reader, sub.subtree) : [];
  expect(entries.map((n) => [n.name.toString(), n.type])).toEqual([
    ['deeper', 'dir'],
    ['file', 'file'],
    ['link', 'symlink'],
  ]);
});

test("an incremental reads the parent's listings a few ahead of the walk, not a whole level at once", async () => {
  const source = path.join(fixture.dir, 'source');
  for (let d = 0; d < 40; d++) {
    fs.mkdirSync(path.join(source, `d${String(d).padStart(2, '0')}`, 'inner'), { recursive: true });
    fs.writeFileSync(path.join(source, `d${String(d).padStart(2, '0')}`, 'inner', 'f'), `file ${d}\n`);
  }
  const repo = await Repository.init(fixture.store, fixture.first);
  await backupTree(repo, { paths: [source], name: 'tree', backupType: 'full' });
  // Directories the walk passes by: gone, or a file now. Listings read ahead for them are dropped
  // and the window moves on past them.
  for (let d = 5; d < 25; d++)
    fs.rmSync(path.join(source, `d${String(d).padStart(2, '0')}`), { recursive: true });
  fs.writeFileSync(path.join(source, 'd07'), 'a file now\n');

  const reads = jest.spyOn(treeIo, 'readTree');
  const readsAtFirstFile: number[] = [];
  const { manifest } = await backupTree(repo, {
    paths: [source],
    name: 'tree',
    backupType: 'incremental',
    onProgress: () => readsAtFirstFile.push(reads.mock.calls.length),
  });
  // The root's listing, d00's and d00/inner's, and eight read ahead at each of those two levels.
  expect(readsAtFirstFile[0]).toBeLessThanOrEqual(3 + 8 + 8);
  expect(manifest.stats.tree).toMatchObject({ files_unmodified: 20, files_new: 1, files_changed: 0 });
  // Each directory's listing was read once: no read ahead was wasted but the dropped ones.
  expect(reads.mock.calls.length).toBeLessThanOrEqual(1 + 2 * 20 + 8);
});

test('a walk that never waits for a worker still lets the event loop turn', async () => {
  const source = path.join(fixture.dir, 'source');
  fs.mkdirSync(source);
  for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(source, `f${i}`), `${i}\n`);
  const repo = await Repository.init(fixture.store, fixture.first);
  await backupTree(repo, { paths: [source], name: 'tree', backupType: 'full' });

  // Every file is unchanged: the walk answers each one itself, in one directory already read.
  let turned = false;
  let turnedBy = -1;
  const { manifest } = await backupTree(repo, {
    paths: [source],
    name: 'tree',
    backupType: 'incremental',
    onProgress: ({ files }) => {
      if (files === 1) {
        setImmediate(() => (turned = true));
        const until = performance.now() + 50; // longer than a slice of the walk
        while (performance.now() < until);
      } else if (turned && turnedBy < 0) turnedBy = files;
    },
  });
  expect(manifest.stats.tree?.files_unmodified).toBe(2000);
  expect(turnedBy).toBeGreaterThan(1);
  expect(turnedBy).toBeLessThan(2000);
});

test("an incremental counts each unchanged file for the main thread's collections, as it counts a read one", async () => {
  // Unchanged files never reach a reader, and the reader's count was the only one: the second
  // backup of the Linux tree collected nothing while it walked, and peaked 40 MB higher.
  const source = path.join(fixture.dir, 'source');
  fs.mkdirSync(source);
  for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(source, `f${i}`), `file ${i}\n`);
  const repo = await Repository.init(fixture.store, fixture.first);
  await backupTree(repo, { paths: [source], name: 'tree', backupType: 'full' });
  fs.appendFileSync(path.join(source, 'f3'), 'changed\n');
  const unread = jest.spyOn(FileWorkers.prototype, 'unread');
  const reads = countReads();
  const { manifest } = await backupTree(repo, { paths: [source], name: 'tree', backupType: 'incremental' });
  expect(manifest.content).toMatchObject({ kind: 'tree', files: 40 });
  expect(reads.size).toBe(1);
  expect(unread).toHaveBeenCalledTimes(39);
});
