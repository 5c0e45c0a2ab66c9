// File datasets: the Linux source tar and its 1%-changed copy. Both are generated once into the
// data directory and reused; each is written under a temporary name and renamed when complete, so
// an interrupted run never leaves a truncated file that a later run would trust.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CHANGE_EDITS,
  CHANGE_FRACTION,
  CHANGE_INSERT_BYTES,
  CHANGE_SEED,
  LINUX_SOURCE_XZ,
  MiB,
  QUICK_TAR_BYTES,
} from './config';
import { describeExit, run, which } from './exec';
import { Keystream } from './prng';

export interface FileDataset {
  /** Short key used on the command line and in the results: 'linux' or 'pg'. */
  key: string;
  /** Name the stream is backed up under (both tools, both backups). */
  name: string;
  /** First (full) backup input. */
  base: string;
  /** Second backup input: the base with a small change. */
  changed: string;
  /** How `changed` differs from `base`, for the report. */
  changeNote: string;
}

type Log = (msg: string) => void;

/** Calls make(tmp) and renames tmp to file, unless file already exists. */
export async function once(file: string, log: Log, make: (tmp: string) => Promise<void>): Promise<void> {
  if (fs.existsSync(file)) {
    log(`reusing ${file}`);
    return;
  }
  const tmp = `${file}.partial`;
  fs.rmSync(tmp, { force: true });
  const started = Date.now();
  log(`generating ${file}`);
  await make(tmp);
  fs.renameSync(tmp, file);
  log(`generated ${file} (${mib(fs.statSync(file).size)} MiB in ${seconds(started)} s)`);
}

/** The whole Linux source tar (data/linux.tar), decompressed once; the tree dataset comes from it. */
export async function linuxTar(dataDir: string, log: Log): Promise<string> {
  const tar = path.join(dataDir, 'linux.tar');
  await once(tar, log, decompress);
  return tar;
}

export async function linuxDataset(dataDir: string, quick: boolean, log: Log): Promise<FileDataset> {
  const base = path.join(dataDir, quick ? 'linux-200mib.tar' : 'linux.tar');
  const changed = base.replace(/\.tar$/, '-1pct.tar');
  await once(base, log, (tmp) => (quick ? decompressPrefix(tmp, QUICK_TAR_BYTES) : decompress(tmp)));
  await once(changed, log, (tmp) => writeChanged(base, tmp));
  return {
    key: 'linux',
    name: 'linux.tar',
    base,
    changed,
    changeNote:
      `${CHANGE_EDITS} evenly spread edits (seeded jitter) overwrite ${CHANGE_FRACTION * 100}% of the bytes ` +
      `with random data; every second edit also inserts ${CHANGE_INSERT_BYTES} random bytes (shifting the rest)`,
  };
}

function xzPath(): string {
  return which('xz') ?? 'xz';
}

async function decompress(out: string): Promise<void> {
  const fd = fs.openSync(out, 'w');
  try {
    const r = await run(xzPath(), ['-dc', LINUX_SOURCE_XZ], { stdout: fd, stderr: 'inherit' });
    if (r.code !== 0) throw new Error(`xz -dc ${LINUX_SOURCE_XZ} ${describeExit(r)}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** The first `limit` bytes of the tar, without decompressing the rest of it. */
async function decompressPrefix(out: string, limit: number): Promise<void> {
  const xz = spawn(xzPath(), ['-dc', LINUX_SOURCE_XZ], { stdio: ['ignore', 'pipe', 'ignore'] });
  const fh = await fs.promises.open(out, 'w');
  let written = 0;
  try {
    for await (const chunk of xz.stdout as AsyncIterable<Buffer>) {
      const piece = chunk.subarray(0, limit - written);
      await fh.write(piece);
      written += piece.length;
      if (written >= limit) break;
    }
  } finally {
    await fh.close();
    // Stopping xz early is the point; its SIGTERM exit is expected.
    xz.kill();
  }
  if (written < limit) throw new Error(`${LINUX_SOURCE_XZ} decompressed to only ${written} bytes`);
}

/**
 * Writes a copy of `src` with CHANGE_FRACTION of it rewritten: the file is cut into CHANGE_EDITS
 * equal slots, each gets one region of size*fraction/edits bytes (≈136 KB for the full tar) at a
 * seeded random offset, overwritten with random bytes. Odd edits also insert CHANGE_INSERT_BYTES,
 * which a content-defined chunker must absorb and a fixed-block one cannot. Models the scattered
 * edits of a source tree between two releases, deterministically.
 */
export async function writeChanged(src: string, out: string): Promise<void> {
  const size = fs.statSync(src).size;
  const ks = new Keystream(CHANGE_SEED);
  const slot = Math.floor(size / CHANGE_EDITS);
  const region = Math.floor((size * CHANGE_FRACTION) / CHANGE_EDITS);
  const input = await fs.promises.open(src, 'r');
  const output = await fs.promises.open(out, 'w');
  const buf = Buffer.alloc(4 * MiB);
  let pos = 0;
  const copyTo = async (end: number): Promise<void> => {
    while (pos < end) {
      const { bytesRead } = await input.read(buf, 0, Math.min(buf.length, end - pos), pos);
      if (bytesRead === 0) throw new Error(`${src} shrank while being copied`);
      await output.write(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  };
  try {
    for (let i = 0; i < CHANGE_EDITS; i++) {
      const offset = i * slot + ks.below(slot - region);
      await copyTo(offset);
      await output.write(ks.bytes(region));
      if (i % 2 === 1) await output.write(ks.bytes(CHANGE_INSERT_BYTES));
      pos += region;
    }
    await copyTo(size);
  } finally {
    await input.close();
    await output.close();
  }
}

/**
 * Reads the whole file once: warms the page cache so that every tool starts from the same warm
 * cache, and yields the SHA-256 that restores are checked against.
 */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * MiB }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
  }
  return hash.digest('hex');
}

export function mib(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
