import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  lstatSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ChunkTally, commitBackup } from '../../functions/core/services/snapshot-commit';
import { openRepository, resolveSettings } from '../../functions/local/home';
import { PackClass } from '../../functions/repository/pack';
import type { Repository } from '../../functions/repository/repository';
import type { NodeMeta, TreeNode } from '../../functions/repository/tree';
import { storeTree } from '../../functions/repository/tree-io';
import { RepositoryWriter } from '../../functions/repository/writer';
import { backupJson, runCli, TempHome } from '../helpers/cli';

jest.setTimeout(60_000);

function meta(name: string | Buffer): NodeMeta {
  return {
    name: Buffer.isBuffer(name) ? name : Buffer.from(name),
    mode: 0o644,
    uid: 0,
    gid: 0,
    user: '',
    group: '',
    mtimeNs: 1_700_000_000_000_000_000n,
    ctimeNs: 0n,
    dev: 0n,
    ino: 0n,
    nlink: 1,
  };
}

/** Writes a snapshot whose root holds `nodes`, as an attacker with the key (or a bug) could. */
async function craft(
  repo: Repository,
  build: (writer: RepositoryWriter) => Promise<TreeNode[]>,
): Promise<string> {
  const writer = new RepositoryWriter(repo);
  const root = await storeTree(writer, await build(writer));
  await writer.flush();
  const manifest = await commitBackup(repo, writer, {
    name: 'crafted',
    targetType: 'filesystem',
    backupType: 'full',
    parent: undefined,
    started: new Date(),
    content: {
      kind: 'tree',
      size: 0,
      files: 0,
      tree: root.parts.map((p) => p.toString('hex')),
      paths: ['/'],
    },
    checksumAlgorithm: 'sha256-tree',
    checksumValue: root.digest.toString('hex'),
    originalBytes: 0,
    tally: new ChunkTally(),
  });
  return manifest.id;
}

async function file(writer: RepositoryWriter, name: string | Buffer, text: string): Promise<TreeNode> {
  const data = Buffer.from(text);
  const id = writer.chunkId(data);
  await writer.put(id, data, PackClass.data);
  return {
    ...meta(name),
    type: 'file',
    size: data.length,
    content: { refs: [{ id, rawLength: data.length }] },
  };
}

async function dir(writer: RepositoryWriter, name: string | Buffer, nodes: TreeNode[]): Promise<TreeNode> {
  const { parts } = await storeTree(writer, nodes);
  return { ...meta(name), mode: 0o755, type: 'dir', size: 0, subtree: parts };
}

describe('restore never writes outside its target, whatever a manifest says', () => {
  const home = new TempHome('lifeboat-safety-');
  const outside = mkdtempSync(path.join(tmpdir(), 'lifeboat-outside-'));
  let repo: Repository;

  beforeAll(async () => {
    const seed = path.join(home.dir, 'seed');
    mkdirSync(seed);
    backupJson(await runCli(['backup', seed, '--name', 'seed', '--json'], { env: home.env }));
    repo = await openRepository(resolveSettings({}, home.env));
  });
  afterAll(() => {
    home.cleanup();
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses "..", names with "/", and a directory that would go through a symlink of the same name', async () => {
    const id = await craft(repo, async (w) => [
      await dir(w, '..', [await file(w, 'escaped-dotdot', 'pwned')]),
      await file(w, `../${path.basename(outside)}/escaped-slash`, 'pwned'),
      await file(w, Buffer.from(`${outside}/escaped-absolute`), 'pwned'),
      { ...meta('esc'), type: 'symlink', size: outside.length, target: Buffer.from(outside) },
      await dir(w, 'esc', [await file(w, 'through-link', 'pwned')]),
      await file(w, 'ok.txt', 'fine'),
    ]);
    const target = path.join(home.dir, 'target');
    const r = await runCli(['restore', id, '--target', target, '--json'], { env: home.env });
    expect(r.code).toBe(3); // restored, with warnings: not everything the manifest named
    const result = JSON.parse(r.stdout.toString()) as { refused: { path: string; problem: string }[] };
    const problems = result.refused.map((x) => x.problem).join('\n');
    expect(problems).toMatch(/name is "\.\." \(would escape the target\)/);
    expect(problems).toMatch(/contains "\/"/);
    expect(problems).toMatch(/second entry of the same name/);
    expect(r.stderr).toMatch(/refused: /);
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(path.join(path.dirname(target), 'escaped-dotdot'))).toBe(false);
    expect(readFileSync(path.join(target, 'ok.txt'), 'utf8')).toBe('fine');
    // The symlink came first in name order; the directory of the same name was refused, not followed.
    expect(lstatSync(path.join(target, 'esc')).isSymbolicLink()).toBe(true);
  });

  it('does not follow a symlink already in the target: --overwrite always replaces it with a real directory', async () => {
    const id = await craft(repo, async (w) => [await dir(w, 'docs', [await file(w, 'inside.txt', 'mine')])]);
    const target = path.join(home.dir, 'target-with-link');
    mkdirSync(target);
    symlinkSync(outside, path.join(target, 'docs'));

    const never = await runCli(['restore', id, '--target', target, '--overwrite', 'never', '--json'], {
      env: home.env,
    });
    expect(never.code).toBe(3);
    expect(readdirSync(outside)).toEqual([]);

    const always = await runCli(['restore', id, '--target', target, '--overwrite', 'always'], {
      env: home.env,
    });
    expect(always.code).toBe(0);
    expect(readdirSync(outside)).toEqual([]);
    expect(lstatSync(path.join(target, 'docs')).isDirectory()).toBe(true);
    expect(readFileSync(path.join(target, 'docs', 'inside.txt'), 'utf8')).toBe('mine');
  });
});
