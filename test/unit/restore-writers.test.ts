/**
 * A restore's two kinds of writers, native threads (file-writer.c) and worker threads
 * (restore-worker.ts), take the same batches and must write the same files and report the same
 * outcomes, in the same words: one batch of real records (sealed as a pack seals them) holding
 * good files, a sparse one, damaged records, a file whose chunks fall short, a file in the way and
 * a replacement, restored by each kind into a directory of its own. Needs `npm run build` (the
 * worker runs the compiled script, the native thread the built addon; CI builds both).
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { BatchSlots, Replies, startWorkers } from '../../functions/core/batch-slots';
import { workerScript } from '../../functions/core/worker-script';
import { Codec } from '../../functions/repository/codec';
import { ChunkIdHasher } from '../../functions/repository/crypto';
import { PackClass, RecordSealer, type PackHeader } from '../../functions/repository/pack';
import { NativeFileWriter, nativeFileWriter } from '../../functions/sources/filesystem/native-file-writer';
import {
  RestoreBatchWriter,
  type FilePiece,
  type RestoreBatch,
  type RestoreBatchReply,
} from '../../functions/sources/filesystem/restore-batch';

const ROOT = path.join(__dirname, '..', '..');
const idKey = randomBytes(32);
const ids = new ChunkIdHasher(idKey);
const header = {
  packClass: PackClass.data,
  packId: randomBytes(16),
  key: { key: randomBytes(32) },
  bytes: Buffer.alloc(0),
} as unknown as PackHeader;
const sealer = new RecordSealer(header);

interface Record {
  id: Buffer;
  offset: number;
  storedLength: number;
  rawLength: number;
  codec: number;
}

/** The pack's bytes, and each record's place in them. */
const pack = Buffer.alloc(4 * 1024 * 1024);
let packEnd = 64; // as if after a pack header

function record(data: Buffer, codec: number = Codec.zstd): Record {
  const payload =
    codec === Codec.zstd ? zstdCompressSync(data) : codec === Codec.gzip ? gzipSync(data) : data;
  const id = Buffer.from(ids.idOf(data), 'latin1');
  const offset = packEnd;
  const storedLength = sealer.sealInto(offset, id, codec, payload, false, pack, offset);
  packEnd += storedLength;
  return { id, offset, storedLength, rawLength: data.length, codec };
}

const MTIME = { seconds: 1_700_000_000, nanos: 123_456_789 };
const mtimeNs = BigInt(MTIME.seconds) * 1_000_000_000n + BigInt(MTIME.nanos);
const finish = (size: number, mode = 0o640) => ({ size, mode, mtimeNs });

const text = Buffer.from('a line of text that compresses\n'.repeat(3000));
const random = randomBytes(100_000);
const zeros = Buffer.alloc(300_000);
const good = [record(text), record(random, Codec.none), record(text.subarray(0, 5000), Codec.gzip)];
const zero = record(zeros);
const tampered = record(randomBytes(5000));
pack[tampered.offset + 10]! ^= 1;
const wrongCodec = { ...record(text.subarray(0, 7000)), codec: Codec.none };
const short = record(randomBytes(1000));

/** Each file: its name, its piece, and its chunks. */
const files: { name: string; piece: Omit<FilePiece, 'path'>; chunks: Record[] }[] = [
  {
    name: 'good',
    piece: { fid: 0, mode: 0o640, finish: finish(text.length + random.length + 5000) },
    chunks: good,
  },
  {
    name: 'sparse',
    piece: { fid: 1, mode: 0o600, finish: finish(2 * zeros.length + 1000, 0o600) },
    chunks: [zero, zero, short],
  },
  { name: 'tampered', piece: { fid: 2, mode: 0o644, finish: finish(5000) }, chunks: [tampered] },
  { name: 'wrong-codec', piece: { fid: 3, mode: 0o644, finish: finish(7000) }, chunks: [wrongCodec] },
  { name: 'too-short', piece: { fid: 4, mode: 0o644, finish: finish(999_999) }, chunks: [short] },
  { name: 'in-the-way', piece: { fid: 5, mode: 0o644, finish: finish(1000) }, chunks: [short] },
  {
    name: 'replaced',
    piece: { fid: 6, mode: 0o755, replace: true, finish: finish(1000, 0o4755) },
    chunks: [short],
  },
];

function batchFor(target: string): { batch: RestoreBatch; buffer: ArrayBuffer } {
  const writer = new RestoreBatchWriter(
    files.length,
    files.reduce((n, f) => n + f.chunks.length, 0),
  );
  for (const file of files) {
    writer.addPiece({ ...file.piece, path: path.join(target, file.name) }, file.chunks.length);
    for (const chunk of file.chunks) writer.addChunk(0, chunk);
  }
  const data = new Uint8Array(new SharedArrayBuffer(packEnd));
  data.set(pack.subarray(0, packEnd));
  const ranges = [{ data, start: 0, packId: header.packId, key: header.key.key, object: 'data/the-pack' }];
  return { batch: writer.batch(1, ranges), buffer: writer.buffer };
}

async function restoreWith(kind: 'native' | 'worker'): Promise<{ target: string; reply: RestoreBatchReply }> {
  const target = mkdtempSync(path.join(tmpdir(), `lifeboat-writers-${kind}-`));
  writeFileSync(path.join(target, 'in-the-way'), 'someone else');
  writeFileSync(path.join(target, 'replaced'), 'the old content');
  const { batch, buffer } = batchFor(target);
  const failures: unknown[] = [];
  if (kind === 'native') {
    const writer = new NativeFileWriter(idKey, process.umask(), (error) => failures.push(error));
    try {
      const reply = await writer.post(batch);
      expect(failures).toEqual([]);
      return { target, reply };
    } finally {
      writer.close();
    }
  }
  const replies = new Replies<RestoreBatchReply>();
  const script = workerScript(
    path.join(ROOT, 'dist', 'functions', 'sources', 'filesystem'),
    'restore-worker',
  );
  const slots = new BatchSlots(1, 1);
  const [worker] = startWorkers(script, { idKey, umask: process.umask() }, 1, replies, (e) => slots.fail(e));
  try {
    return { target, reply: await replies.post(worker!, batch, [buffer]) };
  } finally {
    await worker!.terminate();
  }
}

const roots: string[] = [];
afterAll(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('native threads and worker threads write the same files and say the same of the rest', async () => {
  expect(nativeFileWriter()).toBe(true);
  const native = await restoreWith('native');
  const workers = await restoreWith('worker');
  roots.push(native.target, workers.target);
  const normalized = ({ target, reply }: { target: string; reply: RestoreBatchReply }) => ({
    finished: [...reply.finished].sort((a, b) => a.fid - b.fid),
    failed: [...reply.failed]
      .sort((a, b) => a.fid - b.fid)
      .map((f) => ({ ...f, problem: f.problem.replaceAll(target, 'TARGET') })),
  });
  expect(normalized(native)).toEqual(normalized(workers));
  expect(normalized(native)).toEqual({
    finished: [
      { fid: 0, bytes: text.length + random.length + 5000 },
      { fid: 1, bytes: 2 * zeros.length + 1000 },
      { fid: 6, bytes: 1000 },
    ],
    failed: [
      {
        fid: 2,
        problem: `data/the-pack at offset ${tampered.offset}: record of chunk ${tampered.id.toString('hex').slice(0, 16)} does not authenticate`,
        integrity: true,
      },
      {
        fid: 3,
        problem: `data/the-pack at offset ${wrongCodec.offset}: record codec differs from the index`,
        integrity: true,
      },
      { fid: 4, problem: 'chunks hold 1000 bytes, the file 999999', integrity: true },
      { fid: 5, problem: "EEXIST: EEXIST: file already exists, open 'TARGET/in-the-way'", integrity: false },
    ],
  });
  for (const { target } of [native, workers]) {
    const file = (name: string) => path.join(target, name);
    expect(readFileSync(file('good')).equals(Buffer.concat([text, random, text.subarray(0, 5000)]))).toBe(
      true,
    );
    expect(
      readFileSync(file('sparse')).equals(Buffer.concat([zeros, zeros, readFileSync(file('replaced'))])),
    ).toBe(true);
    // The zero chunks are a hole: fewer blocks than the file's size needs.
    expect(lstatSync(file('sparse')).blocks * 512).toBeLessThan(zeros.length);
    expect(readFileSync(file('in-the-way'), 'utf8')).toBe('someone else');
    expect(readFileSync(file('replaced')).length).toBe(1000);
    const replaced = lstatSync(file('replaced'), { bigint: true });
    expect(replaced.mode & 0o7777n).toBe(0o4755n);
    expect(replaced.mtimeNs).toBe(mtimeNs);
    expect(lstatSync(file('good')).mode & 0o7777).toBe(0o640);
    // What failed is gone, not left half-written (the file in the way was not theirs to remove).
    for (const name of ['tampered', 'wrong-codec', 'too-short'])
      expect(() => lstatSync(file(name))).toThrow();
  }
});
