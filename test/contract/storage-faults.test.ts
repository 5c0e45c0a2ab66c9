/**
 * Cloud storage fails in ordinary ways: throttling, 5xx, dropped connections, bodies cut short.
 * A proxy in front of the emulator injects exactly those faults on chosen requests; every
 * operation must still succeed with the right bytes, because they are retried (by the SDK for a
 * request, by the store itself for a body cut short). Permanent errors (403, a missing bucket)
 * must fail at once, with no retry, as typed errors.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { S3ObjectStore } from '../../functions/adapters/aws/s3/object-store';
import { RequestCounter } from '../../functions/adapters/shared/request-counter';
import { StorageNotFoundError, StoragePermissionError } from '../../functions/core/errors';
import type { ObjectStore } from '../../functions/core/ports/object-store';
import { randomData } from '../helpers/data';
import { FaultProxy, type Fault } from '../helpers/fault-proxy';
import { startS3rver, type S3rverInstance } from '../helpers/s3rver';

async function readStream(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

const PART = 5 * 1024 * 1024;

describe('S3 store under injected faults (s3rver behind a fault proxy)', () => {
  let s3: S3rverInstance;
  beforeAll(async () => {
    s3 = await startS3rver(['faults']);
  });
  afterAll(() => s3.stop());

  async function withProxy(
    plan: (req: IncomingMessage, index: number) => Fault,
    body: (store: ObjectStore, proxy: FaultProxy, requests: RequestCounter) => Promise<void>,
    bucket = 'faults',
  ): Promise<void> {
    const proxy = new FaultProxy(s3.endpoint, plan);
    const endpoint = await proxy.start();
    const requests = new RequestCounter();
    try {
      const store = new S3ObjectStore(s3.client({ endpoint, maxAttempts: 6 }), {
        bucket,
        prefix: `p${Date.now()}`,
        partSize: PART,
        listPageSize: 2,
        requests,
      });
      await body(store, proxy, requests);
    } finally {
      await proxy.stop();
    }
  }

  test('throttling, 5xx and dropped connections on uploads are retried; the objects are whole', async () => {
    const faults: Record<number, Fault> = {
      0: { kind: 'status', status: 503, code: 'SlowDown' },
      1: { kind: 'reset' },
      3: { kind: 'status', status: 500, code: 'InternalError' },
      5: { kind: 'reset' },
      7: { kind: 'status', status: 503, code: 'ServiceUnavailable' },
    };
    await withProxy(
      (_req, i) => faults[i] ?? { kind: 'pass' },
      async (store, proxy, requests) => {
        const small = randomData(100_000, 'small');
        const large = randomData(12 * 1024 * 1024 + 3, 'large');
        await store.put('config', small, { createOnly: true });
        await store.put(
          'data/aa/pack',
          (async function* () {
            for (let at = 0; at < large.length; at += 1 << 20) yield large.subarray(at, at + (1 << 20));
          })(),
        );
        expect((await readStream(await store.get('config'))).equals(small)).toBe(true);
        expect((await readStream(await store.get('data/aa/pack'))).equals(large)).toBe(true);
        expect(proxy.count('status') + proxy.count('reset')).toBe(5);
        // The store counts what it asked for (billed requests); the proxy also saw the retries.
        // The 12 MiB upload is create + 3 parts + complete.
        expect(requests.snapshot()).toEqual({ put: 6, get: 2, list: 0, head: 0, delete: 0 });
        expect(proxy.requests).toHaveLength(8 + 5);
      },
    );
  });

  test('a download cut short is resumed from where it stopped, pinned to the same object', async () => {
    const data = randomData(9 * 1024 * 1024, 'cut');
    let gets = 0;
    await withProxy(
      (req) => {
        if (req.method !== 'GET' || req.url?.includes('list-type')) return { kind: 'pass' };
        gets += 1;
        // The first download and the first resumption are both cut.
        return gets === 1 || gets === 2
          ? { kind: 'truncate', afterBytes: 3 * 1024 * 1024 }
          : { kind: 'pass' };
      },
      async (store, proxy) => {
        await store.put('data/bb/pack', data);
        const whole = await readStream(await store.get('data/bb/pack'));
        expect(whole.length).toBe(data.length);
        expect(whole.equals(data)).toBe(true);
        const range = await store.read('data/bb/pack', { offset: 1000, length: 5 * 1024 * 1024 });
        expect(range.equals(data.subarray(1000, 1000 + 5 * 1024 * 1024))).toBe(true);
        expect(proxy.count('truncate')).toBe(2);
        // The resumed requests asked for the rest only, on the same version (If-Match).
        expect(proxy.requests.filter((r) => r.method === 'GET')).toHaveLength(4);
      },
    );
  });

  test('a paged list survives a throttled page', async () => {
    let lists = 0;
    await withProxy(
      (req) =>
        req.method === 'GET' && req.url?.includes('list-type') && ++lists === 2
          ? { kind: 'status', status: 503, code: 'SlowDown' }
          : { kind: 'pass' },
      async (store) => {
        for (let i = 0; i < 5; i++) await store.put(`index/I${i}`, Buffer.from(`${i}`));
        const keys: string[] = [];
        for await (const info of store.list('index/')) keys.push(info.key);
        expect(keys.sort()).toEqual(['index/I0', 'index/I1', 'index/I2', 'index/I3', 'index/I4']);
        // Three pages of two, and the second page asked twice.
        expect(lists).toBe(4);
      },
    );
  });

  test('403 fails at once as a permission error, without retries', async () => {
    await withProxy(
      () => ({ kind: 'status', status: 403, code: 'AccessDenied' }),
      async (store, proxy) => {
        await expect(store.put('config', Buffer.from('x'))).rejects.toBeInstanceOf(StoragePermissionError);
        await expect(store.head('config')).rejects.toBeInstanceOf(StoragePermissionError);
        expect(proxy.requests).toHaveLength(2);
      },
    );
  });

  test('a missing bucket fails at once as StorageNotFoundError naming it', async () => {
    await withProxy(
      () => ({ kind: 'pass' }),
      async (store, proxy) => {
        const error = await store.put('config', Buffer.from('x')).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StorageNotFoundError);
        expect((error as Error).message).toContain('s3://no-such-bucket/');
        expect(proxy.requests).toHaveLength(1);
      },
      'no-such-bucket',
    );
  });
});
