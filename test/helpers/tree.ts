import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  openSync,
  ftruncateSync,
  closeSync,
  chmodSync,
  writeSync,
  readFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { randomData } from './data';

export const NON_UTF8 = Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e]); // "f\xff\xfe.bin"

function p(dir: string, name: string | Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(dir),
    Buffer.from('/'),
    Buffer.isBuffer(name) ? name : Buffer.from(name),
  ]);
}

/**
 * A tree with what a backup must get right: nested and empty directories, files of 0 B, 1 B and
 * several chunks, odd names (space, newline, non-UTF-8 bytes), symlinks (relative, absolute,
 * dangling), hard links, unusual modes and old and sub-second mtimes.
 */
export function makeTree(root: string, seed = 1): void {
  mkdirSync(path.join(root, 'docs', 'deep', 'er', 'est'), { recursive: true });
  mkdirSync(path.join(root, 'empty-dir'));
  mkdirSync(path.join(root, 'src', 'lib'), { recursive: true });
  writeFileSync(path.join(root, 'empty-file'), '');
  writeFileSync(path.join(root, 'one-byte'), 'x');
  writeFileSync(path.join(root, 'docs', 'deep', 'er', 'est', 'bottom.txt'), 'deep down\n');
  writeFileSync(path.join(root, 'src', 'multi-chunk.bin'), randomData(5 * 1024 * 1024 + 123, `tree-${seed}`));
  for (let i = 0; i < 40; i++) {
    writeFileSync(
      path.join(root, 'src', 'lib', `file-${String(i).padStart(3, '0')}.c`),
      `int f${i}(void) { return ${i * seed}; }\n`.repeat(i + 1),
    );
  }
  writeFileSync(p(root, 'with space.txt'), 'space\n');
  writeFileSync(p(root, 'new\nline'), 'newline\n');
  writeFileSync(p(root, NON_UTF8), randomData(3000, `odd-${seed}`));
  symlinkSync('src/lib/file-001.c', path.join(root, 'link-relative'));
  symlinkSync('/etc/hostname', path.join(root, 'link-absolute'));
  symlinkSync('does/not/exist', path.join(root, 'link-dangling'));
  symlinkSync('docs', path.join(root, 'link-to-dir'));
  linkSync(path.join(root, 'one-byte'), path.join(root, 'hard-link-to-one-byte'));
  linkSync(path.join(root, 'src', 'multi-chunk.bin'), path.join(root, 'docs', 'hard-link-big'));
  writeFileSync(path.join(root, 'script.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(path.join(root, 'script.sh'), 0o4755);
  chmodSync(path.join(root, 'docs', 'deep'), 0o1750);
  writeFileSync(path.join(root, 'private'), 'secret-ish');
  chmodSync(path.join(root, 'private'), 0o600);
  utimesSync(path.join(root, 'one-byte'), 1000000000.123456, 946684800.654321);
  utimesSync(path.join(root, 'docs', 'deep', 'er'), 1000000000, 1234567890.5);
}

/** A sparse file: `size` bytes, all holes but a few bytes in the middle. */
export function makeSparse(file: string, size: number): void {
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
  const fd2 = openSync(file, 'r+');
  try {
    writeSync(fd2, Buffer.from('middle'), 0, 6, Math.floor(size / 2));
  } finally {
    closeSync(fd2);
  }
}

export interface EntryFacts {
  type: string;
  mode: number;
  size: number;
  /** To the nanosecond: a restore sets times as the snapshot holds them (nano-times.ts). */
  mtimeNs: bigint;
  uid: number;
  gid: number;
  target?: string;
  /** Hard-link group: the first path (in sorted order) with the same inode. */
  linkGroup?: string;
  /** A file's SHA-256 (hex), with `{ content: true }`. */
  sha256?: string;
}

/**
 * Metadata of every entry below `root` (not root itself), by relative path (latin1 for bytes);
 * with `content`, each file's SHA-256 too.
 */
export function treeFacts(root: string, options: { content?: boolean } = {}): Map<string, EntryFacts> {
  const facts = new Map<string, EntryFacts>();
  const inodes = new Map<bigint, string>();
  const walk = (dir: Buffer, rel: string) => {
    const names = readdirSync(dir, { encoding: 'buffer' }).sort(Buffer.compare);
    for (const name of names) {
      const full = Buffer.concat([dir, Buffer.from('/'), name]);
      const key = rel ? `${rel}/${name.toString('latin1')}` : name.toString('latin1');
      const st = lstatSync(full, { bigint: true });
      const type = st.isDirectory()
        ? 'dir'
        : st.isSymbolicLink()
          ? 'symlink'
          : st.isFile()
            ? 'file'
            : 'other';
      const entry: EntryFacts = {
        type,
        mode: Number(st.mode & 0o7777n),
        size: type === 'dir' ? 0 : Number(st.size),
        mtimeNs: st.mtimeNs,
        uid: Number(st.uid),
        gid: Number(st.gid),
      };
      if (type === 'symlink') {
        entry.target = readlinkSync(full, { encoding: 'buffer' }).toString('latin1');
        entry.mode = 0; // symlink modes are not meaningful on Linux
      }
      if (type === 'file' && options.content)
        entry.sha256 = createHash('sha256').update(readFileSync(full)).digest('hex');
      if (type === 'file' && st.nlink > 1n) {
        const first = inodes.get(st.ino);
        if (first) entry.linkGroup = first;
        else {
          inodes.set(st.ino, key);
          entry.linkGroup = key;
        }
      }
      facts.set(key, entry);
      if (type === 'dir') walk(full, key);
    }
  };
  walk(Buffer.from(root), '');
  return facts;
}

/** `diff -r` without following symlinks: exit 0 when contents are identical. */
export function diffTrees(a: string, b: string): { same: boolean; output: string } {
  const r = spawnSync('diff', ['-r', '--no-dereference', a, b], { encoding: 'latin1' });
  return { same: r.status === 0, output: `${r.stdout}${r.stderr}` };
}
