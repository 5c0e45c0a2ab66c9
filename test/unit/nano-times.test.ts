/**
 * A restore sets times to the nanosecond, as the snapshot holds them, through the native addon
 * nano-times.node (Node's own calls stop at the microsecond). `npm run build` builds it; this
 * suite fails where it was not built, so that CI cannot pass with the fallback unnoticed.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  nanosecondTimes,
  setFileTimes,
  setPathTimes,
  splitNanos,
} from '../../functions/sources/filesystem/nano-times';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lifeboat-nano-times-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const TIME = 1_234_567_890_123_456_789n;
const mtimeOf = (p: string | Buffer) => lstatSync(p, { bigint: true }).mtimeNs;

test('the addon is built and loaded', () => {
  expect(nanosecondTimes).toBe(true);
});

test('splitNanos gives whole seconds and 0-999,999,999 nanoseconds, before 1970 too', () => {
  expect(splitNanos(TIME)).toEqual({ seconds: 1_234_567_890, nanos: 123_456_789 });
  expect(splitNanos(0n)).toEqual({ seconds: 0, nanos: 0 });
  expect(splitNanos(-1n)).toEqual({ seconds: -1, nanos: 999_999_999 });
  expect(splitNanos(-2_000_000_000n)).toEqual({ seconds: -2, nanos: 0 });
});

test('a file, a directory and a name that is not UTF-8 get their time to the nanosecond', () => {
  const file = path.join(dir, 'file');
  writeFileSync(file, 'x');
  const sub = path.join(dir, 'sub');
  mkdirSync(sub);
  const latin1 = Buffer.concat([Buffer.from(`${dir}/R`), Buffer.from([0xe9]), Buffer.from('sum')]);
  writeFileSync(latin1, 'y');
  for (const target of [Buffer.from(file), Buffer.from(sub), latin1]) {
    setPathTimes(target, TIME);
    expect(mtimeOf(target)).toBe(TIME);
    expect(lstatSync(target, { bigint: true }).atimeNs).toBe(TIME);
  }
  // Before 1970.
  setPathTimes(Buffer.from(file), -1_500_000_001n);
  expect(mtimeOf(file)).toBe(-1_500_000_001n);
});

test('an open file, through its descriptor', () => {
  const file = path.join(dir, 'open');
  writeFileSync(file, 'x');
  const fd = openSync(file, 'r+');
  try {
    setFileTimes(fd, splitNanos(TIME + 1n));
  } finally {
    closeSync(fd);
  }
  expect(mtimeOf(file)).toBe(TIME + 1n);
});

test("a symbolic link's own time with noFollow, its target's without", () => {
  const target = path.join(dir, 'target');
  writeFileSync(target, 'x');
  const link = path.join(dir, 'link');
  symlinkSync('target', link);
  const before = mtimeOf(target);
  setPathTimes(Buffer.from(link), TIME, true);
  expect(mtimeOf(link)).toBe(TIME);
  expect(mtimeOf(target)).toBe(before);
  setPathTimes(Buffer.from(link), TIME + 7n);
  expect(statSync(link, { bigint: true }).mtimeNs).toBe(TIME + 7n);
  expect(mtimeOf(link)).toBe(TIME);
});

test('a missing entry is an error with its code and the path', () => {
  const missing = path.join(dir, 'missing');
  expect(() => setPathTimes(Buffer.from(missing), TIME)).toThrow(
    expect.objectContaining({ code: 'ENOENT', message: expect.stringContaining(missing) }),
  );
  expect(() => setFileTimes(987_654, { seconds: 1, nanos: 0 })).toThrow(
    expect.objectContaining({ code: 'EBADF' }),
  );
});

test('without the addon (LIFEBOAT_NO_NANO_TIMES), times are set to the microsecond', () => {
  const file = path.join(dir, 'fallback');
  writeFileSync(file, 'x');
  const module = path.join(
    __dirname,
    '..',
    '..',
    'dist',
    'functions',
    'sources',
    'filesystem',
    'nano-times.js',
  );
  const script = `const t = require(${JSON.stringify(module)});
    t.setPathTimes(Buffer.from(${JSON.stringify(file)}), ${TIME}n);
    process.stdout.write(String(t.nanosecondTimes));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, LIFEBOAT_NO_NANO_TIMES: '1' },
    encoding: 'utf8',
  });
  expect(out).toBe('false');
  expect(mtimeOf(file)).toBe((TIME / 1000n) * 1000n);
});
