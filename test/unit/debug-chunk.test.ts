import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli } from '../helpers/cli';

/**
 * `lifeboat debug chunk` is the unkeyed FastCDC-2020 conformance mode: its output must be the
 * published vectors line for line.
 */
const FIXTURES = path.join(ROOT, '..', 'shared', 'fixtures', 'fastcdc');
const IMAGE = path.join(FIXTURES, 'SekienAkashita.jpg');

/** The fenced tables of VECTORS.md, keyed by their heading. */
function vectorTables(): Map<string, string[]> {
  const text = readFileSync(path.join(FIXTURES, 'VECTORS.md'), 'utf8');
  const tables = new Map<string, string[]>();
  for (const match of text.matchAll(/^## (.+)\n```\n([\s\S]*?)```/gm)) {
    tables.set(match[1]!.trim(), match[2]!.trimEnd().split('\n'));
  }
  return tables;
}

const tables = vectorTables();
const ARGS = ['--min', '4096', '--avg', '16384', '--max', '65535', '--level', '2'];

test('the fixture is the one the vectors were made from', () => {
  const image = readFileSync(IMAGE);
  expect(image.length).toBe(109_466);
  expect(createHash('sha256').update(image).digest('hex')).toBe(
    'd9e749d9367fc908876749d6502eb212fee88c9a94892fb07da5ef3ba8bc39ed',
  );
});

test.each([
  ['seed 0 (default)', 'min 4096, avg 16384, max 65535, normalization level 2, seed 0', []],
  ['--seed 666', 'min 4096, avg 16384, max 65535, normalization level 2, seed 666', ['--seed', '666']],
])('debug chunk %s prints exactly the published table', async (_label, heading, extra) => {
  const expected = tables.get(heading);
  expect(expected).toHaveLength(6);
  const result = await runCli(['debug', 'chunk', IMAGE, ...ARGS, ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout.toString('utf8')).toBe(`${expected!.join('\n')}\n`);
});

test('a path relative to the working directory gives the same table', async () => {
  const expected = tables.get('min 4096, avg 16384, max 65535, normalization level 1, seed 0');
  expect(expected).toHaveLength(5);
  const relative = path.relative(process.cwd(), IMAGE);
  const result = await runCli([
    'debug',
    'chunk',
    relative,
    '--min',
    '4096',
    '--avg',
    '16384',
    '--max',
    '65535',
    '--level',
    '1',
  ]);
  expect(result.code).toBe(0);
  expect(result.stdout.toString('utf8')).toBe(`${expected!.join('\n')}\n`);
});
