// Randomized round trips of whole trees through the CLI, seeded so that a failure replays: odd
// names, every mode, owners, hard links, symlinks and sub-second times; then changes of every
// kind (content of the same size and mtime, which only ctime shows; truncation; type changes;
// renames; new hard links) and an incremental backup. Each snapshot must restore exactly, into an
// empty directory and over a tree that has moved on (--overwrite always --delete), and `diff`
// must name exactly what changed. A tree this varied found three bugs that the hand-made trees
// of filesystem.test.ts did not.
import {
  appendFileSync,
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
  cpSync,
} from 'node:fs';
import * as path from 'node:path';
import { backupJson, runCli, TempHome } from '../helpers/cli';
import { randomData } from '../helpers/data';
import { treeFacts, type EntryFacts } from '../helpers/tree';
import { setPathTimes } from '../../functions/sources/filesystem/nano-times';

jest.setTimeout(300_000);

const asRoot = process.getuid?.() === 0;

/** mulberry32: small, fast, and the same sequence for a seed everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = [
  'a',
  'b c',
  'new\nline',
  '\xff\xfe',
  'caf\xe9',
  '-dash',
  '.hidden',
  'back\\slash',
  'tab\t',
  'x'.repeat(200),
];

class TreeMaker {
  private readonly files: Buffer[] = [];
  constructor(private readonly next: () => number) {}

  private int(n: number): number {
    return Math.floor(this.next() * n);
  }
  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  private join(dir: Buffer, name: string): Buffer {
    return Buffer.concat([dir, Buffer.from('/'), Buffer.from(name, 'latin1')]);
  }
  private bytes(n: number): Buffer {
    return randomData(n, `tree-${this.int(2 ** 30)}`);
  }
  private content(): Buffer {
    const k = this.next();
    if (k < 0.15) return Buffer.alloc(0);
    if (k < 0.25) return Buffer.from('x');
    if (k < 0.6) return Buffer.from(`line ${this.int(99)}\n`.repeat(1 + this.int(2000)));
    if (k < 0.95) return this.bytes(2 + this.int(20_000));
    return this.bytes(1_000_000 + this.int(2_000_000)); // several chunks
  }
  /** Times with nanoseconds (set with the restore's own call: nano-times.test.ts checks it). */
  private touch(p: Buffer): void {
    setPathTimes(p, BigInt(this.int(2_000_000_000)) * 1_000_000_000n + BigInt(this.int(1_000_000_000)));
  }
  file(p: Buffer): void {
    writeFileSync(p, this.content());
    if (asRoot && this.next() < 0.2) chownSync(p, 1 + this.int(60_000), 1 + this.int(60_000));
    chmodSync(p, this.pick([0o644, 0o600, 0o755, 0o400, 0o4755, 0o2750, 0o000]));
    this.touch(p);
    this.files.push(p);
  }
  build(dir: Buffer, depth: number, count = this.int(7)): void {
    for (let i = 0; i < count; i++) {
      const p = this.join(dir, `${this.pick(NAMES)}${this.int(1000)}`);
      if (exists(p)) continue;
      const k = this.next();
      if (k < 0.5) this.file(p);
      else if (k < 0.7 && depth < 4) {
        mkdirSync(p);
        this.build(p, depth + 1);
        chmodSync(p, this.pick([0o755, 0o700, 0o555, 0o1777]));
        this.touch(p);
      } else if (k < 0.85) {
        symlinkSync(
          Buffer.from(this.pick(['../a0', '/etc/passwd', 'dangling', '.', '..', 'a\nb', '\xff']), 'latin1'),
          p,
        );
      } else if (this.files.length > 0) {
        linkSync(this.pick(this.files), p);
      }
    }
  }
  /** Changes about a quarter of the entries, each in one of many ways. */
  change(root: Buffer): void {
    const all: Buffer[] = [];
    const walk = (dir: Buffer) => {
      for (const name of readdirSync(dir, { encoding: 'buffer' }).sort(Buffer.compare)) {
        const p = Buffer.concat([dir, Buffer.from('/'), name]);
        all.push(p);
        if (lstatSync(p).isDirectory()) walk(p);
      }
    };
    walk(root);
    for (const p of all.filter(() => this.next() < 0.25)) {
      if (!exists(p)) continue;
      const st = lstatSync(p, { bigint: true });
      const k = this.next();
      if (k < 0.15) rmSync(p, { recursive: true, force: true });
      else if (k < 0.3 && st.isFile()) {
        chmodSync(p, 0o644);
        appendFileSync(p, 'more');
        this.touch(p);
      } else if (k < 0.4) {
        rmSync(p, { recursive: true, force: true });
        this.pick([() => this.file(p), () => mkdirSync(p), () => symlinkSync('zz', p)])();
      } else if (k < 0.5 && !st.isSymbolicLink()) chmodSync(p, 0o700);
      else if (k < 0.6 && st.isDirectory()) this.build(p, 3);
      else if (k < 0.7 && st.isFile()) renameSync(p, Buffer.concat([p, Buffer.from('.moved')]));
      else if (k < 0.8 && st.isFile() && st.size > 0n) {
        // New bytes, same size and mtime: only the ctime tells.
        chmodSync(p, 0o644);
        const fd = openSync(p, 'r+');
        writeSync(fd, Buffer.from([this.int(256)]), 0, 1, this.int(Number(st.size)));
        closeSync(fd);
        setPathTimes(p, st.mtimeNs);
        chmodSync(p, Number(st.mode & 0o7777n));
      } else if (k < 0.9 && st.isFile() && st.size > 10n) {
        truncateSync(p, this.int(Number(st.size)));
        this.touch(p);
      } else if (st.isFile()) {
        const second = Buffer.concat([p, Buffer.from('.hl')]);
        if (!exists(second)) linkSync(p, second);
      }
    }
  }
}

function exists(p: Buffer): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The paths added, removed and changed from `a` to `b`, as `lifeboat diff` should list them. */
function expectedDiff(a: Map<string, EntryFacts>, b: Map<string, EntryFacts>) {
  const same = (x: EntryFacts, y: EntryFacts) => {
    const { linkGroup: _x, ...restX } = x;
    const { linkGroup: _y, ...restY } = y;
    return (
      JSON.stringify(restX, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ===
      JSON.stringify(restY, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))
    );
  };
  const retyped = [...a.keys()].filter((k) => b.has(k) && a.get(k)!.type !== b.get(k)!.type);
  const under = (k: string) => retyped.some((r) => k === r || k.startsWith(`${r}/`));
  return {
    added: [...b.keys()].filter((k) => !a.has(k) || under(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k) || under(k)).sort(),
    changed: [...a.keys()].filter((k) => b.has(k) && !under(k) && !same(a.get(k)!, b.get(k)!)).sort(),
  };
}

describe.each([1, 2, 3, 4])('a randomized tree (seed %i)', (seed) => {
  const home = new TempHome(`lifeboat-roundtrip-${seed}-`);
  const env = home.env;
  afterAll(() => home.cleanup());

  it('restores every snapshot exactly, fresh and over a changed tree, and diffs them truly', async () => {
    const maker = new TreeMaker(random(seed));
    const src = path.join(home.dir, 'src');
    mkdirSync(src);
    maker.build(Buffer.from(src), 0, 12 + (seed % 10));
    const facts = () => treeFacts(src, { content: true });
    const before = facts();
    const first = backupJson(
      await runCli(['backup', src, '--name', 't', '--type', 'full', '--json'], { env }),
    ).id;
    maker.change(Buffer.from(src));
    const after = facts();
    const second = backupJson(await runCli(['backup', src, '--name', 't', '--json'], { env })).id;
    expect(before.size).toBeGreaterThan(10);

    for (const [id, want, name] of [
      [first, before, 'fresh-1'],
      [second, after, 'fresh-2'],
    ] as const) {
      const out = path.join(home.dir, name);
      expect((await runCli(['restore', id, '--target', out], { env })).code).toBe(0);
      expect(treeFacts(out, { content: true })).toEqual(want);
    }
    // The first snapshot over a copy of the changed tree, then the second over that.
    const over = path.join(home.dir, 'over');
    cpSync(src, over, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    for (const [id, want] of [
      [first, before],
      [second, after],
    ] as const) {
      const r = await runCli(
        ['restore', id, '--target', over, '--overwrite', 'always', '--delete', '--json'],
        { env },
      );
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(treeFacts(over, { content: true })).toEqual(want);
    }

    // --overwrite if-changed keeps a file whose size and mtime match (its content unread: the
    // same trade as restic's), and later names of a hard-link group join the first one's inode.
    const kept = path.join(home.dir, 'kept');
    cpSync(src, kept, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    // Times cut to the microsecond, as a copy through Node's utimes (or a restore without the
    // nanosecond addon) leaves them: the same to the restore's check, which must set them again.
    for (const [rel, fact] of treeFacts(kept)) {
      if (fact.type !== 'file') continue;
      const file = Buffer.concat([Buffer.from(`${kept}/`), Buffer.from(rel, 'latin1')]);
      const time = Number(fact.mtimeNs / 1000n) / 1e6 + 4e-7;
      utimesSync(file, time, time);
    }
    const found = treeFacts(kept, { content: true });
    expect([...found.values()].filter((f) => f.type === 'file' && f.mtimeNs % 1000n !== 0n)).toEqual([]);
    const r = await runCli(
      ['restore', first, '--target', kept, '--overwrite', 'if-changed', '--delete', '--json'],
      {
        env,
      },
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const expected = new Map([...before].map(([k, v]) => [k, { ...v }]));
    for (const [k, v] of expected) {
      const there = found.get(k);
      // The content kept as found, and the backup's time to the nanosecond set again.
      if (
        v.type === 'file' &&
        there?.type === 'file' &&
        there.size === v.size &&
        there.mtimeNs / 1000n === v.mtimeNs / 1000n
      )
        v.sha256 = there.sha256;
    }
    for (const v of expected.values()) if (v.linkGroup) v.sha256 = expected.get(v.linkGroup)!.sha256;
    expect(treeFacts(kept, { content: true })).toEqual(expected);

    const diff = JSON.parse(
      (await runCli(['diff', first, second, '--json'], { env })).stdout.toString(),
    ) as Record<'added' | 'removed' | 'changed', { path: string; path_base64?: string }[]>;
    const paths = (kind: 'added' | 'removed' | 'changed') =>
      diff[kind]
        .map((e) =>
          (e.path_base64 ? Buffer.from(e.path_base64, 'base64') : Buffer.from(e.path)).toString('latin1'),
        )
        .sort();
    expect({ added: paths('added'), removed: paths('removed'), changed: paths('changed') }).toEqual(
      expectedDiff(before, after),
    );
  });
});
