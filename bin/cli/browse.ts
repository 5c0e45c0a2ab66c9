import { ChunkReader, loadChunkIndex } from '../../functions/repository/reader';
import { PackClass } from '../../functions/repository/pack';
import { openRepository, resolveSettings } from '../../functions/local/home';
import type { TreeNode } from '../../functions/repository/tree';
import { diffTrees, listSnapshot, rootParts } from '../../functions/sources/filesystem/browse';
import { shownName } from '../../functions/sources/filesystem/path-text';
import { printJson, type GlobalOptions } from './output';

interface LsOptions extends GlobalOptions {
  long?: boolean;
}

const TYPE_LETTER = { file: '-', dir: 'd', symlink: 'l' } as const;

function modeString(node: TreeNode): string {
  const bits = 'rwxrwxrwx';
  let out: string = TYPE_LETTER[node.type];
  for (let i = 0; i < 9; i++) out += node.mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

function isoTime(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** A path for JSON: text, plus the raw bytes when they are not valid UTF-8. */
function jsonPath(path: Buffer): { path: string; path_base64?: string } {
  const text = path.toString('utf8');
  return Buffer.from(text, 'utf8').equals(path)
    ? { path: text }
    : { path: text, path_base64: path.toString('base64') };
}

/** A symbolic link's target for JSON, as jsonPath: it is bytes too, kept verbatim by the backup. */
function jsonTarget(target: Buffer): { target: string; target_base64?: string } {
  const { path, path_base64 } = jsonPath(target);
  return path_base64 === undefined ? { target: path } : { target: path, target_base64: path_base64 };
}

export async function runLs(reference: string, start: string | undefined, options: LsOptions): Promise<void> {
  const repository = await openRepository(resolveSettings(options));
  const manifest = await repository.resolveSnapshot(reference);
  const reader = new ChunkReader(repository, await loadChunkIndex(repository, PackClass.meta));
  const entries: object[] = [];
  for await (const { path, node } of listSnapshot(reader, manifest, start)) {
    if (options.json) {
      entries.push({
        ...jsonPath(path),
        type: node.type,
        size: node.size,
        mode: node.mode,
        uid: node.uid,
        gid: node.gid,
        user: node.user || undefined,
        group: node.group || undefined,
        mtime: isoTime(node.mtimeNs),
        mtime_ns: node.mtimeNs.toString(),
        ...(node.type === 'symlink' ? jsonTarget(node.target) : {}),
      });
    } else if (options.long) {
      const owner = `${node.user || node.uid}/${node.group || node.gid}`;
      const link = node.type === 'symlink' ? ` -> ${shownName(node.target)}` : '';
      process.stdout.write(
        `${modeString(node)} ${owner.padEnd(12)} ${String(node.size).padStart(12)} ${isoTime(node.mtimeNs)} ` +
          `${shownName(path)}${link}\n`,
      );
    } else {
      process.stdout.write(`${shownName(path)}\n`);
    }
  }
  if (options.json) printJson(entries);
}

const MARK = { added: '+', removed: '-', changed: 'M' } as const;

export async function runDiff(first: string, second: string, options: GlobalOptions): Promise<void> {
  const repository = await openRepository(resolveSettings(options));
  const older = await repository.resolveSnapshot(first);
  const newer = await repository.resolveSnapshot(second);
  const reader = new ChunkReader(repository, await loadChunkIndex(repository, PackClass.meta));
  const result = { added: [] as object[], removed: [] as object[], changed: [] as object[] };
  for await (const change of diffTrees(reader, rootParts(older), rootParts(newer))) {
    if (options.json) {
      result[change.kind].push(
        change.what ? { ...jsonPath(change.path), what: change.what } : jsonPath(change.path),
      );
    } else {
      const suffix = change.what ? `  (${change.what.join(', ')})` : '';
      process.stdout.write(`${MARK[change.kind]} ${shownName(change.path)}${suffix}\n`);
    }
  }
  if (options.json) printJson({ from: older.id, to: newer.id, ...result });
}
