// Builds the admin UI (ui/) into dist/ui/: one JavaScript bundle for browsers, one stylesheet
// (the app's and uPlot's), and index.html. `lifeboat serve` serves it; the CDK app uploads it
// to the UI bucket with a config.json naming the deployed API.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'dist', 'ui');

async function build() {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'ui', 'src', 'main.tsx')],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outfile: path.join(out, 'app.js'),
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const css = [
    fs.readFileSync(path.join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8'),
    fs.readFileSync(path.join(root, 'ui', 'src', 'styles.css'), 'utf8'),
  ].join('\n');
  const minified = await esbuild.transform(css, { loader: 'css', minify: true });
  fs.writeFileSync(path.join(out, 'app.css'), minified.code);
  fs.copyFileSync(path.join(root, 'ui', 'index.html'), path.join(out, 'index.html'));
}

build().catch((error) => {
  console.error(error);
  process.exit(1);
});
