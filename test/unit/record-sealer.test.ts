/**
 * One RecordSealer seals every record of a pack, rewriting its own nonce, additional data and
 * codec byte for each, and takes a payload with its codec byte in front (`framed`, as a file
 * worker places it) in one cipher update. Whatever the reuse, each record must be the bytes
 * FORMAT.md gives: AES-256-GCM under the pack's key, nonce = offset (64 bits) ‖ 0, additional
 * data = pack id ‖ chunk id, plaintext = codec ‖ payload.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { counterNonce, writeCounterNonce } from '../../functions/repository/crypto';
import {
  PackClass,
  RecordSealer,
  newPackHeader,
  openRecord,
  sealRecord,
  type PackHeader,
} from '../../functions/repository/pack';
import { Repository } from '../../functions/repository/repository';
import { KeyFixture } from '../helpers/repository';

const fixture = new KeyFixture('lifeboat-record-sealer-');
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

/** The record as FORMAT.md describes it, with nothing of the writer's code but the header. */
function specRecord(header: PackHeader, offset: number, id: Buffer, codec: number, payload: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', header.key.key, counterNonce(BigInt(offset), 0));
  cipher.setAAD(Buffer.concat([header.packId, id]));
  return Buffer.concat([
    cipher.update(Buffer.of(codec)),
    cipher.update(payload),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
}

const OFFSETS = [104, 105, 70_000, 0xffff_ffff, 0x1_0000_0000, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER];

test('writeCounterNonce writes the bytes of counterNonce, high word included', () => {
  const into = Buffer.alloc(12, 0xaa);
  for (const counter of [0, 1, ...OFFSETS])
    for (const flags of [0, 1])
      expect(writeCounterNonce(into, counter, flags).toString('hex')).toBe(
        counterNonce(BigInt(counter), flags).toString('hex'),
      );
});

test('one sealer, many records, framed or not: each is the record FORMAT.md gives, and opens', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  const header = newPackHeader(repo.keys, PackClass.data);
  const sealer = new RecordSealer(header);
  // Every record into one buffer, one after the other, as a pack writer stages them.
  const out = Buffer.alloc(400_000, 0xee);
  let at = 3;
  const sealed: { offset: number; id: Buffer; codec: number; payload: Buffer; record: Buffer }[] = [];
  OFFSETS.forEach((offset, i) => {
    const id = randomBytes(32);
    const codec = i % 3;
    // Sizes across the 64 KiB pieces Node's cipher is fed in (the fallback), one empty.
    const payload = randomBytes([0, 1, 3000, 65_535, 65_536, 65_537, 200_000][i]!);
    const framed = i % 2 === 0;
    const given = framed ? Buffer.concat([Buffer.of(codec), payload]) : payload;
    const length = sealer.sealInto(offset, id, codec, given, framed, out, at);
    expect(length).toBe(RecordSealer.sealedLength(given.length, framed));
    sealed.push({ offset, id, codec, payload, record: out.subarray(at, at + length) });
    at += length;
  });
  expect(out.subarray(0, 3).equals(Buffer.alloc(3, 0xee))).toBe(true);
  expect(out.subarray(at).equals(Buffer.alloc(out.length - at, 0xee))).toBe(true);
  // Checked only after all were sealed: a later record must not change an earlier one's bytes.
  for (const { offset, id, codec, payload, record } of sealed) {
    expect(record.equals(specRecord(header, offset, id, codec, payload))).toBe(true);
    expect(record.equals(sealRecord(header, offset, id, codec, payload))).toBe(true);
    const opened = openRecord(
      header,
      { id, offset, storedLength: record.length, rawLength: payload.length, codec },
      record,
    );
    expect(opened?.codec).toBe(codec);
    expect(opened?.payload.equals(payload)).toBe(true);
  }
});

test('a framed payload whose first byte is not its codec is refused, not sealed as another codec', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  const sealer = new RecordSealer(newPackHeader(repo.keys, PackClass.data));
  const out = Buffer.alloc(64);
  expect(() => sealer.sealInto(104, randomBytes(32), 1, Buffer.of(0, 1, 2, 3), true, out, 0)).toThrow(
    /codec/,
  );
  expect(out.equals(Buffer.alloc(64))).toBe(true);
});

test('records of two packs, opened in turns: each with its pack key, kept or in the scratch buffer', async () => {
  const repo = await Repository.init(fixture.store, fixture.first);
  const packs = [newPackHeader(repo.keys, PackClass.data), newPackHeader(repo.keys, PackClass.meta)];
  const records = Array.from({ length: 6 }, (_, i) => {
    const header = packs[i % 2]!;
    const id = randomBytes(32);
    const payload = randomBytes(1000 * (i + 1));
    const offset = 104 + i;
    const record = sealRecord(header, offset, id, 1, payload);
    return {
      header,
      entry: { id, offset, storedLength: record.length, rawLength: payload.length, codec: 1 },
      record,
      payload,
    };
  });
  // Kept: each payload is its own, whatever is opened after it.
  const kept = records.map((r) => openRecord(r.header, r.entry, r.record)!.payload);
  kept.forEach((payload, i) => expect(payload.equals(records[i]!.payload)).toBe(true));
  // Scratch: one buffer of the thread's, reused by the next record (the larger first here).
  const [larger, smaller] = [records[1]!, records[0]!];
  const first = openRecord(larger.header, larger.entry, larger.record, true)!.payload;
  expect(first.equals(larger.payload)).toBe(true);
  const second = openRecord(smaller.header, smaller.entry, smaller.record, true)!.payload;
  expect(second.equals(smaller.payload)).toBe(true);
  expect(second.buffer === first.buffer).toBe(true);
  expect(first.equals(larger.payload)).toBe(false);
  // A record under the other pack's key, or damaged, does not open.
  const [a, b] = records;
  expect(openRecord(b!.header, a!.entry, a!.record)).toBeUndefined();
  const damaged = Buffer.from(a!.record);
  damaged[damaged.length - 1]! ^= 0x80;
  expect(openRecord(a!.header, a!.entry, damaged, true)).toBeUndefined();
  expect(openRecord(a!.header, a!.entry, a!.record, true)?.payload.equals(a!.payload)).toBe(true);
});
