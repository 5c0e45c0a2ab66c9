/**
 * A thread's pack writers seal records into 64 KiB staging buffers, which come back once the store
 * is done with them. Only buffers handed out, and each once, come back: a buffer in the pool twice
 * would be sealed into by two packs at once.
 */
import { StagingBuffers, STAGING_BYTES } from '../../functions/repository/staging-buffers';

test('a buffer given back (as the view the writer queued) is the next one taken', () => {
  const buffers = new StagingBuffers();
  const first = buffers.take();
  expect(first.length).toBe(STAGING_BYTES);
  buffers.give(first.subarray(0, 1000));
  expect(buffers.kept).toBe(1);
  const again = buffers.take();
  expect(again.buffer).toBe(first.buffer);
  expect(again.length).toBe(STAGING_BYTES);
  expect(buffers.kept).toBe(0);
});

test('a buffer given twice is kept once', () => {
  const buffers = new StagingBuffers();
  const taken = buffers.take();
  buffers.give(taken);
  buffers.give(taken.subarray(10));
  expect(buffers.kept).toBe(1);
  const a = buffers.take();
  const b = buffers.take();
  expect(a.buffer).toBe(taken.buffer);
  expect(b.buffer).not.toBe(taken.buffer);
});

test('buffers it did not hand out are left alone: a header, a trailer, a shared array', () => {
  const buffers = new StagingBuffers();
  buffers.give(Buffer.allocUnsafeSlow(STAGING_BYTES));
  buffers.give(Buffer.alloc(100));
  buffers.give(Buffer.from(new SharedArrayBuffer(STAGING_BYTES)));
  expect(buffers.kept).toBe(0);
});

test('it keeps 64 buffers at most; the rest are left to the collector', () => {
  const buffers = new StagingBuffers();
  const taken = Array.from({ length: 70 }, () => buffers.take());
  for (const buffer of taken) buffers.give(buffer);
  expect(buffers.kept).toBe(64);
});
