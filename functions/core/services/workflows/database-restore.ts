import { z } from 'zod';
import type { Repository } from '../../../repository/repository';
import type { SnapshotManifest } from '../../../repository/snapshot';
import { resolveCredential, type ResolvedCredential } from '../../../sources/database/credentials';
import { databaseStrategy } from '../../../sources/database/strategies';
import type {
  DatabaseSourceInfo,
  DatabaseStrategy,
  RestoredDatabase,
} from '../../../sources/database/strategy';
import { InputNotNeeded } from '../../../sources/database/tool';
import { compareTableStats, isSelected, type TableDifference } from '../../../sources/database/table-stats';
import { InputError } from '../../errors';
import {
  DatabaseConnectionSchema,
  DATABASE_KINDS,
  isDatabaseConfig,
  type DatabaseConnection,
  type DatabaseKind,
} from '../../model/target';
import type { ServiceContext } from '../context';
import { restoreStream } from '../restore-stream';

/** Where a database backup is restored to (the seed's recovery_jobs.target_config). */
export const DatabaseRestoreTargetSchema = z.object({
  kind: z.literal('database'),
  /** The database to create (or, with overwrite, replace); partial restores may go into an existing one. */
  database: z.string().min(1).max(63),
  /** Another server than the backup's; absent: the backup's own server and credential. */
  connection: DatabaseConnectionSchema.optional(),
  overwrite: z.boolean().default(false),
  schemas: z.array(z.string().min(1)).default([]),
  tables: z.array(z.string().min(1)).default([]),
});
export type DatabaseRestoreTarget = z.output<typeof DatabaseRestoreTargetSchema>;

/** A database backup's strategy and recorded source, or why the backup is not one. */
export function databaseBackupOf(manifest: SnapshotManifest): {
  strategy: DatabaseStrategy;
  info: DatabaseSourceInfo;
} {
  const kind = manifest.source?.kind;
  if (!kind || !(DATABASE_KINDS as readonly string[]).includes(kind))
    throw new InputError(
      `Backup ${manifest.id} is ${manifest.content.kind === 'tree' ? 'a file tree' : 'a stream'}, not a database dump.`,
      manifest.content.kind === 'tree'
        ? 'Restore it into a directory with --target DIR.'
        : 'Restore it with --stdout.',
    );
  const strategy = databaseStrategy(kind as DatabaseKind);
  return { strategy, info: strategy.sourceInfo(manifest.source) };
}

/** What an engine's connection needs beyond the common fields (MongoDB's authentication database). */
function engineExtras(from: unknown): Record<string, string> {
  const auth = (from as { auth_database?: unknown } | null)?.auth_database;
  return typeof auth === 'string' ? { auth_database: auth } : {};
}

/**
 * The server a restore goes to: the one asked for, else the backup's own, with the credential
 * reference of its target (still in the catalog) or of the backup's record; a backup known
 * only from the repository connects without a password.
 */
async function restoreConnection(
  ctx: ServiceContext,
  manifest: SnapshotManifest,
  info: DatabaseSourceInfo,
  target: DatabaseRestoreTarget,
): Promise<DatabaseConnection> {
  if (target.connection) return target.connection;
  const fromTarget = (await ctx.catalog.getTarget(manifest.name))?.target_config;
  const fromRecord = (
    (await ctx.catalog.getBackup(manifest.id))?.metadata as { source?: { kind?: string } } | null
  )?.source;
  for (const config of [fromTarget, fromRecord]) {
    const parsed = DatabaseConnectionSchema.safeParse(config);
    if (config && isDatabaseConfig(config as { kind: string }) && parsed.success) {
      const same = parsed.data.host === info.server.host && parsed.data.port === info.server.port;
      if (same) return { ...parsed.data, ...engineExtras(config) };
    }
  }
  return { ...DatabaseConnectionSchema.parse({ ...info.server }), ...engineExtras(info) };
}

/** A database backup's strategy and recorded source, with the server and credential to use. */
interface Connected {
  strategy: DatabaseStrategy;
  info: DatabaseSourceInfo;
  conn: DatabaseConnection;
  credential: ResolvedCredential;
}

async function connect(
  ctx: ServiceContext,
  manifest: SnapshotManifest,
  target: DatabaseRestoreTarget,
): Promise<Connected> {
  const { strategy, info } = databaseBackupOf(manifest);
  const conn = await restoreConnection(ctx, manifest, info, target);
  return { strategy, info, conn, credential: await resolveCredential(conn.password, ctx.secrets) };
}

/** Validate: the backup is a dump and the database may be created (or replaced) there. */
export async function validateDatabaseRestore(
  ctx: ServiceContext,
  manifest: SnapshotManifest,
  target: DatabaseRestoreTarget,
): Promise<void> {
  const { strategy, conn, credential } = await connect(ctx, manifest, target);
  await strategy.checkRestore(conn, credential, target);
}

/** Restore: the dump, read and checked chunk by chunk, into the engine's restore tool. */
export async function runDatabaseRestore(
  ctx: ServiceContext,
  repo: Repository,
  manifest: SnapshotManifest,
  target: DatabaseRestoreTarget,
  jobId: string,
  onProgress: (bytes: number) => void,
): Promise<RestoredDatabase & { bytes: number; checksum: string | null }> {
  return restoreConnected(await connect(ctx, manifest, target), repo, manifest, target, jobId, onProgress);
}

async function restoreConnected(
  { strategy, info, conn, credential }: Connected,
  repo: Repository,
  manifest: SnapshotManifest,
  target: DatabaseRestoreTarget,
  jobId: string,
  onProgress: (bytes: number) => void,
): Promise<RestoredDatabase & { bytes: number; checksum: string | null }> {
  let written = 0;
  let streamed: { bytes: number; checksum: string | null } | undefined;
  const restored = await strategy.restore(conn, credential, info, { ...target, jobId }, async (sink) => {
    try {
      streamed = await restoreStream(repo, manifest, sink, {
        onProgress: (bytes) => onProgress((written = bytes)),
      });
    } catch (error) {
      // A partial restore's tool may stop reading once it has what was chosen: the chunks it
      // read were verified; the tables are checked against their checksums afterwards.
      if (!(error instanceof InputNotNeeded)) throw error;
      streamed = { bytes: written, checksum: null };
    }
  });
  return { ...restored, ...streamed! };
}

/**
 * Validate the recovery: every restored table's row count and checksum against those recorded
 * when the backup was made.
 */
export async function checkRestoredDatabase(
  ctx: ServiceContext,
  manifest: SnapshotManifest,
  target: DatabaseRestoreTarget,
): Promise<{ tables_checked: number; problems: TableDifference[] }> {
  return checkConnected(await connect(ctx, manifest, target), target);
}

async function checkConnected(
  { strategy, info, conn, credential }: Connected,
  target: DatabaseRestoreTarget,
): Promise<{ tables_checked: number; problems: TableDifference[] }> {
  const expected = info.tables.filter((t) => isSelected(t, target));
  const actual = await strategy.tableStats(conn, credential, target.database, target);
  // A MySQL backup without the RELOAD privilege read its checksums beside the dump: say so.
  const beside = (info as { checksums_in_dump_snapshot?: boolean }).checksums_in_dump_snapshot === false;
  const problems = compareTableStats(expected, actual).map((p) =>
    beside
      ? {
          ...p,
          problem: `${p.problem} (the checksums were read beside the dump, not in its snapshot: a write during the backup can explain this)`,
        }
      : p,
  );
  return { tables_checked: expected.length, problems };
}

/** Whether a snapshot is a database dump that a strategy can restore. */
export function isDatabaseBackup(manifest: SnapshotManifest): boolean {
  return (DATABASE_KINDS as readonly string[]).includes(manifest.source?.kind ?? '');
}

/**
 * A restore test for a database dump: restored into a throwaway database on the backup's own
 * server, its tables compared with the checksums recorded at backup, then dropped.
 */
export async function databaseRestoreTest(
  ctx: ServiceContext,
  repo: Repository,
  manifest: SnapshotManifest,
  verificationId: string,
): Promise<{ ok: boolean; details: Record<string, unknown> }> {
  const scratch = `lifeboat_verify_${verificationId.toLowerCase()}`;
  const target = DatabaseRestoreTargetSchema.parse({ kind: 'database', database: scratch });
  // One connection setup (catalog lookups, perhaps a Secrets Manager read) for all three steps.
  const connected = await connect(ctx, manifest, target);
  const { strategy, conn, credential } = connected;
  try {
    const restored = await restoreConnected(
      connected,
      repo,
      manifest,
      target,
      verificationId,
      () => undefined,
    );
    const check = await checkConnected(connected, target);
    return {
      ok: check.problems.length === 0 && restored.checksum === manifest.checksum_value,
      details: {
        database: scratch,
        server: `${conn.host}:${conn.port}`,
        bytes_restored: restored.bytes,
        tables_checked: check.tables_checked,
        problems: check.problems,
      },
    };
  } finally {
    await strategy.dropDatabase(conn, credential, scratch).catch(() => undefined);
  }
}
