import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, 'eio-fs.py');

/** A file the FUSE filesystem serves: `content`, whose reads fail with EIO from `failAt` on. */
export interface EioFile {
  content: Buffer;
  failAt?: number;
}

/** Whether this machine can mount FUSE filesystems (Linux with /dev/fuse, python3-fusepy; .ci/run installs it). */
export function fuseAvailable(): boolean {
  return existsSync('/dev/fuse') && spawnSync('/usr/bin/python3', ['-c', 'import fusepy']).status === 0;
}

/**
 * Mounts a read-only filesystem (eio-fs.py) whose files fail to read past a point, as a disk with
 * a bad sector does; `close` unmounts it and removes its files.
 */
export async function mountEioFs(
  files: Record<string, EioFile>,
): Promise<{ dir: string; close: () => Promise<void> }> {
  const base = mkdtempSync(path.join(tmpdir(), 'lifeboat-eio-'));
  const dir = path.join(base, 'mnt');
  mkdirSync(dir);
  const spec: Record<string, { source: string; fail_at: number | null }> = {};
  for (const [name, file] of Object.entries(files)) {
    const source = path.join(base, `source-${name}`);
    writeFileSync(source, file.content);
    spec[name] = { source, fail_at: file.failAt ?? null };
  }
  writeFileSync(path.join(base, 'spec.json'), JSON.stringify(spec));
  const child: ChildProcess = spawn('/usr/bin/python3', [SCRIPT, path.join(base, 'spec.json'), dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const close = async () => {
    // Unmounting ends the filesystem's process; when there is nothing to unmount (it never
    // mounted), it is stopped instead, or this would wait for it forever.
    if (spawnSync('fusermount', ['-u', dir]).status !== 0) child.kill();
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    rmSync(base, { recursive: true, force: true });
  };
  for (let waited = 0; readdirSync(dir).length < Object.keys(files).length; waited += 50) {
    if (child.exitCode !== null || waited > 10_000) {
      await close();
      throw new Error(`the EIO filesystem did not mount: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { dir, close };
}
