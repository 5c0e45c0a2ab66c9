// The floor of a file backup on one Node isolate (docs/BENCHMARKS.md, "Peak memory on one
// isolate"): not Lifeboat, but what its data path would cost with no worker threads. It walks a
// tree, reads each file whole (sync), cuts it into 512 KiB pieces, takes an HMAC-SHA-256 of each,
// skips a piece seen before, compresses the rest with zstd level 3 on the libuv thread pool and
// seals them with AES-256-GCM into one output file. No tree, records, packs or index.
//
// Usage: UV_THREADPOOL_SIZE=1 /usr/bin/time -v node scripts/one-isolate-floor.js TREE OUT [contexts] [--per-call]
//   contexts    zstd stream contexts kept busy on the pool (default 3)
//   --per-call  zlib.zstdCompress per piece instead (a new native context each time)
const { Buffer } = require('node:buffer');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const [root, outPath, contextsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const perCall = process.argv.includes('--per-call');
if (!root || !outPath) {
  console.error('Usage: node scripts/one-isolate-floor.js TREE OUT [contexts] [--per-call]');
  process.exit(2);
}
const PIECE = 512 * 1024;
const IN_FLIGHT = 6;
const LEVEL = { params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } };
const key = crypto.randomBytes(32);
const out = fs.openSync(outPath, 'w');
const known = new Set();

// Reused contexts: each write ends its frame (the stream's flush flag), one trip to the pool each.
const idle = [];
const waiting = [];
for (let i = 0; i < Number(contextsArg ?? 3); i++) {
  const stream = zlib.createZstdCompress({ ...LEVEL, readableHighWaterMark: 1 << 30 });
  stream._defaultFlushFlag = zlib.constants.ZSTD_e_end;
  idle.push(stream);
}
async function compress(piece) {
  if (perCall)
    return new Promise((resolve, reject) =>
      zlib.zstdCompress(piece, LEVEL, (error, frame) => (error ? reject(error) : resolve(frame))),
    );
  const stream = idle.pop() ?? (await new Promise((resolve) => waiting.push(resolve)));
  await new Promise((resolve, reject) => stream.write(piece, (error) => (error ? reject(error) : resolve())));
  const parts = [];
  for (let part = stream.read(); part !== null; part = stream.read()) parts.push(part);
  const next = waiting.shift();
  if (next) next(stream);
  else idle.push(stream);
  return Buffer.concat(parts);
}

function seal(frame) {
  const cipher = crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12));
  fs.writeSync(out, Buffer.concat([cipher.update(frame), cipher.final(), cipher.getAuthTag()]));
}

let inFlight = 0;
let wake;
async function store(piece) {
  const id = crypto.createHmac('sha256', key).update(piece).digest('latin1');
  if (known.has(id)) return;
  known.add(id);
  while (inFlight >= IN_FLIGHT) await new Promise((resolve) => (wake = resolve));
  inFlight++;
  compress(piece)
    .then(seal)
    .finally(() => {
      inFlight--;
      wake?.();
    });
}

async function backupFile(file) {
  const fd = fs.openSync(file, 'r');
  const { size } = fs.fstatSync(fd);
  for (let at = 0; at < size || at === 0;) {
    const piece = Buffer.allocUnsafe(Math.min(PIECE, size - at));
    const n = fs.readSync(fd, piece, 0, piece.length, at);
    at += n;
    await store(piece.subarray(0, n));
    if (n === 0) break;
  }
  fs.closeSync(fd);
}

async function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    fs.lstatSync(full);
    if (entry.isDirectory()) await walk(full);
    else if (entry.isFile()) await backupFile(full);
  }
}

walk(root).then(async () => {
  while (inFlight > 0) await new Promise((resolve) => (wake = resolve));
  fs.closeSync(out);
  console.log(`${known.size} distinct pieces, ${fs.statSync(outPath).size} bytes written`);
});
