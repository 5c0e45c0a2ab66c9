import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  scryptSync,
} from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { constants as zlibConstants, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { IntegrityError } from '../../functions/core/errors';
import type { KeySlot } from '../../functions/core/ports/key-provider';
import { readContentLists } from '../../functions/core/services/content';
import { KeyFileProvider } from '../../functions/adapters/local/key-file';
import { LocalObjectStore } from '../../functions/adapters/local/object-store';
import { PassphraseProvider } from '../../functions/adapters/local/passphrase';
import { checkRepository } from '../../functions/repository/check';
import { Chunker, keyedGear, type ChunkerParams } from '../../functions/repository/chunker';
import { Codec, decodeSync, encode } from '../../functions/repository/codec';
import {
  encodeConfig,
  parseConfig,
  verifyConfigMac,
  type RepositoryConfig,
} from '../../functions/repository/config';
import {
  decodeContentList,
  encodeContentList,
  type ContentRef,
} from '../../functions/repository/content-list';
import {
  ChunkIdHasher,
  chunkDigest,
  chunkIdOfDigest,
  deriveObjectKey,
  deriveRepositoryKeys,
  hmacSha256,
  open,
  seal,
  writeOnlyKeys,
  writerKeyring,
  writingKey,
  type RepositoryKeys,
} from '../../functions/repository/crypto';
import { newDataKey, readerKeyPair } from '../../functions/repository/data-keys';
import { masterKeyChain, sealGenerationLink } from '../../functions/repository/generations';
import { newUlid, ulidBytes } from '../../functions/repository/ids';
import { decodeIndex, encodeIndex, type IndexEntry } from '../../functions/repository/index-object';
import { unwrapKey, wrapKey, type SlotDescription } from '../../functions/repository/key-wrap';
import {
  encodeEntries,
  newPackHeader,
  openRecord,
  openTrailer,
  packKey,
  PackClass,
  readPackHeader,
  sealRecord,
  sealTrailer,
  trailerLength,
  PACK_FOOTER_BYTES,
  PACK_HEADER_BYTES,
  type PackEntry,
} from '../../functions/repository/pack';
import { PackEntryTable } from '../../functions/repository/pack-entries';
import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { Repository } from '../../functions/repository/repository';
import { decodeTreePart, encodeTree, type TreeNode } from '../../functions/repository/tree';
import { SnapshotManifestSchema, type SnapshotManifest } from '../../functions/repository/snapshot';
import {
  openStreamObject,
  sealStreamObject,
  StreamType,
  STREAM_HEADER_BYTES,
} from '../../functions/repository/stream-object';

/*
 * Test vectors of repository format v1 (docs/FORMAT.md §Test vectors). Every object is built from
 * fixed inputs with the production functions and compared with docs/vectors/v1.json; then the
 * stored bytes are read back with the production readers, and finally assembled into a repository
 * that opens, checks clean with --read-data and restores. UPDATE_VECTORS=1 rewrites the file.
 */

const VECTORS_FILE = path.join(__dirname, '../../docs/vectors/v1.json');
const UPDATE = process.env.UPDATE_VECTORS === '1';

const hex = (b: Buffer): string => b.toString('hex');
const bytes = (s: string): Buffer => Buffer.from(s, 'hex');
/** n bytes counting up from start (mod 256): recognisable in a hex dump. */
const seq = (start: number, n: number): Buffer<ArrayBuffer> =>
  Buffer.from(Array.from({ length: n }, (_, i) => (start + i) & 0xff));
const sha256 = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();

// ---------------------------------------------------------------------------------------------
// Fixed inputs.

const MASTER_KEY = seq(0x00, 32);
const REPO_ID = bytes('00112233445566778899aabbccddeeff');
const CREATED_AT = '2025-01-01T00:00:00.000Z';
const KEK = seq(0x20, 32);
const KEYFILE_WRAP_NONCE = seq(0x40, 12);
const KEYFILE_SLOT_ID = newUlid(Date.parse(CREATED_AT), seq(0x10, 10));
const PASSPHRASE = 'correct horse battery staple';
const SCRYPT = { N: 1024, r: 8, p: 1 };
const SCRYPT_SALT = seq(0x50, 16);
const PASSPHRASE_WRAP_NONCE = seq(0x60, 12);
const PASSPHRASE_SLOT_ID = newUlid(Date.parse(CREATED_AT), seq(0x1a, 10));
const STARTED_AT_W = '2025-03-01T00:00:00.000Z';
// Key generation 1 (FORMAT.md §3.6): a rotation's master key, its link and a key file slot for it.
const ROTATED_AT = '2025-02-01T00:00:00.000Z';
const GEN1_MASTER_KEY = seq(0xd0, 32);
const GEN1_LINK_NONCE = seq(0x48, 12);
const GEN1_SLOT_ID = newUlid(Date.parse(ROTATED_AT), seq(0x24, 10));
const GEN1_WRAP_NONCE = seq(0x4c, 12);
const GEN1_INDEX_ID = newUlid(Date.parse(ROTATED_AT) + 1000, seq(0x38, 10));
const GEN1_INDEX_SALT = seq(0xf0, 16);
const GEN1_PACK_ID = seq(0x90, 16);
// Write-only keys (FORMAT.md §3.7): a writer slot, a data key and a pack sealed under it.
const WRITER_SLOT_ID = newUlid(Date.parse(CREATED_AT), seq(0x2e, 10));
const WRITER_WRAP_NONCE = seq(0x3c, 12);
const DATA_KEY_ID = newUlid(Date.parse(STARTED_AT_W), seq(0x42, 10));
const DATA_KEY = seq(0x7a, 32);
const EPHEMERAL_SEED = seq(0x9a, 32);
const DATA_KEY_NONCE = seq(0xba, 12);
const WRITER_PACK_ID = seq(0xc6, 16);
const WRITER_PACK_SALT_TAIL = seq(0xd6, 16);
const WRITER_INDEX_ID = newUlid(Date.parse(STARTED_AT_W) + 2000, seq(0xe6, 10));
const WRITER_INDEX_SALT = seq(0xf0, 32);
const GEN1_PACK_SALT = seq(0x58, 32);
const DATA_PACK_ID = seq(0x70, 16);
const DATA_PACK_SALT = seq(0x80, 32);
const META_PACK_ID = seq(0xa0, 16);
const META_PACK_SALT = seq(0xb0, 32);
const STARTED_AT = '2025-01-02T03:04:05.678Z';
const COMPLETED_AT = '2025-01-02T03:04:06.789Z';
const INDEX_ID = newUlid(Date.parse(COMPLETED_AT), seq(0x30, 10));
const INDEX_SALT = seq(0xc0, 32);
/** Small on purpose, so the index object has three segments and shows the final flag. */
const INDEX_SEGMENT_BYTES = 64;
const SNAPSHOT_ID = newUlid(Date.parse(STARTED_AT), seq(0x90, 10));
const SNAPSHOT_SALT = seq(0xe0, 32);
/** Shorter than 64 bytes: writers store it uncompressed (codec 0). */
const CHUNK_A = Buffer.from('Lifeboat repository format v1, chunk A.\n');
/** Compressible: stored with zstd (codec 1). */
const CHUNK_B = Buffer.from('lifeboat keeps the one copy that matters. '.repeat(16));
const ZSTD_LEVEL = 3;
const CHUNKING_PARAMS: ChunkerParams = { min: 256, avg: 1024, max: 4096, level: 2 };
/** 16 KiB: SHA-256(BE32(0)) ‖ SHA-256(BE32(1)) ‖ ... ‖ SHA-256(BE32(511)). */
function chunkingInput(): Buffer {
  return Buffer.concat(
    Array.from({ length: 512 }, (_, j) => {
      const counter = Buffer.alloc(4);
      counter.writeUInt32BE(j);
      return sha256(counter);
    }),
  );
}

const CONFIG: RepositoryConfig = {
  format: 'lifeboat',
  version: 1,
  repo_id: hex(REPO_ID),
  created_at: CREATED_AT,
  chunker: { alg: 'fastcdc2020-keyed', min: 262144, avg: 1048576, max: 4194304, level: 2 },
  compression: { alg: 'zstd', level: ZSTD_LEVEL },
  pack_bytes: 33554432,
};

// ---------------------------------------------------------------------------------------------
// Shape of docs/vectors/v1.json. Every byte string is lower-case hex.

interface KeySlotVector {
  kek: string;
  aad_text: string;
  aad: string;
  nonce: string;
  sealed: string;
  slot: KeySlot;
  name: string;
  file: string;
}

interface RecordVector {
  chunk_id: string;
  raw: string;
  codec: number;
  payload: string;
  offset: number;
  nonce: string;
  aad: string;
  plaintext: string;
  record: string;
}

interface PackVector {
  name: string;
  class: number;
  pack_id: string;
  salt: string;
  hkdf_info: string;
  aes_key: string;
  commitment: string;
  header: string;
  records: RecordVector[];
  trailer_nonce: string;
  trailer_plaintext: string;
  trailer: string;
  footer: string;
  bytes: string;
}

interface SegmentVector {
  nonce: string;
  sealed: string;
}

interface StreamVector {
  name: string;
  type: number;
  object_id_ulid: string;
  object_id: string;
  salt: string;
  hkdf_info: string;
  aes_key: string;
  commitment: string;
  flags: number;
  segment_bytes: number;
  plaintext: string;
  body: string;
  header: string;
  aad: string;
  segments: SegmentVector[];
  bytes: string;
}

interface Vectors {
  comment: string;
  generated_with: { node: string; openssl: string; zstd: string };
  inputs: {
    master_key: string;
    repo_id: string;
    created_at: string;
    chunk_a: string;
    chunk_b: string;
    zstd_level: number;
  };
  repository_keys: { hkdf_salt: string; id: string; gear: string; enc: string; cfg: string; idx: string };
  chunk_ids: { chunk_a: string; chunk_b: string };
  gear: {
    first_entries: string[];
    chunking: {
      params: ChunkerParams;
      input_sha256: string;
      cuts: [number, number][];
    };
  };
  config: { canonical: string; mac: string; file_text: string; file: string };
  key_slots: {
    keyfile: KeySlotVector & { key_file_text: string; kek_id: string };
    passphrase: KeySlotVector & { passphrase: string; scrypt_salt: string };
  };
  /** Generation 1 after one rotation: the link to generation 0, a slot, an object sealed under it. */
  key_generation: {
    master_key: string;
    enc: string;
    link_kek: string;
    link_aad_text: string;
    link_nonce: string;
    link_sealed: string;
    link_name: string;
    link_file: string;
    keyfile_slot: KeySlotVector;
    /** A data pack sealed under generation 1 (a copy of chunk A) and its index (under K_idx, §3.7). */
    data_pack: PackVector;
    index: StreamVector;
  };
  /** A writer slot, the reader key, a data key, and a pack sealed under it with its index (§3.7). */
  write_only: {
    keyring: string;
    reader_seed: string;
    reader_key: string;
    writer_slot: KeySlotVector;
    data_key: {
      key: string;
      ephemeral_seed: string;
      epk: string;
      shared: string;
      kek: string;
      aad_text: string;
      nonce: string;
      sealed: string;
      name: string;
      file: string;
    };
    data_pack: PackVector;
    index: StreamVector;
  };
  content_list: { refs: { id: string; raw_length: number }[]; plaintext: string; chunk_id: string };
  /** One tree part (FORMAT §9.2): nodes as JSON (names and targets in hex), bytes, id. */
  tree_part: { nodes: TreeNodeVector[]; plaintext: string; chunk_id: string };
  data_pack: PackVector;
  meta_pack: PackVector;
  index: StreamVector & { entries: IndexEntryVector[] };
  snapshot: StreamVector & { manifest: SnapshotManifest };
}

interface TreeNodeVector {
  type: string;
  name_hex: string;
  mode: number;
  uid: number;
  gid: number;
  user: string;
  group: string;
  mtime_ns: string;
  ctime_ns: string;
  dev: string;
  ino: string;
  nlink: number;
  size: number;
  refs?: { id: string; raw_length: number }[];
  subtree?: string[];
  target_hex?: string;
}

/** Three nodes covering each type and form, one with a name that is not UTF-8. */
function vectorTreeNodes(idA: Buffer, idB: Buffer, subtree: Buffer): TreeNode[] {
  const meta = {
    uid: 1000,
    gid: 1000,
    user: 'alice',
    group: 'staff',
    mtimeNs: 1_764_150_000_123_456_789n,
    ctimeNs: 1_764_150_001_000_000_001n,
    dev: 2049n,
    ino: 131_073n,
    nlink: 1,
  };
  return [
    { ...meta, type: 'dir', name: Buffer.from('docs'), mode: 0o755, size: 0, subtree: [subtree] },
    {
      ...meta,
      type: 'file',
      name: Buffer.from([0x66, 0xff, 0x2e, 0x62, 0x69, 0x6e]),
      mode: 0o4755,
      nlink: 2,
      size: CHUNK_A.length + CHUNK_B.length,
      content: {
        refs: [
          { id: idA, rawLength: CHUNK_A.length },
          { id: idB, rawLength: CHUNK_B.length },
        ],
      },
    },
    {
      ...meta,
      type: 'symlink',
      name: Buffer.from('link'),
      mode: 0o777,
      size: 7,
      target: Buffer.from('../docs'),
    },
  ];
}

function treeNodeVector(n: TreeNode): TreeNodeVector {
  return {
    type: n.type,
    name_hex: hex(n.name),
    mode: n.mode,
    uid: n.uid,
    gid: n.gid,
    user: n.user,
    group: n.group,
    mtime_ns: n.mtimeNs.toString(),
    ctime_ns: n.ctimeNs.toString(),
    dev: n.dev.toString(),
    ino: n.ino.toString(),
    nlink: n.nlink,
    size: n.size,
    refs:
      n.type === 'file' && 'refs' in n.content
        ? n.content.refs.map((r) => ({ id: hex(r.id), raw_length: r.rawLength }))
        : undefined,
    subtree: n.type === 'dir' ? n.subtree.map(hex) : undefined,
    target_hex: n.type === 'symlink' ? hex(n.target) : undefined,
  };
}

function indexEntryVector(e: IndexEntry): IndexEntryVector {
  return {
    chunk_id: hex(e.id),
    pack_id: hex(e.packId),
    class: e.packClass,
    offset: e.offset,
    stored_length: e.storedLength,
    raw_length: e.rawLength,
    codec: e.codec,
  };
}

interface IndexEntryVector {
  chunk_id: string;
  pack_id: string;
  class: number;
  offset: number;
  stored_length: number;
  raw_length: number;
  codec: number;
}

// ---------------------------------------------------------------------------------------------
// Generation, with the functions a writer uses.

/** Canonical JSON as FORMAT.md defines it, written independently of canonical-json.ts: keys sorted at every depth. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => [key, sorted(member)]),
  );
}

/** The associated data of a key slot's wrap (functions/repository/key-wrap.ts), spelled out. */
function slotAadText(repoId: string, slot: SlotDescription): string {
  const { v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key } = slot;
  return `lifeboat/v1/key-slot/${repoId}/${JSON.stringify(sorted({ v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key }))}`;
}

/** A key slot file: canonical (sorted) 2-space JSON and a newline. */
function slotFile(slot: KeySlot): string {
  const { v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key, wrapped } = slot;
  return `${JSON.stringify(sorted({ v, id, repo_id, kind, created_at, kek_id, kdf, kms, generation, role, reader_key, wrapped }), null, 2)}\n`;
}

function keySlotVector(
  kek: Buffer,
  description: SlotDescription,
  nonce: Buffer<ArrayBuffer>,
  masterKey: Buffer = MASTER_KEY,
): KeySlotVector {
  const wrapped = wrapKey(kek, masterKey, hex(REPO_ID), description, nonce);
  const slot: KeySlot = { ...description, wrapped };
  const aadText = slotAadText(hex(REPO_ID), description);
  const file = slotFile(slot);
  return {
    kek: hex(kek),
    aad_text: aadText,
    aad: hex(Buffer.from(aadText)),
    nonce: hex(nonce),
    sealed: hex(seal(kek, nonce, Buffer.from(aadText), masterKey)),
    slot,
    name: `keys/${slot.id}.json`,
    file: hex(Buffer.from(file)),
  };
}

/** X25519(private seed, public key) with Node's crypto, from raw bytes (RFC 7748, RFC 8410 DER). */
function x25519(seed: Buffer, publicKey: Buffer): Buffer {
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const peer = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), publicKey]),
    format: 'der',
    type: 'spki',
  });
  return diffieHellman({ privateKey, publicKey: peer });
}

/** The index entries of a pack vector's records (what a writer indexes after storing the pack). */
function indexEntriesOf(pack: PackVector): IndexEntry[] {
  return pack.records.map((r) => ({
    id: bytes(r.chunk_id),
    packId: bytes(pack.pack_id),
    packClass: pack.class as PackClass,
    offset: r.offset,
    storedLength: r.record.length / 2,
    rawLength: r.raw.length / 2,
    codec: r.codec,
  }));
}

function nonce(counter: number | bigint, flags: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(counter), 0);
  n.writeUInt32BE(flags, 8);
  return n;
}

interface RecordInput {
  id: Buffer;
  raw: Buffer;
  codec: number;
  payload: Buffer;
}

function packVector(
  keys: RepositoryKeys,
  packClass: PackClass,
  packId: Buffer<ArrayBuffer>,
  salt: Buffer<ArrayBuffer>,
  inputs: RecordInput[],
): PackVector {
  const header = newPackHeader(keys, packClass, packId, salt);
  const info = Buffer.concat([Buffer.from('lifeboat/v1/pack'), packId]);
  const records: RecordVector[] = [];
  const entries: PackEntry[] = [];
  let offset = PACK_HEADER_BYTES;
  for (const r of inputs) {
    const record = sealRecord(header, offset, r.id, r.codec, r.payload);
    records.push({
      chunk_id: hex(r.id),
      raw: hex(r.raw),
      codec: r.codec,
      payload: hex(r.payload),
      offset,
      nonce: hex(nonce(offset, 0)),
      aad: hex(Buffer.concat([packId, r.id])),
      plaintext: hex(Buffer.concat([Buffer.of(r.codec), r.payload])),
      record: hex(record),
    });
    entries.push({ id: r.id, offset, storedLength: record.length, rawLength: r.raw.length, codec: r.codec });
    offset += record.length;
  }
  const tail = sealTrailer(header, entries);
  const whole = Buffer.concat([header.bytes, ...records.map((r) => bytes(r.record)), tail]);
  return {
    name: packKey(packClass, hex(packId)),
    class: packClass,
    pack_id: hex(packId),
    salt: hex(salt),
    hkdf_info: hex(info),
    aes_key: hex(header.key.key),
    commitment: hex(header.key.commitment),
    header: hex(header.bytes),
    records,
    trailer_nonce: hex(nonce(0xffffffffffffffffn, 1)),
    trailer_plaintext: hex(encodeEntries(entries)),
    trailer: hex(tail.subarray(0, tail.length - PACK_FOOTER_BYTES)),
    footer: hex(tail.subarray(tail.length - PACK_FOOTER_BYTES)),
    bytes: hex(whole),
  };
}

function streamVector(
  keys: RepositoryKeys,
  type: StreamType,
  name: string,
  ulid: string,
  salt: Buffer,
  plaintext: Buffer,
  options: { compress: boolean; segmentBytes: number },
): StreamVector {
  const objectId = ulidBytes(ulid);
  const sealed = sealStreamObject(keys, type, objectId, plaintext, { ...options, salt });
  const info = Buffer.concat([Buffer.from('lifeboat/v1/stream'), Buffer.of(type), objectId]);
  const key = deriveObjectKey(type === StreamType.index ? keys.idx : writingKey(keys), salt, info);
  const header = sealed.subarray(0, STREAM_HEADER_BYTES);
  const body = options.compress ? zstdCompressSync(plaintext) : plaintext;
  const segments: SegmentVector[] = [];
  const count = Math.max(1, Math.ceil(body.length / options.segmentBytes));
  for (let i = 0, at = STREAM_HEADER_BYTES; i < count; i++) {
    const length = Math.min(options.segmentBytes, body.length - i * options.segmentBytes) + 16;
    segments.push({
      nonce: hex(nonce(i, i === count - 1 ? 1 : 0)),
      sealed: hex(sealed.subarray(at, at + length)),
    });
    at += length;
  }
  return {
    name,
    type,
    object_id_ulid: ulid,
    object_id: hex(objectId),
    salt: hex(salt),
    hkdf_info: hex(info),
    aes_key: hex(key.key),
    commitment: hex(key.commitment),
    flags: options.compress ? 1 : 0,
    segment_bytes: options.segmentBytes,
    plaintext: hex(plaintext),
    body: hex(body),
    header: hex(header),
    aad: hex(sha256(header)),
    segments,
    bytes: hex(sealed),
  };
}

function generate(): Vectors {
  const keys = deriveRepositoryKeys(MASTER_KEY, REPO_ID);
  const idA = hmacSha256(keys.id, sha256(CHUNK_A));
  const idB = hmacSha256(keys.id, sha256(CHUNK_B));
  const payloadB = zstdCompressSync(CHUNK_B, {
    params: { [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_LEVEL },
  });

  const gear = keyedGear(keys.gear);
  const input = chunkingInput();
  const chunker = new Chunker(CHUNKING_PARAMS, gear);
  const cuts = [...chunker.push(input), ...chunker.finish()].map((c): [number, number] => [
    c.offset,
    c.length,
  ]);

  const configFile = encodeConfig(CONFIG, keys);
  const { mac, ...stored } = JSON.parse(configFile.toString('utf8')) as RepositoryConfig & { mac: string };
  const canonical = JSON.stringify(sorted(stored));

  const kekId = createHash('sha256').update('lifeboat key id').update(KEK).digest('hex').slice(0, 16);
  const keyfile = keySlotVector(
    KEK,
    {
      v: 1,
      id: KEYFILE_SLOT_ID,
      repo_id: hex(REPO_ID),
      kind: 'keyfile',
      created_at: CREATED_AT,
      kek_id: kekId,
    },
    KEYFILE_WRAP_NONCE,
  );
  const scryptKek = scryptSync(PASSPHRASE, SCRYPT_SALT, 32, SCRYPT);
  const passphrase = keySlotVector(
    scryptKek,
    {
      v: 1,
      id: PASSPHRASE_SLOT_ID,
      repo_id: hex(REPO_ID),
      kind: 'passphrase',
      created_at: CREATED_AT,
      kdf: { alg: 'scrypt', salt: SCRYPT_SALT.toString('base64'), ...SCRYPT },
    },
    PASSPHRASE_WRAP_NONCE,
  );

  const refs: ContentRef[] = [
    { id: idA, rawLength: CHUNK_A.length },
    { id: idB, rawLength: CHUNK_B.length },
  ];
  const list = encodeContentList(refs);
  const listId = hmacSha256(keys.id, sha256(list));

  const dataPack = packVector(keys, PackClass.data, DATA_PACK_ID, DATA_PACK_SALT, [
    { id: idA, raw: CHUNK_A, codec: Codec.none, payload: CHUNK_A },
    { id: idB, raw: CHUNK_B, codec: Codec.zstd, payload: payloadB },
  ]);
  const metaPack = packVector(keys, PackClass.meta, META_PACK_ID, META_PACK_SALT, [
    { id: listId, raw: list, codec: Codec.none, payload: list },
  ]);

  const indexEntries: IndexEntry[] = [dataPack, metaPack].flatMap(indexEntriesOf);
  const indexPlain = encodeIndex(indexEntries);
  const index = streamVector(keys, StreamType.index, `index/${INDEX_ID}`, INDEX_ID, INDEX_SALT, indexPlain, {
    compress: false,
    segmentBytes: INDEX_SEGMENT_BYTES,
  });

  const content = Buffer.concat([CHUNK_A, CHUNK_B]);
  const manifest: SnapshotManifest = {
    v: 1,
    id: SNAPSHOT_ID,
    repo_id: hex(REPO_ID),
    name: 'format-vectors',
    target_type: 'application',
    backup_type: 'full',
    parent_backup_id: null,
    host: 'vector-host',
    started_at: STARTED_AT,
    completed_at: COMPLETED_AT,
    chunker: CONFIG.chunker,
    compression_algorithm: 'zstd',
    content: { kind: 'stream', size: content.length, chunk_count: 2, lists: [hex(listId)] },
    checksum_algorithm: 'sha256-chunks',
    checksum_value: hex(sha256(Buffer.concat([sha256(CHUNK_A), sha256(CHUNK_B)]))),
    stats: {
      original_size_bytes: content.length,
      compressed_size_bytes: CHUNK_A.length + payloadB.length + list.length,
      final_size_bytes: (dataPack.bytes.length + metaPack.bytes.length + index.bytes.length) / 2,
      chunks_total: 2,
      chunks_new: 2,
      chunks_reused: 0,
      bytes_new: content.length,
      bytes_reused: 0,
      packs_written: 2,
    },
  };
  const snapshot = streamVector(
    keys,
    StreamType.snapshot,
    `snapshots/${SNAPSHOT_ID}`,
    SNAPSHOT_ID,
    SNAPSHOT_SALT,
    Buffer.from(JSON.stringify(manifest)),
    { compress: true, segmentBytes: 1024 * 1024 },
  );

  const keyGeneration = (() => {
    const link = sealGenerationLink(GEN1_MASTER_KEY, MASTER_KEY, hex(REPO_ID), 1, {
      createdAt: ROTATED_AT,
      nonce: GEN1_LINK_NONCE,
    });
    const linkAadText = `lifeboat/v1/generation/${hex(REPO_ID)}/${JSON.stringify(
      sorted({ v: 1, repo_id: hex(REPO_ID), generation: 1, created_at: ROTATED_AT }),
    )}`;
    const linkKek = Buffer.from(
      hkdfSync('sha256', GEN1_MASTER_KEY, REPO_ID, 'lifeboat/v1/generation-link', 32),
    );
    const rotated = deriveRepositoryKeys([GEN1_MASTER_KEY, MASTER_KEY], REPO_ID);
    const gen1Pack = packVector(rotated, PackClass.data, GEN1_PACK_ID, GEN1_PACK_SALT, [
      { id: idA, raw: CHUNK_A, codec: Codec.none, payload: CHUNK_A },
    ]);
    return {
      master_key: hex(GEN1_MASTER_KEY),
      enc: hex(writingKey(rotated)),
      link_kek: hex(linkKek),
      link_aad_text: linkAadText,
      link_nonce: hex(GEN1_LINK_NONCE),
      link_sealed: hex(seal(linkKek, GEN1_LINK_NONCE, Buffer.from(linkAadText), MASTER_KEY)),
      link_name: link.key,
      link_file: hex(link.bytes),
      keyfile_slot: keySlotVector(
        KEK,
        {
          v: 1,
          id: GEN1_SLOT_ID,
          repo_id: hex(REPO_ID),
          kind: 'keyfile',
          created_at: ROTATED_AT,
          kek_id: kekId,
          generation: 1,
        },
        GEN1_WRAP_NONCE,
        GEN1_MASTER_KEY,
      ),
      data_pack: gen1Pack,
      index: streamVector(
        rotated,
        StreamType.index,
        `index/${GEN1_INDEX_ID}`,
        GEN1_INDEX_ID,
        Buffer.concat([GEN1_INDEX_SALT, GEN1_INDEX_SALT]),
        encodeIndex(indexEntriesOf(gen1Pack)),
        { compress: false, segmentBytes: INDEX_SEGMENT_BYTES },
      ),
    };
  })();

  const writeOnly = (() => {
    const keyring = writerKeyring(keys);
    const readerSeed = Buffer.from(hkdfSync('sha256', MASTER_KEY, REPO_ID, 'lifeboat/v1/reader', 32));
    const reader = readerKeyPair(MASTER_KEY, REPO_ID);
    const writerSlot = keySlotVector(
      KEK,
      {
        v: 1,
        id: WRITER_SLOT_ID,
        repo_id: hex(REPO_ID),
        kind: 'keyfile',
        created_at: CREATED_AT,
        kek_id: kekId,
        role: 'writer',
        reader_key: reader.publicKey.toString('base64'),
      },
      WRITER_WRAP_NONCE,
      keyring,
    );
    const made = newDataKey(reader.publicKey, hex(REPO_ID), 0, {
      id: DATA_KEY_ID,
      key: DATA_KEY,
      ephemeralSeed: EPHEMERAL_SEED,
      createdAt: STARTED_AT_W,
      nonce: DATA_KEY_NONCE,
    });
    const object = JSON.parse(made.bytes.toString('utf8')) as { epk: string };
    const epk = Buffer.from(object.epk, 'base64');
    const shared = x25519(EPHEMERAL_SEED, reader.publicKey);
    const kek = Buffer.from(
      hkdfSync('sha256', shared, Buffer.concat([epk, reader.publicKey]), 'lifeboat/v1/data-key', 32),
    );
    const aadText = `lifeboat/v1/data-key/${hex(REPO_ID)}/${JSON.stringify(
      sorted({
        v: 1,
        id: DATA_KEY_ID,
        repo_id: hex(REPO_ID),
        generation: 0,
        created_at: STARTED_AT_W,
        epk: object.epk,
      }),
    )}`;
    const writer = writeOnlyKeys(keyring, REPO_ID, { id: ulidBytes(DATA_KEY_ID), key: DATA_KEY }, 0, 0);
    const pack = packVector(
      writer,
      PackClass.data,
      WRITER_PACK_ID,
      Buffer.concat([ulidBytes(DATA_KEY_ID), WRITER_PACK_SALT_TAIL]),
      [{ id: idB, raw: CHUNK_B, codec: Codec.zstd, payload: payloadB }],
    );
    return {
      keyring: hex(keyring),
      reader_seed: hex(readerSeed),
      reader_key: hex(reader.publicKey),
      writer_slot: writerSlot,
      data_key: {
        key: hex(DATA_KEY),
        ephemeral_seed: hex(EPHEMERAL_SEED),
        epk: hex(epk),
        shared: hex(shared),
        kek: hex(kek),
        aad_text: aadText,
        nonce: hex(DATA_KEY_NONCE),
        sealed: hex(seal(kek, DATA_KEY_NONCE, Buffer.from(aadText), DATA_KEY)),
        name: made.name,
        file: hex(made.bytes),
      },
      data_pack: pack,
      index: streamVector(
        writer,
        StreamType.index,
        `index/${WRITER_INDEX_ID}`,
        WRITER_INDEX_ID,
        WRITER_INDEX_SALT,
        encodeIndex(indexEntriesOf(pack)),
        { compress: false, segmentBytes: INDEX_SEGMENT_BYTES },
      ),
    };
  })();

  return {
    comment:
      'Test vectors of Lifeboat repository format v1 (docs/FORMAT.md). Byte strings are lower-case hex. ' +
      'Generated by test/unit/format-vectors.test.ts (UPDATE_VECTORS=1 rewrites this file). ' +
      'zstd outputs are those of the libzstd named below; any valid zstd frame is conforming.',
    generated_with: {
      node: process.versions.node,
      openssl: process.versions.openssl,
      zstd: process.versions.zstd ?? 'unknown',
    },
    inputs: {
      master_key: hex(MASTER_KEY),
      repo_id: hex(REPO_ID),
      created_at: CREATED_AT,
      chunk_a: hex(CHUNK_A),
      chunk_b: hex(CHUNK_B),
      zstd_level: ZSTD_LEVEL,
    },
    repository_keys: {
      hkdf_salt: hex(REPO_ID),
      id: hex(keys.id),
      gear: hex(keys.gear),
      enc: hex(writingKey(keys)),
      cfg: hex(keys.cfg),
      idx: hex(keys.idx),
    },
    chunk_ids: { chunk_a: hex(idA), chunk_b: hex(idB) },
    gear: {
      first_entries: [...gear.subarray(0, 4)].map((g) => g.toString(16).padStart(16, '0')),
      chunking: { params: CHUNKING_PARAMS, input_sha256: hex(sha256(input)), cuts },
    },
    config: {
      canonical,
      mac,
      file_text: configFile.toString('utf8'),
      file: hex(configFile),
    },
    key_slots: {
      keyfile: { ...keyfile, key_file_text: `lifeboat-key-v1:${KEK.toString('base64')}\n`, kek_id: kekId },
      passphrase: { ...passphrase, passphrase: PASSPHRASE, scrypt_salt: hex(SCRYPT_SALT) },
    },
    key_generation: keyGeneration,
    write_only: writeOnly,
    content_list: {
      refs: refs.map((r) => ({ id: hex(r.id), raw_length: r.rawLength })),
      plaintext: hex(list),
      chunk_id: hex(listId),
    },
    tree_part: (() => {
      const nodes = vectorTreeNodes(idA, idB, listId);
      const [plaintext] = encodeTree(nodes);
      return {
        nodes: nodes.map(treeNodeVector),
        plaintext: hex(plaintext!),
        chunk_id: hex(hmacSha256(keys.id, sha256(plaintext!))),
      };
    })(),
    data_pack: dataPack,
    meta_pack: metaPack,
    index: {
      ...index,
      entries: decodeIndex(indexPlain, 'index').map(indexEntryVector),
    },
    snapshot: { ...snapshot, manifest },
  };
}

// ---------------------------------------------------------------------------------------------

const render = (v: Vectors): string => `${JSON.stringify(v, null, 2)}\n`;
const generated = generate();
if (UPDATE) {
  mkdirSync(path.dirname(VECTORS_FILE), { recursive: true });
  writeFileSync(VECTORS_FILE, render(generated));
}
const stored = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as Vectors;
const keys = deriveRepositoryKeys(bytes(stored.inputs.master_key), bytes(stored.inputs.repo_id));

describe('format v1 vectors: generation is deterministic and matches docs/vectors/v1.json', () => {
  it('generates the same bytes twice in one process', () => {
    expect(render(generate())).toBe(render(generated));
  });

  it('runs with the libzstd the vectors were made with (else: check, then UPDATE_VECTORS=1)', () => {
    expect(process.versions.zstd).toBe(stored.generated_with.zstd);
  });

  it('compresses with zstd deterministically, as the writer does (codec.ts encode)', async () => {
    const level = { params: { [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } };
    const first = zstdCompressSync(CHUNK_B, level);
    expect(zstdCompressSync(CHUNK_B, level).equals(first)).toBe(true);
    expect(await encode(CHUNK_B, { alg: 'zstd', level: ZSTD_LEVEL })).toEqual({
      codec: Codec.zstd,
      payload: first,
    });
    expect(await encode(CHUNK_A, { alg: 'zstd', level: ZSTD_LEVEL })).toEqual({
      codec: Codec.none,
      payload: CHUNK_A,
    });
  });

  const sections = Object.keys(generated).filter((k) => k !== 'generated_with') as (keyof Vectors)[];
  it.each(sections)('section %s is byte for byte the stored one', (section) => {
    expect(generated[section]).toEqual(stored[section]);
  });

  it('the whole file is byte for byte the rendering of the generated vectors', () => {
    expect(readFileSync(VECTORS_FILE, 'utf8')).toBe(
      render({ ...generated, generated_with: stored.generated_with }),
    );
  });
});

/** Opens each segment with AES-256-GCM alone, as docs/FORMAT.md describes it. */
function openSegmentsByHand(v: StreamVector): Buffer {
  expect(hex(Buffer.concat([bytes(v.header), ...v.segments.map((s) => bytes(s.sealed))]))).toBe(v.bytes);
  expect(hex(sha256(bytes(v.header)))).toBe(v.aad);
  const body = v.segments.map((s) => open(bytes(v.aes_key), bytes(s.nonce), bytes(v.aad), bytes(s.sealed)));
  expect(body.every((b) => b !== undefined)).toBe(true);
  return Buffer.concat(body.map((b) => b ?? Buffer.alloc(0)));
}

describe('format v1 vectors: the stored bytes read back with the reading functions', () => {
  it('derives the sub-keys, chunk ids and keyed gear', () => {
    expect(hex(keys.id)).toBe(stored.repository_keys.id);
    expect(hex(keys.gear)).toBe(stored.repository_keys.gear);
    expect(hex(writingKey(keys))).toBe(stored.repository_keys.enc);
    expect(hex(keys.cfg)).toBe(stored.repository_keys.cfg);
    // Written out: K_x = HKDF(MK_0, repo_id, "lifeboat/v1/" ‖ x), for the index key too (§3.7).
    const byHand = (x: string) =>
      hex(
        Buffer.from(
          hkdfSync(
            'sha256',
            bytes(stored.inputs.master_key),
            bytes(stored.inputs.repo_id),
            `lifeboat/v1/${x}`,
            32,
          ),
        ),
      );
    expect(byHand('index')).toBe(stored.repository_keys.idx);
    expect(byHand('enc')).toBe(stored.repository_keys.enc);
    expect(hex(hmacSha256(keys.id, sha256(bytes(stored.inputs.chunk_a))))).toBe(stored.chunk_ids.chunk_a);
    expect(hex(hmacSha256(keys.id, sha256(bytes(stored.inputs.chunk_b))))).toBe(stored.chunk_ids.chunk_b);
    // The hot paths' two ways to the same ids: one-shot hashes, and hashes into kept buffers.
    const hasher = new ChunkIdHasher(keys.id);
    for (const name of ['chunk_a', 'chunk_b'] as const) {
      const data = bytes(stored.inputs[name]);
      expect(hex(chunkIdOfDigest(keys.id, chunkDigest(data)))).toBe(stored.chunk_ids[name]);
      expect(hex(Buffer.from(hasher.idOf(data), 'latin1'))).toBe(stored.chunk_ids[name]);
    }
    const gear = keyedGear(keys.gear);
    stored.gear.first_entries.forEach((entry, i) => {
      const mac = hmacSha256(keys.gear, Buffer.from('gear'), Buffer.of(i));
      expect(mac.readBigUInt64BE(0)).toBe(BigInt(`0x${entry}`));
      expect(gear[i]).toBe(BigInt(`0x${entry}`));
    });
    const input = chunkingInput();
    expect(hex(sha256(input))).toBe(stored.gear.chunking.input_sha256);
    const total = stored.gear.chunking.cuts.reduce((sum, [, length]) => sum + length, 0);
    expect(total).toBe(input.length);
  });

  it('parses the config and verifies its MAC over the canonical bytes', () => {
    const { config, mac } = parseConfig(bytes(stored.config.file));
    expect(config).toEqual(CONFIG);
    expect(mac).toBe(stored.config.mac);
    expect(() => verifyConfigMac(config, mac, keys)).not.toThrow();
    expect(hex(hmacSha256(keys.cfg, Buffer.from(stored.config.canonical)))).toBe(mac);
    const tampered = { ...config, pack_bytes: config.pack_bytes * 2 };
    expect(() => verifyConfigMac(tampered, mac, keys)).toThrow(IntegrityError);
  });

  it('unwraps the master key from the keyfile and passphrase slots', () => {
    const { keyfile, passphrase } = stored.key_slots;
    const repoId = stored.inputs.repo_id;
    expect(hex(unwrapKey(bytes(keyfile.kek), keyfile.slot, repoId) ?? Buffer.alloc(0))).toBe(
      stored.inputs.master_key,
    );
    const kdf = passphrase.slot.kdf!;
    const kek = scryptSync(passphrase.passphrase, Buffer.from(kdf.salt, 'base64'), 32, kdf);
    expect(hex(kek)).toBe(passphrase.kek);
    expect(hex(unwrapKey(kek, passphrase.slot, repoId) ?? Buffer.alloc(0))).toBe(stored.inputs.master_key);
    // The wrap is AES-256-GCM under the stated nonce and AAD, ciphertext and tag split in base64.
    for (const v of [keyfile, passphrase]) {
      const w = v.slot.wrapped!;
      expect(Buffer.from(v.aad_text).equals(bytes(v.aad))).toBe(true);
      expect(Buffer.from(w.nonce, 'base64').equals(bytes(v.nonce))).toBe(true);
      expect(hex(Buffer.concat([Buffer.from(w.ciphertext, 'base64'), Buffer.from(w.tag, 'base64')]))).toBe(
        v.sealed,
      );
      expect(slotFile(v.slot)).toBe(bytes(v.file).toString('utf8'));
    }
    // Bound to the repository and to every described field.
    expect(unwrapKey(bytes(keyfile.kek), keyfile.slot, 'ff'.repeat(16))).toBeUndefined();
    expect(
      unwrapKey(bytes(keyfile.kek), { ...keyfile.slot, created_at: COMPLETED_AT }, repoId),
    ).toBeUndefined();
  });

  it('opens key generation 1: the link yields generation 0 master key; its slot and index open', () => {
    const g = stored.key_generation;
    const repoId = stored.inputs.repo_id;
    // The link by hand: HKDF of the new master key, then AES-256-GCM under the stated AAD.
    const linkKek = Buffer.from(
      hkdfSync('sha256', bytes(g.master_key), bytes(repoId), 'lifeboat/v1/generation-link', 32),
    );
    expect(hex(linkKek)).toBe(g.link_kek);
    const link = JSON.parse(bytes(g.link_file).toString('utf8')) as {
      generation: number;
      wrapped: { nonce: string; ciphertext: string; tag: string };
    };
    expect(link.generation).toBe(1);
    expect(g.link_name).toBe('generations/1.json');
    expect(Buffer.from(link.wrapped.nonce, 'base64').equals(bytes(g.link_nonce))).toBe(true);
    const sealed = Buffer.concat([
      Buffer.from(link.wrapped.ciphertext, 'base64'),
      Buffer.from(link.wrapped.tag, 'base64'),
    ]);
    expect(hex(sealed)).toBe(g.link_sealed);
    const previous = open(linkKek, bytes(g.link_nonce), Buffer.from(g.link_aad_text), sealed);
    expect(hex(previous ?? Buffer.alloc(0))).toBe(stored.inputs.master_key);
    // The slot wraps generation 1's master key, with `generation` bound into its AAD.
    const slot = g.keyfile_slot;
    expect(slot.slot.generation).toBe(1);
    expect(slot.aad_text).toContain('"generation":1');
    expect(hex(unwrapKey(bytes(slot.kek), slot.slot, repoId) ?? Buffer.alloc(0))).toBe(g.master_key);
    expect(unwrapKey(bytes(slot.kek), { ...slot.slot, generation: 2 }, repoId)).toBeUndefined();
    expect(slotFile(slot.slot)).toBe(bytes(slot.file).toString('utf8'));
    // K_enc of generation 1 is HKDF(MK_1, repo_id, "lifeboat/v1/enc"); identity keys stay generation 0's.
    const rotated = deriveRepositoryKeys(
      [bytes(g.master_key), bytes(stored.inputs.master_key)],
      bytes(repoId),
    );
    expect(hex(writingKey(rotated))).toBe(g.enc);
    expect(hex(rotated.id)).toBe(stored.repository_keys.id);
    expect(rotated.readEnc.map(hex)).toEqual([g.enc, stored.repository_keys.enc]);
    const pack = g.data_pack;
    expect(hex(deriveObjectKey(bytes(g.enc), bytes(pack.salt), bytes(pack.hkdf_info)).commitment)).toBe(
      pack.commitment,
    );
    expect(hex(readPackHeader(rotated, bytes(pack.header), pack.name).key.key)).toBe(pack.aes_key);
    // Generation 0's keys alone do not open what generation 1 sealed.
    expect(() => readPackHeader(keys, bytes(pack.header), pack.name)).toThrow(
      /key commitment does not match/,
    );
    // Index objects are sealed under K_idx, whatever the generation (§3.7).
    const index = g.index;
    expect(
      hex(
        deriveObjectKey(bytes(stored.repository_keys.idx), bytes(index.salt), bytes(index.hkdf_info))
          .commitment,
      ),
    ).toBe(index.commitment);
    expect(
      hex(
        openStreamObject(
          rotated,
          StreamType.index,
          ulidBytes(index.object_id_ulid),
          bytes(index.bytes),
          index.name,
        ),
      ),
    ).toBe(index.plaintext);
  });

  it('write-only: the writer slot holds the keyring; the reader key opens the data key; its pack opens', () => {
    const w = stored.write_only;
    const repoId = stored.inputs.repo_id;
    const k = stored.repository_keys;
    expect(w.keyring).toBe(k.id + k.gear + k.cfg + k.idx);
    expect(hex(unwrapKey(bytes(w.writer_slot.kek), w.writer_slot.slot, repoId) ?? Buffer.alloc(0))).toBe(
      w.keyring,
    );
    expect(w.writer_slot.slot).toMatchObject({ role: 'writer' });
    const wrapped = w.writer_slot.slot.wrapped!;
    expect(
      hex(Buffer.concat([Buffer.from(wrapped.ciphertext, 'base64'), Buffer.from(wrapped.tag, 'base64')])),
    ).toBe(w.writer_slot.sealed);
    expect(slotFile(w.writer_slot.slot)).toBe(bytes(w.writer_slot.file).toString('utf8'));
    expect(w.writer_slot.aad_text).toContain('"role":"writer"');
    expect(hex(Buffer.from(w.writer_slot.slot.reader_key!, 'base64'))).toBe(w.reader_key);
    // The reader side: X25519(reader seed, epk) is the same shared secret the writer made.
    const seed = Buffer.from(
      hkdfSync('sha256', bytes(stored.inputs.master_key), bytes(repoId), 'lifeboat/v1/reader', 32),
    );
    expect(hex(seed)).toBe(w.reader_seed);
    const d = w.data_key;
    expect(hex(x25519(seed, bytes(d.epk)))).toBe(d.shared);
    const kek = Buffer.from(
      hkdfSync(
        'sha256',
        bytes(d.shared),
        Buffer.concat([bytes(d.epk), bytes(w.reader_key)]),
        'lifeboat/v1/data-key',
        32,
      ),
    );
    expect(hex(kek)).toBe(d.kek);
    const file = JSON.parse(bytes(d.file).toString('utf8')) as {
      wrapped: { nonce: string; ciphertext: string; tag: string };
    };
    const sealed = Buffer.concat([
      Buffer.from(file.wrapped.ciphertext, 'base64'),
      Buffer.from(file.wrapped.tag, 'base64'),
    ]);
    expect(hex(sealed)).toBe(d.sealed);
    expect(hex(open(kek, bytes(d.nonce), Buffer.from(d.aad_text), sealed) ?? Buffer.alloc(0))).toBe(d.key);
    // The pack: its salt starts with the data key's id, its key derives from the data key.
    const pack = w.data_pack;
    expect(pack.salt.slice(0, 32)).toBe(hex(ulidBytes(d.name.slice('datakeys/'.length, -'.json'.length))));
    expect(hex(deriveObjectKey(bytes(d.key), bytes(pack.salt), bytes(pack.hkdf_info)).commitment)).toBe(
      pack.commitment,
    );
  });

  it.each(['data_pack', 'meta_pack'] as const)(
    'opens the %s: header, trailer, footer and records',
    (which) => {
      const v = stored[which];
      const pack = bytes(v.bytes);
      const header = readPackHeader(keys, pack, v.name);
      expect(header.packClass).toBe(v.class);
      expect(hex(header.packId)).toBe(v.pack_id);
      expect(hex(header.key.key)).toBe(v.aes_key);
      expect(hex(deriveObjectKey(writingKey(keys), bytes(v.salt), bytes(v.hkdf_info)).key)).toBe(v.aes_key);
      expect(hex(pack.subarray(0, PACK_HEADER_BYTES))).toBe(v.header);

      const footer = pack.subarray(pack.length - PACK_FOOTER_BYTES);
      expect(hex(footer)).toBe(v.footer);
      const length = trailerLength(footer, v.name, pack.length);
      const trailerOffset = pack.length - PACK_FOOTER_BYTES - length;
      const trailer = pack.subarray(trailerOffset, trailerOffset + length);
      expect(hex(trailer)).toBe(v.trailer);
      const plain = openTrailer(header, trailer, footer, v.name, trailerOffset);
      expect(hex(plain)).toBe(v.trailer_plaintext);
      const entries = [...new PackEntryTable(plain, v.name, trailerOffset).values()];
      expect(hex(encodeEntries(entries))).toBe(v.trailer_plaintext);
      expect(entries).toHaveLength(v.records.length);

      let expectedOffset = PACK_HEADER_BYTES;
      entries.forEach((entry, i) => {
        const r = v.records[i]!;
        expect(entry.offset).toBe(expectedOffset);
        expect(hex(entry.id)).toBe(r.chunk_id);
        const record = pack.subarray(entry.offset, entry.offset + entry.storedLength);
        expect(hex(record)).toBe(r.record);
        const opened = openRecord(header, entry, record);
        expect(opened).toBeDefined();
        expect(opened!.codec).toBe(r.codec);
        expect(hex(opened!.payload)).toBe(r.payload);
        expectedOffset += entry.storedLength;
        // The nonce binds the offset: the same record read at another offset does not open.
        expect(openRecord(header, { ...entry, offset: entry.offset + 1 }, record)).toBeUndefined();
      });
      expect(expectedOffset).toBe(trailerOffset);

      // The same, spelled out as docs/FORMAT.md states it, with nothing but AES-256-GCM.
      const aesKey = bytes(v.aes_key);
      for (const r of v.records) {
        expect(hex(open(aesKey, bytes(r.nonce), bytes(r.aad), bytes(r.record)) ?? Buffer.alloc(0))).toBe(
          r.plaintext,
        );
      }
      const trailerPlain = open(aesKey, bytes(v.trailer_nonce), bytes(v.header), bytes(v.trailer));
      expect(hex(trailerPlain ?? Buffer.alloc(0))).toBe(v.trailer_plaintext);

      // Key commitment: a changed commitment is refused before anything is decrypted.
      const damaged = Buffer.from(pack);
      damaged.writeUInt8(damaged.readUInt8(PACK_HEADER_BYTES - 1) ^ 1, PACK_HEADER_BYTES - 1);
      expect(() => readPackHeader(keys, damaged, v.name)).toThrow(/commitment/);
    },
  );

  it('decodes every record to its raw chunk, whose keyed hash is its id', () => {
    for (const r of [...stored.data_pack.records, ...stored.meta_pack.records]) {
      const raw = decodeSync(r.codec, bytes(r.payload), r.raw.length / 2);
      expect(hex(raw)).toBe(r.raw);
      expect(hex(hmacSha256(keys.id, sha256(raw)))).toBe(r.chunk_id);
    }
  });

  it('decodes the content list', () => {
    const refs = decodeContentList(bytes(stored.content_list.plaintext), 'content list');
    expect(refs.map((r) => ({ id: hex(r.id), raw_length: r.rawLength }))).toEqual(stored.content_list.refs);
    expect(hex(hmacSha256(keys.id, sha256(bytes(stored.content_list.plaintext))))).toBe(
      stored.content_list.chunk_id,
    );
  });

  it('decodes the tree part and encodes the same nodes to the same bytes', () => {
    const plaintext = bytes(stored.tree_part.plaintext);
    const nodes = decodeTreePart(plaintext, 'tree part');
    expect(nodes.map(treeNodeVector)).toEqual(JSON.parse(JSON.stringify(stored.tree_part.nodes)));
    expect(encodeTree(nodes).map(hex)).toEqual([stored.tree_part.plaintext]);
    expect(hex(hmacSha256(keys.id, sha256(plaintext)))).toBe(stored.tree_part.chunk_id);
    // Names are bytes: the non-UTF-8 one survives exactly.
    expect(nodes[1]!.name.equals(Buffer.from([0x66, 0xff, 0x2e, 0x62, 0x69, 0x6e]))).toBe(true);
  });

  it('opens the index object (three segments, the last one final)', () => {
    const v = stored.index;
    const object = bytes(v.bytes);
    expect(v.segments).toHaveLength(3);
    expect(hex(openSegmentsByHand(v))).toBe(v.body);
    expect(v.body).toBe(v.plaintext);
    const plain = openStreamObject(keys, StreamType.index, bytes(v.object_id), object, v.name);
    expect(hex(plain)).toBe(v.plaintext);
    expect(decodeIndex(plain, v.name).map(indexEntryVector)).toEqual(v.entries);
    // Cut after a whole segment: the new last segment was not sealed as final.
    const lastLength = v.segments[2]!.sealed.length / 2;
    expect(() =>
      openStreamObject(
        keys,
        StreamType.index,
        bytes(v.object_id),
        object.subarray(0, object.length - lastLength),
        v.name,
      ),
    ).toThrow(/last segment does not authenticate/);
    // The object id is bound: the same bytes under another name do not open.
    expect(() => openStreamObject(keys, StreamType.index, ulidBytes(SNAPSHOT_ID), object, v.name)).toThrow(
      IntegrityError,
    );
  });

  it('opens the snapshot object (zstd-compressed manifest)', () => {
    const v = stored.snapshot;
    const plain = openStreamObject(
      keys,
      StreamType.snapshot,
      ulidBytes(v.object_id_ulid),
      bytes(v.bytes),
      v.name,
    );
    expect(hex(plain)).toBe(v.plaintext);
    expect(hex(openSegmentsByHand(v))).toBe(v.body);
    expect(hex(zstdDecompressSync(bytes(v.body)))).toBe(v.plaintext);
    const manifest = SnapshotManifestSchema.parse(JSON.parse(plain.toString('utf8')));
    expect(manifest).toEqual(v.manifest);
    expect(() =>
      openStreamObject(keys, StreamType.index, ulidBytes(v.object_id_ulid), bytes(v.bytes), v.name),
    ).toThrow(/has type 2, expected 1/);
  });
});

describe('format v1 vectors: assembled into a repository', () => {
  let root = '';
  let keyFile = '';

  /** The objects every assembly shares: config, the two packs, the index, the snapshot. */
  const common = (): [string, string][] => [
    ['config', stored.config.file],
    [stored.data_pack.name, stored.data_pack.bytes],
    [stored.meta_pack.name, stored.meta_pack.bytes],
    [stored.index.name, stored.index.bytes],
    [stored.snapshot.name, stored.snapshot.bytes],
  ];

  /** A repository directory under root made of these objects (name, hex bytes). */
  function assemble(dir: string, objects: [string, string][]): LocalObjectStore {
    for (const [name, content] of objects) {
      mkdirSync(path.dirname(path.join(root, dir, name)), { recursive: true });
      writeFileSync(path.join(root, dir, name), bytes(content));
    }
    return new LocalObjectStore(path.join(root, dir));
  }

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lifeboat-vectors-'));
    assemble('repo', [
      ...common(),
      [stored.key_slots.keyfile.name, stored.key_slots.keyfile.file],
      [stored.key_slots.passphrase.name, stored.key_slots.passphrase.file],
    ]);
    keyFile = path.join(root, 'key');
    writeFileSync(keyFile, stored.key_slots.keyfile.key_file_text, { mode: 0o600 });
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const store = () => new LocalObjectStore(path.join(root, 'repo'));

  it('opens with the key file and with the passphrase', async () => {
    const byFile = await Repository.open(store(), new KeyFileProvider(keyFile));
    expect(hex(writingKey(byFile.keys))).toBe(stored.repository_keys.enc);
    const byPassphrase = await Repository.open(
      store(),
      new PassphraseProvider(stored.key_slots.passphrase.passphrase),
    );
    expect(hex(byPassphrase.keys.id)).toBe(stored.repository_keys.id);
  });

  it('checks clean with --read-data', async () => {
    const repo = await Repository.open(store(), new KeyFileProvider(keyFile));
    const report = await checkRepository(repo, { readData: true });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, snapshots: 1, indexes: 1, packs: 2, chunks: 2 });
  });

  it('rotated (generation 1 link, slot and index added): opens at generation 1 and reads generation 0', async () => {
    const g = stored.key_generation;
    const rotatedStore = assemble('rotated', [
      ...common(),
      [stored.key_slots.passphrase.name, stored.key_slots.passphrase.file],
      [g.link_name, g.link_file],
      [g.keyfile_slot.name, g.keyfile_slot.file],
      [g.data_pack.name, g.data_pack.bytes],
      [g.index.name, g.index.bytes],
    ]);
    const repo = await Repository.open(rotatedStore, new KeyFileProvider(keyFile));
    expect(repo.keys.generation).toBe(1);
    expect(hex(writingKey(repo.keys))).toBe(g.enc);
    const chain = await masterKeyChain(rotatedStore, stored.inputs.repo_id, bytes(g.master_key), 1);
    expect(chain.map(hex)).toEqual([g.master_key, stored.inputs.master_key]);
    const report = await checkRepository(repo, { readData: true });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, snapshots: 1, indexes: 2, packs: 3, chunks: 2 });
    // The passphrase slot is generation 0's: it reads, but cannot write.
    const byPassphrase = await Repository.open(
      rotatedStore,
      new PassphraseProvider(stored.key_slots.passphrase.passphrase),
    );
    expect(byPassphrase.keys).toMatchObject({ generation: 0, latestGeneration: 1, enc: undefined });
  });

  it('with a writer slot, a data key and a pack sealed under it: checks clean with the key file', async () => {
    const w = stored.write_only;
    const writeOnlyStore = assemble('write-only', [
      ...common(),
      [stored.key_slots.keyfile.name, stored.key_slots.keyfile.file],
      [w.writer_slot.name, w.writer_slot.file],
      [w.data_key.name, w.data_key.file],
      [w.data_pack.name, w.data_pack.bytes],
      [w.index.name, w.index.bytes],
    ]);
    const repo = await Repository.open(writeOnlyStore, new KeyFileProvider(keyFile));
    expect(repo.keys.writeOnly).toBe(false);
    expect([...repo.keys.dataKeys.values()].map(hex)).toEqual([w.data_key.key]);
    const report = await checkRepository(repo, { readData: true });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, snapshots: 1, indexes: 2, packs: 3 });
  });

  it('reads the snapshot back as chunk A ‖ chunk B, matching its size and SHA-256', async () => {
    const repo = await Repository.open(store(), new KeyFileProvider(keyFile));
    const manifest = await repo.loadSnapshot(stored.snapshot.object_id_ulid);
    const reader = new ChunkReader(repo, await loadChunkIndex(repo));
    const parts: Buffer[] = [];
    if (manifest.content.kind !== 'stream') throw new Error('the vector snapshot is a stream');
    for await (const ref of readContentLists(reader, manifest.content)) parts.push(await reader.read(ref.id));
    const content = Buffer.concat(parts);
    const expected = Buffer.concat([bytes(stored.inputs.chunk_a), bytes(stored.inputs.chunk_b)]);
    expect(content.equals(expected)).toBe(true);
    expect(content.length).toBe(manifest.content.size);
    expect(hex(sha256(Buffer.concat(parts.map((p) => sha256(p)))))).toBe(manifest.checksum_value);
  });
});
