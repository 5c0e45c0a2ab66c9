import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { Repository } from '../../repository/repository';
import type { SnapshotManifest } from '../../repository/snapshot';
import { ToolProcess } from '../../sources/database/tool';
import { PostgresBaseInfoSchema, type PostgresBaseInfo } from '../../sources/postgres/physical/source-info';
import { InputError } from '../errors';
import { restoreStream } from './restore-stream';
import { archivedWal } from './wal-archive';

/** Where a PostgreSQL base backup is restored to: a new data directory (recovery_jobs.target_config). */
export const DataDirectoryTargetSchema = z.object({
  kind: z.literal('data-directory'),
  path: z.string().min(1),
});
export type DataDirectoryTarget = z.infer<typeof DataDirectoryTargetSchema>;

export function baseBackupOf(manifest: SnapshotManifest): PostgresBaseInfo {
  if (manifest.source?.kind !== 'postgres-base')
    throw new InputError(
      `Backup ${manifest.id} is not a PostgreSQL base backup.`,
      'Point-in-time recovery starts from a backup of a target added with --mode physical.',
    );
  return PostgresBaseInfoSchema.parse(manifest.source);
}

/** A segment's position in the WAL (timeline aside): 16 MiB segments, 256 per "log" number. */
function segmentNumber(file: string): number {
  return parseInt(file.slice(8, 16), 16) * 0x100 + parseInt(file.slice(16, 24), 16);
}

export interface WalRange {
  /** The earliest time the backup can be recovered to: when it ended. */
  from: string;
  /** The last commit in the archive without a gap after the backup's first segment; null if none yet. */
  to: string | null;
  segments: number;
}

/** What the target's WAL archive lets this base backup recover to. */
export async function walRange(repo: Repository, base: PostgresBaseInfo): Promise<WalRange> {
  const start = segmentNumber(base.start_wal_file);
  const bySegment = new Map<number, string | null>();
  for (const { info } of await archivedWal(repo, base.target)) {
    if (info.file.length !== 24 || parseInt(info.file.slice(0, 8), 16) < base.timeline) continue;
    const n = segmentNumber(info.file);
    if (n < start) continue;
    const last = info.last_commit_at;
    const known = bySegment.get(n);
    if (known === undefined || (last !== null && (known === null || Date.parse(last) > Date.parse(known))))
      bySegment.set(n, last);
  }
  let to: string | null = null;
  let n = start;
  for (; bySegment.has(n); n++) {
    const last = bySegment.get(n)!;
    if (last !== null && (to === null || Date.parse(last) > Date.parse(to))) to = last;
  }
  return { from: base.ended_at, to, segments: n - start };
}

/** Refuses a recovery time outside what the archive covers, naming the range that is there. */
export function checkPointInTime(base: PostgresBaseInfo, range: WalRange, at: string): void {
  const time = Date.parse(at);
  const covered = range.to !== null && time >= Date.parse(range.from) && time <= Date.parse(range.to);
  if (!covered)
    throw new InputError(
      range.to === null
        ? `No WAL after base backup of "${base.target}" is archived yet: it can be recovered only to its end (${range.from}), not to ${at}.`
        : `No WAL covers ${at}: with this base backup, the archive of "${base.target}" reaches from ${range.from} to ${range.to}.`,
      'Pick a time in that range, or another base backup (`lifeboat backups --target NAME`); check that archive_command runs `lifeboat wal-push`.',
    );
}

/** A value in postgresql.conf: single quotes, doubled inside. */
function confString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Unpacks a base backup into a new data directory and sets it up to recover: recovery.signal,
 * a restore_command that fetches WAL from the archive, and (when asked) the recovery target
 * time, after which the server promotes. Without a time it replays the whole archive.
 */
export async function restoreDataDirectory(
  repo: Repository,
  manifest: SnapshotManifest,
  dir: string,
  at: string | null,
  restoreCommand: string,
  onProgress: (bytes: number) => void,
): Promise<{ bytes: number }> {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
    throw new InputError(
      `${dir} is not empty.`,
      'A data directory is restored into a new or empty directory.',
    );
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const tar = new ToolProcess(
    {
      name: 'tar',
      command: 'tar',
      args: ['-x', '-f', '-', '-C', dir],
      env: { PATH: process.env.PATH },
      missingHint: 'Install tar (Debian: apt-get install tar).',
    },
    { stdin: true, stdout: false },
  );
  const { bytes } = await restoreStream(repo, manifest, tar.stdinSink(), { onProgress });
  fs.writeFileSync(path.join(dir, 'recovery.signal'), '');
  fs.appendFileSync(
    path.join(dir, 'postgresql.auto.conf'),
    [
      '',
      `# Lifeboat: recover base backup ${manifest.id}${at ? ` to ${at}` : ' to the end of the WAL archive'}`,
      `restore_command = ${confString(restoreCommand)}`,
      // PostgreSQL's timestamptz syntax: ISO 8601's T and Z are not accepted here.
      ...(at ? [`recovery_target_time = ${confString(at.replace('T', ' ').replace(/Z$/, '+00'))}`] : []),
      `recovery_target_action = 'promote'`,
      '',
    ].join('\n'),
  );
  return { bytes };
}
