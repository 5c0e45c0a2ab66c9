import { IntegrityError } from '../core/errors';
import { decodeContentList } from './content-list';
import type { IndexEntry } from './index-object';
import { packKey } from './pack';
import { openPack, sameEntry, type OpenedPack } from './pack-reader';
import { readAll } from './read';
import { ChunkReader, type ChunkIndex } from './reader';
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

  // 1. Indexes.
  const index: ChunkIndex = new Map();
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
      const hex = entry.id.toString('hex');
      index.set(hex, [...(index.get(hex) ?? []), entry]);
      const key = packKey(entry.packClass, entry.packId.toString('hex'));
      byPack.set(key, [...(byPack.get(key) ?? []), entry]);
    }
  }

  // 2. Packs: every stored pack opens; indexed ones agree with their trailer.
  const stored: string[] = [];
  for (const prefix of ['data/', 'meta/'])
    for await (const info of repo.store.list(prefix)) stored.push(info.key);
  const storedSet = new Set(stored);
  for (const key of byPack.keys()) {
    if (!storedSet.has(key))
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
          const listed = pack.entries.get(entry.offset);
          if (!listed || !sameEntry(listed, entry)) {
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
  for (const id of await repo.snapshotIds()) {
    report.snapshots++;
    try {
      const manifest = await repo.loadSnapshot(id);
      let size = 0;
      let count = 0;
      for (const hex of manifest.content.lists) {
        const refs = decodeContentList(await reader.read(Buffer.from(hex, 'hex')), `content list ${hex}`);
        for (const ref of refs) {
          report.chunks++;
          count++;
          size += ref.rawLength;
          if (!index.has(ref.id.toString('hex'))) {
            problems.push({
              severity: 'error',
              object: `snapshots/${id}`,
              problem: `names chunk ${ref.id.toString('hex')} that no index holds`,
            });
          }
        }
      }
      if (size !== manifest.content.size || count !== manifest.content.chunk_count) {
        problems.push({
          severity: 'error',
          object: `snapshots/${id}`,
          problem: `content lists hold ${count} chunks and ${size} bytes, the manifest says ${manifest.content.chunk_count} and ${manifest.content.size}`,
        });
      }
    } catch (error) {
      problems.push(describe(error, `snapshots/${id}`));
    }
  }
  report.ok = problems.every((p) => p.severity !== 'error');
  return report;
}

/** Decrypts, decompresses and re-hashes every record of a pack. Returns the bytes read. */
async function readPackData(repo: Repository, pack: OpenedPack, problems: CheckProblem[]): Promise<number> {
  const bytes = await readAll(repo.store, pack.key);
  for (const entry of pack.entries.values()) {
    const record = bytes.subarray(entry.offset, entry.offset + entry.storedLength);
    const checked = verifyRecord(pack.header, entry, record, repo.keys.id);
    if (checked.problem !== undefined) {
      problems.push({ severity: 'error', object: pack.key, offset: entry.offset, problem: checked.problem });
    }
  }
  return bytes.length;
}
