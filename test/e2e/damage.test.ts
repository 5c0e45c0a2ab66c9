import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { IntegrityError, LifeboatError, WrongKeyError } from '../../functions/core/errors';
import { backupStream } from '../../functions/core/services/backup-stream';
import { restoreStream, writableSink } from '../../functions/core/services/restore-stream';
import {
  initRepository,
  openingProviders,
  openRepository,
  resolveSettings,
} from '../../functions/local/home';
import { checkRepository } from '../../functions/repository/check';
import { ChunkWorkers } from '../../functions/repository/chunk-workers';
import { runCli, TempHome } from '../helpers/cli';
import { randomData } from '../helpers/data';

/**
 * Every object of a small repository is damaged in turn: one flipped bit at every byte (sampled
 * inside the large data pack) and truncation at many lengths. Restore and check --read-data must
 * each notice and name the object; neither may ever return wrong data.
 */
const home = new TempHome('lifeboat-damage-');
const settings = resolveSettings({}, home.env);
let snapshotId = '';
let workers: ChunkWorkers | undefined;
const original = Buffer.concat([randomData(2 * 1024 * 1024, 'damage'), Buffer.from('text '.repeat(200_000))]);

function allObjects(dir = home.repo, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const key = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.name === '.tmp') return [];
    return e.isDirectory() ? allObjects(path.join(dir, e.name), key) : [key];
  });
}

const nullSink = () =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

function namesObject(error: unknown, key: string): boolean {
  if (error instanceof IntegrityError) return error.object === key;
  // A slot, or the newest key generation link, that no longer opens is a wrong key as far as the
  // reader can tell; the message names the object.
  if (error instanceof WrongKeyError)
    return (key.startsWith('keys/') || key.startsWith('generations/')) && error.message.includes(key);
  return false;
}

async function restoreFails(key: string): Promise<string | undefined> {
  try {
    const repo = await openRepository(settings);
    // One pool for all trials: thousands of short-lived worker threads are slow to start and, in
    // jest's sandbox, are not released promptly.
    workers ??= new ChunkWorkers(repo.keys.id, repo.config.compression);
    await restoreStream(repo, await repo.loadSnapshot(snapshotId), writableSink(nullSink()), { workers });
    return 'restore succeeded on a damaged repository';
  } catch (error) {
    return namesObject(error, key) ? undefined : `restore failed without naming ${key}: ${String(error)}`;
  }
}

async function checkFails(key: string): Promise<string | undefined> {
  try {
    const repo = await openRepository(settings);
    const report = await checkRepository(repo, { readData: true });
    if (report.ok) return 'check --read-data passed on a damaged repository';
    return report.problems.some((p) => p.severity === 'error' && p.object === key)
      ? undefined
      : `check did not name ${key}: ${JSON.stringify(report.problems)}`;
  } catch (error) {
    return namesObject(error, key) ? undefined : `check failed without naming ${key}: ${String(error)}`;
  }
}

async function expectDetected(key: string, damaged: Buffer, what: string): Promise<void> {
  const file = path.join(home.repo, key);
  const intact = readFileSync(file);
  writeFileSync(file, damaged);
  try {
    const problems = [await restoreFails(key), await checkFails(key)].filter(Boolean);
    if (problems.length > 0) throw new Error(`${key} ${what}: ${problems.join('; ')}`);
  } finally {
    writeFileSync(file, intact);
  }
}

function positionsToFlip(size: number, key: string): number[] {
  if (size <= 4096) return [...Array(size).keys()];
  // A large pack: every byte of header and trailer region, and a spread of record bytes.
  const positions = new Set<number>();
  for (let i = 0; i < 128; i++) positions.add(i);
  for (let i = Math.max(0, size - 600); i < size; i++) positions.add(i);
  let x = key.length * 7919;
  for (let i = 0; i < 120; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    positions.add(x % size);
  }
  return [...positions].sort((a, b) => a - b);
}

beforeAll(async () => {
  const { repository: created } = await initRepository(settings);
  // A rotated repository, so that key generation links are damaged in turn too (FORMAT.md §3.6).
  await created.rotateKey(openingProviders(settings), () => {
    throw new Error('no KMS slot here');
  });
  const repository = await openRepository(settings);
  const result = await backupStream(repository, Readable.from([original]), {
    name: 'victim',
    backupType: 'full',
  });
  snapshotId = result.manifest.id;
});
afterAll(async () => {
  await workers?.close();
  home.cleanup();
});

test('the repository holds every kind of object', () => {
  const kinds = new Set(allObjects().map((k) => k.split('/')[0]));
  expect([...kinds].sort()).toEqual(['config', 'data', 'generations', 'index', 'keys', 'meta', 'snapshots']);
});

test('an intact repository restores and checks clean', async () => {
  const repo = await openRepository(settings);
  const parts: Buffer[] = [];
  await restoreStream(
    repo,
    await repo.loadSnapshot(snapshotId),
    writableSink(
      new Writable({
        write(c: Buffer, _e, cb) {
          parts.push(c);
          cb();
        },
      }),
    ),
  );
  expect(Buffer.concat(parts).equals(original)).toBe(true);
  expect((await checkRepository(repo, { readData: true })).ok).toBe(true);
});

describe.each(['config', 'keys', 'generations', 'snapshots', 'index', 'meta', 'data'])(
  'damage to %s objects',
  (kind) => {
    test('any single flipped bit is detected and the object named', async () => {
      const keys = allObjects().filter((k) => k.split('/')[0] === kind);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const intact = readFileSync(path.join(home.repo, key));
        for (const at of positionsToFlip(intact.length, key)) {
          const damaged = Buffer.from(intact);
          damaged[at]! ^= 1 << (at % 8);
          await expectDetected(key, damaged, `bit ${at % 8} of byte ${at} flipped`);
        }
      }
    }, 600_000);

    test('truncation is detected and the object named', async () => {
      for (const key of allObjects().filter((k) => k.split('/')[0] === kind)) {
        const intact = readFileSync(path.join(home.repo, key));
        const lengths =
          intact.length <= 4096
            ? [...Array(intact.length).keys()]
            : [
                0,
                1,
                103,
                104,
                105,
                intact.length >> 1,
                intact.length - 13,
                intact.length - 12,
                intact.length - 1,
              ];
        for (const length of lengths)
          await expectDetected(key, intact.subarray(0, length), `truncated to ${length} bytes`);
      }
    }, 600_000);
  },
);

test('the CLI reports damage with the object, a non-zero status, and never writes wrong data', async () => {
  const key = allObjects().find((k) => k.startsWith('data/'))!;
  const file = path.join(home.repo, key);
  const intact = readFileSync(file);
  const damaged = Buffer.from(intact);
  const at = Math.floor(statSync(file).size / 2);
  damaged[at]! ^= 0x10;
  writeFileSync(file, damaged);
  try {
    const restore = await runCli(['restore', snapshotId, '--stdout'], { env: home.env });
    expect(restore.code).toBe(11);
    expect(restore.stderr).toContain(key);
    // What was written before the damaged chunk is a correct prefix, never altered bytes.
    expect(original.subarray(0, restore.stdout.length).equals(restore.stdout)).toBe(true);
    expect(restore.stdout.length).toBeLessThan(original.length);
    const check = await runCli(['check', '--read-data'], { env: home.env });
    expect(check.code).toBe(11);
    expect(check.stderr).toMatch(new RegExp(`${key} at offset \\d+: `));
  } finally {
    writeFileSync(file, intact);
  }
  expect((await runCli(['check', '--read-data'], { env: home.env })).code).toBe(0);
});

test('errors are typed LifeboatErrors', () => {
  expect(new IntegrityError('x', 'y')).toBeInstanceOf(LifeboatError);
});
