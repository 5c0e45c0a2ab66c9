// Regenerates functions/**/*.wasm from the .wat next to it. The binaries are checked in, so the
// normal build needs no WebAssembly toolchain; run this after editing a .wat.
const fs = require('node:fs');
const path = require('node:path');
const wabtInit = require('wabt');

const sources = [path.join(__dirname, '..', 'functions', 'repository', 'chunker', 'fastcdc.wat')];

async function main() {
  const wabt = await wabtInit();
  for (const source of sources) {
    const module = wabt.parseWat(path.basename(source), fs.readFileSync(source, 'utf8'));
    try {
      module.validate();
      const { buffer } = module.toBinary({ canonicalize_lebs: true });
      const target = source.replace(/\.wat$/, '.wasm');
      fs.writeFileSync(target, buffer);
      console.log(`${path.relative(process.cwd(), target)}: ${buffer.length} bytes`);
    } finally {
      module.destroy();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
