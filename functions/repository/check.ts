import type { ContentRef } from './content-list';
import type { SnapshotManifest, TreeContent } from './snapshot';
import { fileRefs, readTree, treeDigest } from './tree-io';
import { IntegrityError } from '../core/errors';
import { decodeContentList } from './content-list';
import { ChunkIdHasher } from './crypto';
import { readGenerationLinks } from './generations';
import type { IndexEntry } from './index-object';
import { packKey, storedPacks } from './pack';
import { openPack, type OpenedPack } from './pack-reader';
import { readAll } from './read';
import { ChunkIndex } from './chunk-index';
import { ChunkReader } from './reader';
import { Repository } from './repository';
import { verifyRecord } from './verify-record';

export interface CheckProblem {
  severity: 'error' | 'warning';
  object: string;
  offset?: number;
  problem: string;
}

export interface CheckReport {
  ok: boolean;
  problems: CheckProblem[];
  snapshots: number;
  indexes: number;
  packs: number;
  chunks: number;
  bytes_read: number;
}

export interface CheckOptions {
  readData?: boolean;
  onProgress?: (done: number, total: number) => void;
}

function describe(error: unknown, fallbackObject: string): CheckProblem {
  if (error instanceof IntegrityError)
    return { severity: 'error', object: error.object, offset: error.offset, problem: error.problem };
  return {
    severity: 'error',
    object: fallbackObject,
    problem: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Verifies the repository: every index, pack trailer and snapshot authenticates and agrees with
 * the others, and every chunk a snapshot names is indexed. With readData, every record of every
 * pack is also decrypted, decompressed and re-hashed against its id.
 */
export async function checkRepository(repo: Repository, options: CheckOptions = {}): Promise<CheckReport> {
  repo.assertReads('the repository');
  const problems: CheckProblem[] = [];
  const report: CheckReport = {
    ok: true,
    problems,
    snapshots: 0,
    indexes: 0,
    packs: 0,
    chunks: 0,
    bytes_read: 0,
  };

  // 0. Key slots: one damaged slot does not stop the repository from opening, so say so here.
  for (const slot of await Repository.readSlots(repo.store)) {
    if ('damage' in slot) problems.push(describe(slot.damage, slot.key));
  }
  // Key generation links (FORMAT.md §3.6): those up to the opening key's generation were opened
  // on the way in; a newer one is out of this key's reach, which the warning below says.
  for (const read of await readGenerationLinks(repo.store)) {
    if (read.damage) problems.push(describe(read.damage, read.key));
  }
  for (const damage of repo.dataKeyDamage) problems.push(describe(damage, damage.object));
  if (repo.keys.generation < repo.keys.latestGeneration)
    problems.push({
      severity: 'warning',
      object: 'generations/',
      problem: `opened with a key of generation ${repo.keys.generation}; the repository's keys were rotated to generation ${repo.keys.latestGeneration}, and what was written since cannot be read with this key`,
    });

  // 1. Indexes.
  const index = new ChunkIndex();
  const byPack = new Map<string, IndexEntry[]>();
  for (const id of await repo.indexIds()) {
    report.indexes++;
    let entries: IndexEntry[];
    try {
      entries = await repo.readIndex(id);
    } catch (error) {
      problems.push(describe(error, `index/${id}`));
      continue;
    }
    for (const entry of entries) {
      index.add(entry);
      const key = packKey(entry.packClass, entry.packId.toString('hex'));
      byPack.set(key, [...(byPack.get(key) ?? []), entry]);
    }
  }

  // 2. Packs: every stored pack opens; indexed ones agree with their trailer.
  const storedSizes = await storedPacks(repo.store);
  const stored = [...storedSizes.keys()];
  for (const key of byPack.keys()) {
    if (!storedSizes.has(key))
      problems.push({ severity: 'error', object: key, problem: 'pack named by the index is missing' });
  }
  const opened = new Map<string, OpenedPack>();
  let done = 0;
  for (const key of stored) {
    report.packs++;
    try {
      const pack = await openPack(repo.store, repo.keys, key);
      opened.set(key, pack);
      const indexed = byPack.get(key);
      if (!indexed) {
        problems.push({
          severity: 'warning',
          object: key,
          problem: 'pack is in no index (left by an interrupted backup; harmless)',
        });
      } else {
        for (const entry of indexed) {
          if (!pack.entries.agrees(entry)) {
            problems.push({
              severity: 'error',
              object: key,
              offset: entry.offset,
              problem: 'index entry disagrees with the pack trailer',
            });
          }
        }
      }
      if (options.readData && indexed) {
        report.bytes_read += await readPackData(repo, pack, problems);
      }
    } catch (error) {
      problems.push(describe(error, key));
    }
    options.onProgress?.(++done, stored.length);
  }

  // 3. Snapshots: each manifest opens and every chunk it names is indexed.
  const reader = new ChunkReader(repo, index);
  // Trees shared between snapshots (most of them, between backups of one tree) are read once.
  const seenTrees = new Set<string>();
  for (const id of await repo.snapshotIds()) {
    report.snapshots++;
    try {
      const manifest = await repo.loadSnapshot(id);
      const where = `snapshots/${id}`;
      const indexed = (ref: ContentRef) => {
        report.chunks++;
        if (!index.has(ref.id)) {
          problems.push({
            severity: 'error',
            object: where,
            problem: `names chunk ${ref.id.toString('hex')} that no index holds`,
          });
        }
      };
      if (manifest.content.kind === 'tree') {
        await checkTree(reader, manifest, manifest.content, seenTrees, indexed, (problem) =>
          problems.push({ severity: 'error', object: where, problem }),
        );
        continue;
      }
      const content = manifest.content;
      let size = 0;
      let count = 0;
      for (const hex of content.lists) {
        const refs = decodeContentList(await reader.read(Buffer.from(hex, 'hex')), `content list ${hex}`);
        for (const ref of refs) {
          count++;
          size += ref.rawLength;
          indexed(ref);
        }
      }
      if (size !== content.size || count !== content.chunk_count) {
        problems.push({
          severity: 'error',
          object: where,
          problem: `content lists hold ${count} chunks and ${size} bytes, the manifest says ${content.chunk_count} and ${content.size}`,
        });
      }
    } catch (error) {
      problems.push(describe(error, `snapshots/${id}`));
    }
  }
  report.ok = problems.every((p) => p.severity !== 'error');
  return report;
}

/**
 * Reads every tree of a snapshot (each part checked against its keyed id), checks the root
 * against the manifest's checksum and that every file's chunks add up to its size.
 */
async function checkTree(
  reader: ChunkReader,
  manifest: SnapshotManifest,
  content: TreeContent,
  seen: Set<string>,
  indexed: (ref: ContentRef) => void,
  problem: (text: string) => void,
): Promise<void> {
  const rootParts = content.tree.map((hex) => Buffer.from(hex, 'hex'));
  if ((await treeDigest(reader, rootParts)).toString('hex') !== manifest.checksum_value) {
    problem('root tree does not match the checksum in the manifest');
  }
  const pending: Buffer[][] = [rootParts];
  for (let parts = pending.pop(); parts; parts = pending.pop()) {
    const key = parts.map((p) => p.toString('hex')).join('');
    if (seen.has(key)) continue;
    seen.add(key);
    for (const part of parts) indexed({ id: part, rawLength: 0 });
    for (const node of await readTree(reader, parts)) {
      if (node.type === 'dir') pending.push(node.subtree);
      if (node.type !== 'file') continue;
      if ('lists' in node.content) for (const id of node.content.lists) indexed({ id, rawLength: 0 });
      let size = 0;
      for await (const ref of fileRefs(reader, node.content)) {
        size += ref.rawLength;
        indexed(ref);
      }
      if (size !== node.size) {
        problem(`file ${node.name.toString()} has chunks of ${size} bytes, its size is ${node.size}`);
      }
    }
  }
}

/** Decrypts, decompresses and re-hashes every record of a pack. Returns the bytes read. */
async function readPackData(repo: Repository, pack: OpenedPack, problems: CheckProblem[]): Promise<number> {
  const bytes = await readAll(repo.store, pack.key);
  const ids = new ChunkIdHasher(repo.keys.id);
  for (const entry of pack.entries.values()) {
    const record = bytes.subarray(entry.offset, entry.offset + entry.storedLength);
    const checked = verifyRecord(pack.header, entry, record, ids);
    if (checked.problem !== undefined) {
      problems.push({ severity: 'error', object: pack.key, offset: entry.offset, problem: checked.problem });
    }
  }
  return bytes.length;
}
