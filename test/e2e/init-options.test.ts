import { existsSync, readdirSync } from 'node:fs';
import { backupJson, runCli, TempHome } from '../helpers/cli';
import { randomData, sha256 } from '../helpers/data';

const MiB = 1024 * 1024;

/** Compressible and incompressible parts, so every codec has something to do and something to skip. */
const data = Buffer.concat([
  Buffer.from('a line of a log file, repeated\n'.repeat(200_000)),
  randomData(3 * MiB, 'init'),
]);

describe.each([
  ['zstd', ['--compression', 'zstd', '--compression-level', '9']],
  ['gzip', ['--compression', 'gzip']],
  ['none', ['--compression', 'none']],
  ['small chunks', ['--chunk-min', '16384', '--chunk-avg', '65536', '--chunk-max', '262144']],
])('a repository made with %s', (_label, args) => {
  const home = new TempHome('lifeboat-init-');
  afterAll(() => home.cleanup());

  test('records its settings, backs up, restores byte for byte and checks clean', async () => {
    const init = await runCli(['init', '--json', ...args], { env: home.env });
    expect(init.code).toBe(0);
    const created = JSON.parse(init.stdout.toString()) as {
      compression: { alg: string; level: number };
      chunker: { min: number; avg: number; max: number };
    };
    const alg = args[0] === '--compression' ? args[1] : 'zstd';
    expect(created.compression.alg).toBe(alg);
    if (args[0] === '--chunk-min')
      expect(created.chunker).toMatchObject({ min: 16384, avg: 65536, max: 262144 });

    const backup = backupJson(
      await runCli(['backup', '--stdin', '--name', 'd', '--json'], { input: data, env: home.env }),
    );
    const stored = backup.compressed_size_bytes as number;
    // "none" stores the bytes as they are; the compressors shrink the text part a great deal.
    // (plus the content list, a few hundred bytes of metadata)
    if (alg === 'none') expect(stored - data.length).toBeGreaterThanOrEqual(0);
    if (alg === 'none') expect(stored - data.length).toBeLessThan(4096);
    else expect(stored).toBeLessThan(data.length * 0.6);
    if (args[0] === '--chunk-min') expect(backup.chunks_new as number).toBeGreaterThan(data.length / 262144);

    const restored = await runCli(['restore', backup.id, '--stdout'], { env: home.env });
    expect(restored.code).toBe(0);
    expect(sha256(restored.stdout)).toBe(sha256(data));
    expect((await runCli(['check', '--read-data'], { env: home.env })).code).toBe(0);
  });
});

describe('bad settings', () => {
  test.each([
    [['--chunk-min', '100', '--chunk-avg', '50']],
    [['--chunk-max', String(1024 * MiB)]],
    [['--compression', 'gzip', '--compression-level', '12']],
    [['--compression', 'lz4']],
  ])('%j is refused with status 2 and leaves nothing behind', async (args) => {
    const home = new TempHome('lifeboat-init-bad-');
    try {
      const result = await runCli(['init', ...args], { env: home.env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/invalid|out of range|argument/i);
      expect(existsSync(home.repo)).toBe(false);
      expect(readdirSync(home.dir)).toEqual([]);
    } finally {
      home.cleanup();
    }
  });
});
