// Copies non-TypeScript runtime assets next to the compiled code: WebAssembly modules, and the
// s3rver harness script the compiled bench starts (test/helpers/s3rver/server.js). Also marks the
// CLI's entry point executable: tsc writes it without the bit, and `npx lifeboat` runs it as a
// program (npm 11 no longer sets the bit on the project's own bin: "Permission denied").
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.wasm')) {
      const dest = path.join(root, 'dist', path.relative(root, full));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(full, dest);
    }
  }
}
walk(path.join(root, 'functions'));
const s3rver = path.join('test', 'helpers', 's3rver', 'server.js');
fs.mkdirSync(path.join(root, 'dist', path.dirname(s3rver)), { recursive: true });
fs.copyFileSync(path.join(root, s3rver), path.join(root, 'dist', s3rver));
fs.chmodSync(path.join(root, 'dist', 'bin', 'lifeboat.js'), 0o755);
