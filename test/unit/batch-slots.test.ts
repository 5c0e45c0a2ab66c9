import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchSlots, Replies, startWorkers } from '../../functions/core/batch-slots';

/** A task settled from outside. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchSlots (batches in flight per worker thread)', () => {
  test('takes the least busy worker, and waits when every worker is full', async () => {
    const slots = new BatchSlots(2, 1);
    const first = deferred();
    const a = await slots.take();
    slots.track(a, first.promise);
    const b = await slots.take();
    slots.track(b, deferred().promise);
    expect([a, b].sort()).toEqual([0, 1]);
    let third: number | undefined;
    void slots.take().then((w) => (third = w));
    await tick();
    expect(third).toBeUndefined(); // both full
    first.resolve();
    await tick();
    await tick();
    expect(third).toBe(a); // the room given back
  });

  test('a named worker is waited for even when another has room', async () => {
    const slots = new BatchSlots(2, 1);
    const busy = deferred();
    slots.track(await slots.take(0), busy.promise);
    let got: number | undefined;
    void slots.take(0).then((w) => (got = w));
    await tick();
    expect(got).toBeUndefined();
    busy.resolve();
    await tick();
    await tick();
    expect(got).toBe(0);
  });

  test('drain waits for every task; a failed task fails the pool, its waits and its next call', async () => {
    const slots = new BatchSlots(1, 2);
    const ok = deferred();
    const bad = deferred();
    slots.track(await slots.take(), ok.promise);
    slots.track(await slots.take(), bad.promise);
    const waiting = slots.take(); // full: waits
    let drained = false;
    const drain = slots.drain().then(
      () => (drained = true),
      (error: unknown) => error,
    );
    bad.reject(new Error('worker died'));
    await expect(waiting).rejects.toThrow('worker died'); // woken, and told
    await tick();
    expect(drained).toBe(false); // the other batch is still out
    ok.resolve();
    await expect(drain).resolves.toThrow('worker died');
    expect(() => slots.check()).toThrow('worker died');
  });

  test('replies find their batches in any order; a worker that dies fails the pool and every batch out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-batch-slots-'));
    try {
      // A worker that, once it has three messages, answers two of them out of order, then dies.
      const script = path.join(dir, 'worker.js');
      fs.writeFileSync(
        script,
        `const { parentPort } = require('node:worker_threads');
         let got = 0;
         parentPort.on('message', () => {
           if (++got < 3) return;
           parentPort.postMessage({ seq: 2, value: 'b' });
           parentPort.postMessage({ seq: 1, value: 'a' });
           setTimeout(() => process.exit(3), 50);
         });`,
      );
      const slots = new BatchSlots(1, 4);
      const replies = new Replies<{ seq: number; value: string }>();
      const [worker] = startWorkers(script, {}, 1, replies, (error) => slots.fail(error));
      const one = replies.post(worker!, { seq: 1 });
      const two = replies.post(worker!, { seq: 2 });
      const never = replies.post(worker!, { seq: 3 });
      await expect(one).resolves.toEqual({ seq: 1, value: 'a' });
      await expect(two).resolves.toEqual({ seq: 2, value: 'b' });
      await expect(never).rejects.toThrow('worker.js exited with code 3');
      expect(() => slots.check()).toThrow('exited with code 3');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
