// The local engine loads aws-local-stepfunctions without the AWS Lambda client, the credential
// providers and asl-validator (never used by it; about 170 ms and 27 MiB per CLI run), and leaves
// the real modules to anyone else.
// Run in a plain Node process: jest's own module registry would hide what Node's cache holds.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { NODE, ROOT } from '../helpers/cli';

it('does not load the Lambda client or the validator, and does not hide them from others', () => {
  const engine = path.join(ROOT, 'dist', 'functions', 'local', 'engine.js');
  const script = `
    require(${JSON.stringify(engine)});
    const loaded = (name) => Object.values(require.cache).some((m) => m.filename.includes('/node_modules/' + name + '/'));
    const before = { lambda: loaded('@aws-sdk/client-lambda'), credentials: loaded('@aws-sdk/credential-providers'), validator: loaded('asl-validator'), runner: loaded('aws-local-stepfunctions') };
    const validator = require(require.resolve('asl-validator', { paths: [require.resolve('aws-local-stepfunctions')] }));
    const real = typeof (validator.default ?? validator) === 'function' && (validator.default ?? validator)({}).isValid === false;
    process.stdout.write(JSON.stringify({ ...before, real }));
  `;
  const result = spawnSync(NODE, ['-e', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual({
    lambda: false,
    credentials: false,
    validator: false,
    runner: true,
    real: true,
  });
});

it('starts the CLI without loading the database drivers or the Secrets Manager SDK (about 250 ms of start-up)', () => {
  const program = path.join(ROOT, 'dist', 'bin', 'cli', 'program.js');
  const script = `
    require(${JSON.stringify(program)});
    const loaded = (name) => Object.values(require.cache).some((m) => m.filename.includes('/node_modules/' + name + '/'));
    process.stdout.write(JSON.stringify(['pg', 'mysql2', 'mongodb', 'bson', '@aws-sdk/client-secrets-manager'].filter(loaded)));
  `;
  // --no-warnings: node:sqlite's experimental warning is not what this checks.
  const result = spawnSync(NODE, ['--no-warnings', '-e', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual([]);
});

it('loads a command’s module only when that command runs (the others cost every run about 40 ms and 6 MiB)', () => {
  const program = path.join(ROOT, 'dist', 'bin', 'cli', 'program.js');
  const script = `
    const { buildProgram } = require(${JSON.stringify(program)});
    buildProgram();
    const own = () => Object.values(require.cache).map((m) => m.filename).filter((f) => f.includes('/dist/bin/cli/')).map((f) => f.replace(/.*\\/dist\\/bin\\/cli\\//, '')).sort();
    process.stdout.write(JSON.stringify(own()));
  `;
  const result = spawnSync(NODE, ['--no-warnings', '-e', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual(['api-choice.js', 'program.js', 'version.js']);
});
