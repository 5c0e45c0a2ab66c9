import type { Worker } from 'node:worker_threads';
import { ChunkWorkers } from '../../functions/repository/chunk-workers';
import { chunkDigest, chunkId } from '../../functions/repository/crypto';
import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { Repository } from '../../functions/repository/repository';
import { randomData } from '../helpers/data';
import { backupBuffer, KeyFixture } from '../helpers/repository';

// The chunk workers' replies carry each chunk's id and digest: 32 bytes each, in memory of their
// own. A slice of Node's buffer pool would be copied whole (8 KiB) into every message.
const fixture = new KeyFixture('lifeboat-chunk-workers-');
let pool: ChunkWorkers | undefined;
beforeEach(() => fixture.setUp());
afterEach(async () => {
  await pool?.close();
  pool = undefined;
  fixture.tearDown();
});

/** Every reply the pool's workers send, as it arrives on this thread. */
function captureReplies(workers: ChunkWorkers): Record<string, unknown>[] {
  const replies: Record<string, unknown>[] = [];
  for (const worker of (workers as unknown as { workers: Worker[] }).workers)
    worker.on('message', (reply: Record<string, unknown>) => replies.push(reply));
  return replies;
}

function expectOwnMemory(value: unknown): void {
  expect(value).toBeInstanceOf(Uint8Array);
  const bytes = value as Uint8Array;
  expect(bytes.byteLength).toBe(32);
  expect(bytes.buffer.byteLength).toBe(32);
}

test('encode and decode replies carry ids and digests in 32 bytes of their own', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  pool = new ChunkWorkers(repo.keys.id, repo.config.compression, 1);
  const replies = captureReplies(pool);

  const data = randomData(100_000, 'chunk');
  const encoded = await pool.encode(Buffer.from(data));
  expect(encoded.id).toEqual(chunkId(repo.keys.id, data));
  expect(encoded.digest).toEqual(chunkDigest(data));

  const original = randomData(3 * 1024 * 1024, 'stream');
  await backupBuffer(repo, original);
  const index = await loadChunkIndex(repo);
  const reader = new ChunkReader(repo, index, pool);
  const [someCopies] = [...index.values()];
  const verified = await reader.readVerified(someCopies![0]!.id);
  expect(verified.digest).toEqual(chunkDigest(verified.data));

  const encodeReply = replies.find((r) => r['op'] === 'encode');
  const decodeReply = replies.find((r) => r['op'] === 'decode');
  expectOwnMemory(encodeReply?.['id']);
  expectOwnMemory(encodeReply?.['digest']);
  expectOwnMemory(decodeReply?.['digest']);
});
