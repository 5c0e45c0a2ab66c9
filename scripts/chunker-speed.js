// Measures single-core throughput of the FastCDC chunker on pseudo-random data.
// Usage: npm run build && node scripts/chunker-speed.js [pieceKiB] [totalMiB]
const { Buffer } = require('node:buffer');
const crypto = require('node:crypto');
const path = require('node:path');
const { Chunker, DEFAULT_CHUNKER, keyedGear } = require(
  path.join(__dirname, '..', 'dist', 'functions', 'repository', 'chunker'),
);

const MiB = 1024 * 1024;
const pieceSize = Number(process.argv[2] ?? 1024) * 1024;
const total = Number(process.argv[3] ?? 512) * MiB;

// AES-CTR keystream: deterministic, incompressible, and cheap to produce. 64 MiB is replayed to
// reach the total so that generating data does not dominate memory or time.
const blockSize = 64 * MiB;
const block = crypto
  .createCipheriv('aes-256-ctr', Buffer.alloc(32, 7), Buffer.alloc(16))
  .update(Buffer.alloc(blockSize));

const chunker = new Chunker(DEFAULT_CHUNKER, keyedGear(Buffer.alloc(32, 1)));
let chunks = 0;
let fed = 0;
const started = process.hrtime.bigint();
while (fed < total) {
  const at = fed % blockSize;
  const piece = block.subarray(at, Math.min(at + pieceSize, blockSize, at + total - fed));
  chunks += chunker.push(piece).length;
  fed += piece.length;
}
chunks += chunker.finish().length;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

console.log(
  `chunker: ${(fed / MiB).toFixed(0)} MiB in ${seconds.toFixed(2)} s = ${(fed / MiB / seconds).toFixed(0)} MiB/s ` +
    `(${chunks} chunks, min/avg/max ${DEFAULT_CHUNKER.min}/${DEFAULT_CHUNKER.avg}/${DEFAULT_CHUNKER.max}, ` +
    `level ${DEFAULT_CHUNKER.level}, ${pieceSize / 1024} KiB pieces, Node ${process.version})`,
);
