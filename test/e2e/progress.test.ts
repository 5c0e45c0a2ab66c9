import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLI, NODE, runCli, TempHome } from '../helpers/cli';
import { randomData } from '../helpers/data';

/**
 * Runs the CLI with standard error on a real pseudo-terminal (Python's pty module; Node has none
 * without a native addon) and standard input from a file, and returns what the terminal showed.
 */
const WITH_TTY_STDERR = `
import os, subprocess, sys
master, slave = os.openpty()
with open(sys.argv[1], 'rb') as data:
    child = subprocess.Popen(sys.argv[2:], stdin=data, stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
seen = b''
while True:
    try:
        piece = os.read(master, 65536)
    except OSError:
        break
    if not piece:
        break
    seen += piece
child.wait()
sys.stdout.buffer.write(seen)
sys.exit(child.returncode)
`;

describe('progress', () => {
  const home = new TempHome('lifeboat-progress-');
  const input = path.join(home.dir, 'input.bin');
  beforeAll(() => writeFileSync(input, randomData(400 * 1024 * 1024, 'progress')));
  afterAll(() => home.cleanup());

  test('a terminal sees bytes and rate while a backup runs', () => {
    const result = spawnSync(
      'python3',
      ['-c', WITH_TTY_STDERR, input, NODE, CLI, 'backup', '--stdin', '--name', 'tty'],
      {
        env: { PATH: process.env.PATH, ...home.env },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(result.status).toBe(0);
    // The bar redraws in place: "backup 123 MiB | 200 MiB/s".
    expect(result.stdout).toMatch(/backup \d+(\.\d+)? (MiB|GiB) \| \d+(\.\d+)? (MiB|GiB)\/s/);
    expect(result.stdout).toMatch(/completed/);
  });

  test('a file backup shows files, bytes, rate and, once the tree is counted, the total', () => {
    const tree = path.join(home.dir, 'tree');
    mkdirSync(tree);
    for (let i = 0; i < 250; i++)
      writeFileSync(path.join(tree, `f${i}`), randomData(2 * 1024 * 1024, `tree-${i}`));
    const result = spawnSync('python3', ['-c', WITH_TTY_STDERR, '/dev/null', NODE, CLI, 'backup', tree], {
      env: { PATH: process.env.PATH, ...home.env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(0);
    // The ETA follows once a second has passed (tree-progress.test.ts): this backup can be quicker.
    expect(result.stdout).toMatch(
      /backup \d+ files, \d+(\.\d+)? (MiB|GiB) of 500 MiB \| \d+(\.\d+)? (MiB|GiB)\/s/,
    );
    expect(result.stdout).toMatch(/completed: 250 new, 0 changed, 0 unmodified files/);
  });

  test('nothing but the summary when standard error is a pipe', async () => {
    const result = await runCli(['backup', '--stdin', '--name', 'piped', '--type', 'full'], {
      input: randomData(50 * 1024 * 1024, 'piped'),
      env: home.env,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/MiB\/s/);
    expect(result.stderr).not.toContain(String.fromCharCode(27)); // no terminal escape codes
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/** Runs the CLI with standard output on a pseudo-terminal; returns its exit status and what stderr said. */
const WITH_TTY_STDOUT = `
import os, subprocess, sys
master, slave = os.openpty()
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
os.close(slave)
err = child.communicate()[1]
try:
    seen = os.read(master, 65536)
except OSError:
    seen = b''
sys.stderr.buffer.write(err)
sys.stdout.write(str(len(seen)))
sys.exit(child.returncode)
`;

test('restore --stdout refuses to write to a terminal', async () => {
  const home = new TempHome('lifeboat-tty-out-');
  try {
    await runCli(['backup', '--stdin', '--name', 'screen', '--type', 'full'], {
      input: 'binary\u0000data',
      env: home.env,
    });
    const result = spawnSync(
      'python3',
      ['-c', WITH_TTY_STDOUT, NODE, CLI, 'restore', 'latest:screen', '--stdout'],
      {
        env: { PATH: process.env.PATH, ...home.env },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Standard output is a terminal/);
    expect(result.stderr).toMatch(/> db\.sql/);
    expect(result.stdout).toBe('0'); // nothing reached the terminal
  } finally {
    home.cleanup();
  }
});
