/**
 * A stream backup into a cloud repository killed (SIGKILL) in the middle of its uploads, on S3
 * (s3rver) and Azure Blob (Azurite). Killed, the client cannot clean up anything: what it leaves
 * is whatever the store made visible. The store's atomic puts (a multipart upload or a block list
 * becomes an object only when completed) must mean that nothing half-written is listed, nothing
 * names a snapshot, `check --read-data` passes, and the next backup and its restore work.
 *
 * The killed backup's input stops after GATE bytes (as a stalled pg_dump would): it cannot
 * finish before the kill however fast the machine, and the kill waits for the store, not a clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ContainerClient } from '@azure/storage-blob';
import {
  PACK_FOOTER_BYTES,
  PACK_FOOTER_MAGIC,
  PACK_HEADER_BYTES,
  PACK_MAGIC,
} from '../../functions/repository/pack';
import { startAzurite } from '../helpers/azurite';
import { backupJson, CLI, NODE, runCli, TempHome, type RunResult } from '../helpers/cli';
import { generatedStream } from '../helpers/data';
import { startS3rver } from '../helpers/s3rver';

jest.setTimeout(180_000);

const MiB = 1024 * 1024;
const SIZE = 300 * MiB;
const SEED = 'cloud-interrupt';
/**
 * The killed backup is fed this much and then nothing more: about 85 MiB stored (a third of the
 * generated stream is one repeated, compressible piece), two 32 MiB packs complete and a third open.
 */
const GATE = 128 * MiB;
/** The longest the killed backup may take to complete its first pack. */
const TRIGGER_TIMEOUT_MS = 60_000;
const POLL_MS = 50;
/** `check` says this of a pack that no index names (functions/repository/check.ts). */
const UNINDEXED = 'pack is in no index (left by an interrupted backup; harmless)';

interface StoredObject {
  /** Key relative to the repository prefix, as Lifeboat names it (`data/ab/ab…`). */
  key: string;
  size: number;
}

/** Code-point order, as S3 and Azure list keys (and `check` reports them). */
function byKey(a: StoredObject, b: StoredObject): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** What the test needs of an emulator, through the cloud SDK rather than through Lifeboat. */
interface Emulator {
  env: Record<string, string>;
  /** Committed objects under the repository prefix + `prefix`, sorted by key. */
  list(prefix: string): Promise<StoredObject[]>;
  read(key: string, offset: number, length: number): Promise<Buffer>;
  /**
   * Blobs that have staged blocks but no committed block list (Azure): an upload cut short.
   * Undefined where the emulator cannot tell (s3rver does not implement ListMultipartUploads).
   */
  uncommitted?(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

interface Backend {
  name: string;
  /** The repository: LIFEBOAT_REPO. */
  url: string;
  start(): Promise<Emulator>;
}

const BUCKET = 'backups';
const PREFIX = 'interrupted';

async function s3Emulator(): Promise<Emulator> {
  const s3 = await startS3rver([BUCKET]);
  const client: S3Client = s3.client();
  return {
    env: s3.env,
    async list(prefix) {
      const out: StoredObject[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: BUCKET,
            Prefix: `${PREFIX}/${prefix}`,
            ContinuationToken: token,
          }),
        );
        for (const item of page.Contents ?? []) {
          out.push({ key: (item.Key ?? '').slice(PREFIX.length + 1), size: Number(item.Size ?? 0) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort(byKey);
    },
    async read(key, offset, length) {
      const out = await client.send(
        new GetObjectCommand({
          Bucket: BUCKET,
          Key: `${PREFIX}/${key}`,
          Range: `bytes=${offset}-${offset + length - 1}`,
        }),
      );
      return Buffer.from(await out.Body!.transformToByteArray());
    },
    stop: async () => {
      client.destroy();
      await s3.stop();
    },
  };
}

async function azureEmulator(): Promise<Emulator> {
  const azurite = await startAzurite([BUCKET]);
  const container: ContainerClient = azurite.serviceClient().getContainerClient(BUCKET);
  const names = async (prefix: string, includeUncommitedBlobs: boolean): Promise<StoredObject[]> => {
    const out: StoredObject[] = [];
    // The SDK spells the option "Uncommited".
    for await (const blob of container.listBlobsFlat({
      prefix: `${PREFIX}/${prefix}`,
      includeUncommitedBlobs,
    })) {
      out.push({ key: blob.name.slice(PREFIX.length + 1), size: Number(blob.properties.contentLength ?? 0) });
    }
    return out.sort(byKey);
  };
  return {
    env: azurite.env,
    list: (prefix) => names(prefix, false),
    async read(key, offset, length) {
      return container.getBlobClient(`${PREFIX}/${key}`).downloadToBuffer(offset, length);
    },
    async uncommitted(prefix) {
      const committed = new Set((await names(prefix, false)).map((o) => o.key));
      return (await names(prefix, true)).map((o) => o.key).filter((key) => !committed.has(key));
    },
    stop: () => azurite.stop(),
  };
}

const backends: Backend[] = [
  { name: 'S3 (s3rver)', url: `s3://${BUCKET}/${PREFIX}`, start: s3Emulator },
  { name: 'Azure Blob (Azurite)', url: `azure://${BUCKET}/${PREFIX}`, start: azureEmulator },
];

/** Passes the first `limit` bytes of its input through, then holds the rest back for good. */
function gate(limit: number): Transform {
  let passed = 0;
  return new Transform({
    transform(piece: Buffer, _encoding, callback) {
      const room = limit - passed;
      if (room <= 0) return; // never calling back stalls the writer, as a stuck producer would
      passed += Math.min(room, piece.length);
      if (piece.length <= room) callback(null, piece);
      else this.push(piece.subarray(0, room));
    },
  });
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of stream) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** `lifeboat restore ID --stdout`, hashed as it arrives (300 MiB are not collected in memory). */
function restoredSha256(
  id: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; sha256: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, 'restore', id, '--stdout'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const hash = createHash('sha256');
    let stderr = '';
    child.stdout.on('data', (piece: Buffer) => hash.update(piece));
    child.stderr.on('data', (piece: Buffer) => (stderr += piece.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, sha256: hash.digest('hex'), stderr }));
  });
}

/**
 * Checks through the SDK, not through Lifeboat's reader, that a stored pack is whole: it starts
 * with the pack magic and ends with a footer whose trailer length and CRC-32 match the bytes
 * before it (docs/FORMAT.md, Packs). A pack cut anywhere fails one of these.
 */
async function expectWholePack(emulator: Emulator, pack: StoredObject): Promise<void> {
  expect(pack.size).toBeGreaterThan(PACK_HEADER_BYTES + PACK_FOOTER_BYTES);
  const head = await emulator.read(pack.key, 0, PACK_MAGIC.length);
  const footer = await emulator.read(pack.key, pack.size - PACK_FOOTER_BYTES, PACK_FOOTER_BYTES);
  const trailerLength = footer.readUInt32LE(0);
  expect({ key: pack.key, head: head.toString(), magic: footer.subarray(8).toString() }).toEqual({
    key: pack.key,
    head: PACK_MAGIC.toString(),
    magic: PACK_FOOTER_MAGIC.toString(),
  });
  expect(trailerLength).toBeLessThanOrEqual(pack.size - PACK_HEADER_BYTES - PACK_FOOTER_BYTES);
  const trailer = await emulator.read(pack.key, pack.size - PACK_FOOTER_BYTES - trailerLength, trailerLength);
  expect(crc32(trailer)).toBe(footer.readUInt32LE(4));
}

/** What the store shows of the backup's uploads: finished packs, and cut ones where it can tell. */
interface Uploads {
  committed: StoredObject[];
  staged?: string[];
}

interface CheckReport {
  ok: boolean;
  problems: { severity: string; object: string; offset?: number; problem: string }[];
  snapshots: number;
  indexes: number;
  packs: number;
  chunks: number;
  bytes_read: number;
}

function parsed<T>(result: RunResult, what: string): T {
  try {
    return JSON.parse(result.stdout.toString('utf8')) as T;
  } catch {
    throw new Error(`${what} printed no JSON (exit ${result.code}): ${result.stderr}`);
  }
}

describe.each(backends)('a backup into $name killed mid-upload', (backend) => {
  const home = new TempHome('lifeboat-cloud-interrupt-');
  let emulator: Emulator;
  let env: NodeJS.ProcessEnv;
  /** The packs the killed backup left, as the SDK listed them right after the kill. */
  let leftover: StoredObject[] = [];

  beforeAll(async () => {
    emulator = await backend.start();
    env = { ...home.env, ...emulator.env, LIFEBOAT_REPO: backend.url };
    // Created beforehand, so that the kill interrupts a backup, not the repository's creation.
    const init = await runCli(['init'], { env });
    if (init.code !== 0) throw new Error(`init failed (${init.code}): ${init.stderr}`);
  });
  afterAll(async () => {
    await emulator?.stop();
    home.cleanup();
  });

  async function snapshots(): Promise<{ id: string; name: string }[]> {
    const result = await runCli(['snapshots', '--json'], { env });
    expect(result.code).toBe(0);
    return parsed(result, 'snapshots');
  }

  async function check(readData: boolean): Promise<CheckReport> {
    const result = await runCli(['check', '--json', ...(readData ? ['--read-data'] : [])], { env });
    const report = parsed<CheckReport>(result, 'check');
    expect(result.code).toBe(0);
    return report;
  }

  async function uploads(): Promise<Uploads> {
    const committed = await emulator.list('data/');
    return emulator.uncommitted ? { committed, staged: await emulator.uncommitted('data/') } : { committed };
  }

  /**
   * Lists until two listings in a row agree: with the backup stopped, requests it sent before are
   * still being served (s3rver writes a completed multipart object in place, for one).
   */
  async function settled(deadline: number): Promise<Uploads> {
    let last = await uploads();
    for (;;) {
      await delay(POLL_MS);
      const now = await uploads();
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      if (Date.now() > deadline) throw new Error('the store did not settle after SIGSTOP');
      last = now;
    }
  }

  test('nothing is committed, every stored object is whole, check --read-data passes', async () => {
    let child: ChildProcess | undefined;
    let exited = false;
    const input = generatedStream(SIZE, SEED).pipe(gate(GATE));
    const running = runCli(['backup', '--stdin', '--name', 'big', '--json'], {
      env,
      input,
      onSpawn: (spawned) => (child = spawned),
    }).finally(() => (exited = true));

    // The moment: a pack is committed (the backup has uploaded data) and, where the store can
    // tell (Azure), another pack's blocks are staged but not committed: the kill cuts an upload.
    // The backup is stopped first and the store left to settle, so that what the store showed at
    // the kill is known exactly and can be compared with what it shows afterwards.
    const ready = (state: Uploads): boolean =>
      state.committed.length > 0 && (state.staged === undefined || state.staged.length > 0);
    let atKill: Uploads | undefined;
    const deadline = Date.now() + TRIGGER_TIMEOUT_MS;
    try {
      while (!exited && !atKill) {
        if (Date.now() > deadline) throw new Error(`no pack was committed within ${TRIGGER_TIMEOUT_MS} ms`);
        if (ready(await uploads())) {
          child!.kill('SIGSTOP');
          const state = await settled(deadline);
          if (ready(state)) {
            child!.kill('SIGKILL');
            atKill = state;
          } else {
            child!.kill('SIGCONT');
          }
        }
        if (!atKill) await delay(POLL_MS);
      }
    } finally {
      if (!atKill) child?.kill('SIGKILL');
      input.destroy();
    }
    const result = await running;
    if (result.signal !== 'SIGKILL' || !atKill) {
      throw new Error(`the backup ended before the kill: exit ${result.code}, ${result.stderr}`);
    }

    // (1) No snapshot was committed.
    expect((await snapshots()).filter((s) => s.name === 'big')).toEqual([]);

    // (2) Through the SDK: nothing under snapshots/ (nor index/: the writer writes an index every
    // 64 packs), only the repository's own objects and packs, each pack whole.
    const all = await emulator.list('');
    expect(all.filter((o) => o.key.startsWith('snapshots/'))).toEqual([]);
    const unexpected = all.filter(
      (o) => !/^(config|keys\/[^/]+|(data|meta)\/[0-9a-f]{2}\/[0-9a-f]+)$/.test(o.key),
    );
    expect(unexpected).toEqual([]);
    leftover = all.filter((o) => /^(data|meta)\//.test(o.key));
    // The packs are the ones listed at the kill, at the same sizes: nothing finished or appeared
    // after it; the uploads it cut short are staged blocks (Azure), no object.
    expect(leftover.filter((o) => o.key.startsWith('data/'))).toEqual(atKill.committed);
    expect(leftover.length).toBeGreaterThanOrEqual(1);
    for (const pack of leftover) await expectWholePack(emulator, pack);
    if (atKill.staged !== undefined) {
      expect(atKill.staged.length).toBeGreaterThanOrEqual(1);
      expect(await emulator.uncommitted!('data/')).toEqual(atKill.staged);
    }

    // check opens every pack (header and authenticated trailer) and reports each leftover one as
    // a warning; --read-data reads only packs an index names, and none is named yet.
    expect(await check(true)).toEqual({
      ok: true,
      problems: leftover.map((o) => ({ severity: 'warning', object: o.key, problem: UNINDEXED })),
      snapshots: 0,
      indexes: 0,
      packs: leftover.length,
      chunks: 0,
      bytes_read: 0,
    });
  });

  test('the same backup again completes, and restores to the same bytes', async () => {
    const backup = backupJson(
      await runCli(['backup', '--stdin', '--name', 'big', '--json'], {
        env,
        input: generatedStream(SIZE, SEED),
      }),
    );
    expect(backup).toMatchObject({ original_size_bytes: SIZE });
    expect((await snapshots()).filter((s) => s.name === 'big').map((s) => s.id)).toEqual([backup.id]);

    const [restored, expected] = await Promise.all([
      restoredSha256(backup.id, env),
      sha256Of(generatedStream(SIZE, SEED)),
    ]);
    expect(restored.stderr).toMatch(/checksum verified/);
    expect(restored.code).toBe(0);
    expect(restored.sha256).toBe(expected);

    // The killed backup's packs are neither adopted nor lost: still the same warnings, no error.
    const report = await check(false);
    expect(report).toMatchObject({ ok: true, snapshots: 1 });
    expect(report.problems).toEqual(
      leftover.map((o) => ({ severity: 'warning', object: o.key, problem: UNINDEXED })),
    );
  });
});
