// Completes a Lambda bundle (the CDK app's NodejsFunction runs it after esbuild has bundled the
// handler): the worker-thread entries (functions/**/*-worker.ts, opened beside the code by
// functions/core/worker-script.ts) bundled the same way, and the WebAssembly modules copied in.
// Usage: node scripts/bundle-workers.js OUTPUT_DIR
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node scripts/bundle-workers.js OUTPUT_DIR');
  process.exit(2);
}

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

const functionsDir = path.join(root, 'functions');
const all = [...files(functionsDir)];
// handlers/ holds entry points (fargate-worker.ts is the container's), not worker threads.
const workers = all.filter(
  (f) => f.endsWith('-worker.ts') && path.dirname(f) !== path.join(functionsDir, 'handlers'),
);
for (const entry of workers) {
  esbuild.buildSync({
    entryPoints: [entry],
    outfile: path.join(outDir, path.basename(entry, '.ts') + '.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'warning',
  });
}
for (const wasm of all.filter((f) => f.endsWith('.wasm')))
  fs.copyFileSync(wasm, path.join(outDir, path.basename(wasm)));
