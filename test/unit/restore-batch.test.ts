import {
  Chunk,
  CHUNK_FIELDS,
  Piece,
  PIECE_FIELDS,
  PieceFlag,
  RestoreBatchWriter,
} from '../../functions/sources/filesystem/restore-batch';

// A restore batch crosses to its worker packed in typed arrays over one buffer, which is moved,
// not copied. What the worker reads back must be exactly what each piece and chunk said.

const entry = (fill: number, offset: number) => ({
  id: Buffer.alloc(32, fill),
  offset,
  storedLength: 100 + fill,
  rawLength: 200 + fill,
  codec: fill % 2,
});

test('pieces and chunks are packed in order, with their flags, paths and ids', () => {
  const writer = new RestoreBatchWriter(4, 3);
  // A path that is not UTF-8, as latin1 characters: the worker turns it back into these bytes.
  const path = Buffer.from([0x2f, 0x74, 0xff, 0x0a]).toString('latin1');
  writer.addPiece({ fid: 7, path, mode: 0o4755, replace: true }, 2);
  writer.addChunk(0, entry(1, 4096));
  writer.addChunk(1, entry(2, 2 ** 33));
  writer.addPiece(
    { fid: 7, finish: { size: 403, mode: 0o4755, uid: 1000, gid: 50, mtimeNs: 1_500_000_000_123_456_789n } },
    1,
  );
  writer.addChunk(1, entry(3, 0));
  writer.addPiece({ fid: 8, path: '/b', mode: 0o600, finish: { size: 0, mode: 0o600, mtimeNs: -1n } }, 0);
  writer.addPiece({ fid: 9, abandon: true }, 0);
  const batch = writer.batch(5, []);

  expect(batch.seq).toBe(5);
  expect(batch.paths.split('\0')).toEqual([path, '/b', '']);
  const piece = (i: number, field: number) => batch.pieces[i * PIECE_FIELDS + field];
  expect([0, 1, 2, 3].map((i) => piece(i, Piece.fid))).toEqual([7, 7, 8, 9]);
  expect([0, 1, 2, 3].map((i) => piece(i, Piece.chunks))).toEqual([2, 1, 0, 0]);
  expect(piece(0, Piece.flags)).toBe(PieceFlag.starts | PieceFlag.replace);
  expect(piece(0, Piece.mode)).toBe(0o4755);
  expect(piece(1, Piece.flags)).toBe(PieceFlag.finish | PieceFlag.owner);
  // The time to the nanosecond, in two numbers (one double holds only microseconds of it).
  expect(
    [Piece.size, Piece.finishMode, Piece.uid, Piece.gid, Piece.mtimeSeconds, Piece.mtimeNanos].map((f) =>
      piece(1, f),
    ),
  ).toEqual([403, 0o4755, 1000, 50, 1_500_000_000, 123_456_789]);
  // Before 1970: a second earlier, and the nanoseconds from there.
  expect([Piece.mtimeSeconds, Piece.mtimeNanos].map((f) => piece(2, f))).toEqual([-1, 999_999_999]);
  // No owner given: none is set (the worker leaves the file as created).
  expect(piece(2, Piece.flags)).toBe(PieceFlag.starts | PieceFlag.finish);
  expect(piece(3, Piece.flags)).toBe(PieceFlag.abandon);

  const chunk = (i: number, field: number) => batch.chunks[i * CHUNK_FIELDS + field];
  expect([0, 1, 2].map((i) => chunk(i, Chunk.range))).toEqual([0, 1, 1]);
  expect([0, 1, 2].map((i) => chunk(i, Chunk.offset))).toEqual([4096, 2 ** 33, 0]);
  expect([0, 1, 2].map((i) => chunk(i, Chunk.storedLength))).toEqual([101, 102, 103]);
  expect([0, 1, 2].map((i) => chunk(i, Chunk.rawLength))).toEqual([201, 202, 203]);
  expect([0, 1, 2].map((i) => chunk(i, Chunk.codec))).toEqual([1, 0, 1]);
  expect(Buffer.from(batch.ids)).toEqual(
    Buffer.concat([Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3)]),
  );
  // One buffer under all three arrays: the one given to postMessage's transfer list.
  for (const view of [batch.pieces, batch.chunks, batch.ids]) expect(view.buffer).toBe(writer.buffer);
});

test('a batch packed with fewer pieces or chunks than it was made for is refused', () => {
  const short = new RestoreBatchWriter(2, 1);
  short.addPiece({ fid: 1, path: '/a', mode: 0o644 }, 1);
  short.addChunk(0, entry(1, 0));
  expect(() => short.batch(0, [])).toThrow(/fewer pieces or chunks/);
  const noChunk = new RestoreBatchWriter(1, 1);
  noChunk.addPiece({ fid: 1, path: '/a', mode: 0o644 }, 1);
  expect(() => noChunk.batch(0, [])).toThrow(/fewer pieces or chunks/);
});
