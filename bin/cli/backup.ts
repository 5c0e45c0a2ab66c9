import { basename, resolve } from 'node:path';
import { isatty } from 'node:tty';
import { readReusing } from '../../functions/adapters/local/fd-source';
import { ExitCode, InputError, LifeboatError } from '../../functions/core/errors';
import {
  runBackup as runBackupStep,
  type BackupRequest,
  type RunBackupHooks,
} from '../../functions/core/services/workflows/backup-steps';
import { describeStepError } from '../../functions/core/services/workflows/step-failure';
import { STEPS } from '../../functions/core/services/workflows/steps';
import { LocalEngine, type ExecutionRecord } from '../../functions/local/engine';
import { localSystem } from '../../functions/local/system';
import { validateBackupName, type StreamBackupResult } from '../../functions/core/services/backup-stream';
import { resolveSettings } from '../../functions/local/home';
import type { BackupType, SnapshotManifest } from '../../functions/repository/snapshot';
import { readExcludeFile } from '../../functions/sources/filesystem/exclude';
import type { TreeBackupResult } from '../../functions/sources/filesystem/backup';
import { announceNewRepository } from './init';
import { count, formatBytes, printJson, say, sayPathProblems, type GlobalOptions } from './output';
import { replicasOf } from '../../functions/core/services/replication';
import { ByteProgress, TreeProgress } from './progress';
import { watchSteps } from './workflow';
import { withSystem } from './with-system';

interface BackupOptions extends GlobalOptions {
  stdin?: boolean;
  target?: string;
  name?: string;
  type: BackupType;
  exclude: string[];
  excludeFile: string[];
  oneFileSystem?: boolean;
  strict?: boolean;
  replicateTo: string[];
}

/** The default name of a one-path backup: its last component, made a valid name. */
function defaultName(paths: string[]): string {
  if (paths.length !== 1) {
    throw new InputError(
      'Several paths need a name for the backup.',
      'Pass --name NAME, e.g. `--name home`.',
    );
  }
  const base = basename(resolve(paths[0]!))
    .replace(/[^A-Za-z0-9._:@+-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '');
  return base || 'root';
}

export async function runBackup(paths: string[], options: BackupOptions): Promise<void> {
  if (options.stdin && (paths.length > 0 || options.target)) {
    throw new InputError(
      'Give either paths, --target or --stdin, not several.',
      'Back up files with `lifeboat backup PATH...`, a target with `--target NAME`, a stream with `--stdin --name NAME`.',
    );
  }
  if (options.target && (paths.length > 0 || options.name)) {
    throw new InputError(
      'A backup of a target takes its paths and name from the target.',
      'Run `lifeboat backup --target NAME`, or `lifeboat backup PATH... [--name NAME]` for paths that are not a target.',
    );
  }
  if (!options.stdin && !options.target && paths.length === 0) {
    throw new InputError(
      'Nothing to back up.',
      'Name paths (`lifeboat backup /srv/data`), a target (`--target web`) or pipe a stream with --stdin (`pg_dump db | lifeboat backup --stdin --name db`).',
    );
  }
  if (options.stdin) return runStreamBackup(options);
  if (options.target && (await targetKind(options)) !== 'filesystem')
    return runDumpBackup(options.target, options);
  const name = options.target ?? options.name ?? defaultName(paths);
  // Before anything is created: a typo must not leave a new repository and key behind.
  validateBackupName(name);
  const excludes = [...options.exclude, ...options.excludeFile.flatMap(readExcludeFile)];
  const progress = new TreeProgress('backup');
  let result: TreeBackupResult | undefined;
  const request: BackupRequest = {
    target: name,
    backup_type: options.type,
    strict: options.strict ?? false,
    replicas: options.replicateTo,
    ...(options.target
      ? {}
      : {
          source: {
            kind: 'filesystem',
            paths: paths.map((p) => resolve(p)),
            exclude: excludes,
            one_file_system: options.oneFileSystem ?? false,
          },
        }),
  };
  const storage = await runBackupWorkflow(options, request, progress, {
    onProgress: (files, bytes, total) => {
      if (total !== undefined) progress.setTotal(total);
      progress.update(files, bytes);
    },
    onResult: (r) => (result = r),
  });
  if (!result)
    throw new LifeboatError('WORKFLOW_FAILED', 'The backup step reported nothing.', 'This is a bug.');
  printTreeResult(result, options, storage);
}

/**
 * Runs the backup workflow in-process, with the CLI watching the Run step (progress, the full
 * result, a stream to read) and keeping the first error as thrown, for its message and exit code.
 */
async function runBackupWorkflow(
  options: BackupOptions,
  request: BackupRequest,
  progress: { stop(): void },
  hooks: RunBackupHooks,
): Promise<StorageSummary> {
  const settings = resolveSettings(options);
  const system = localSystem(settings);
  let failure: unknown;
  const steps = watchSteps(STEPS, (error) => (failure = error), {
    RunBackupFunctionArn: (ctx, input) => runBackupStep(ctx, input, hooks),
  });
  try {
    let execution;
    try {
      execution = await new LocalEngine(system.ctx, { steps }).run('backup', request);
    } finally {
      progress.stop();
      const created = system.created();
      if (created) announceNewRepository(settings, created.repository.config.repo_id, created.keyFileCreated);
    }
    if (execution.status !== 'SUCCEEDED') throw failure ?? workflowError(execution);
    const id = (execution.output as { prepared?: { backup_id?: string } } | undefined)?.prepared?.backup_id;
    const record = id ? await system.catalog.getBackup(id) : undefined;
    const failures = record?.storage_metadata?.replica_failures;
    return {
      backend: system.ctx.storage.backend,
      location: system.ctx.storage.location,
      // A local directory bills nothing per request; cloud stores count theirs.
      requests: system.ctx.storage.backend === 'local' ? null : settings.requests.snapshot(),
      replicas: replicasOf(record).map((r) => r.location),
      replica_failures: Array.isArray(failures) ? (failures as { location: string; error: string }[]) : [],
    };
  } finally {
    await system.close();
  }
}

/** Where the backup went, what the store was asked, and where copies went. */
interface StorageSummary {
  backend: string;
  location: string;
  requests: Record<string, number> | null;
  replicas: string[];
  replica_failures: { location: string; error: string }[];
}

/** The human part of the storage summary: copies made, copies that failed. */
function sayStorage(storage: StorageSummary): void {
  if (storage.replicas.length > 0) say(`Copied to ${storage.replicas.join(', ')} (verified there).`);
  for (const f of storage.replica_failures)
    say(
      `warning: the copy to ${f.location} failed: ${f.error} Retry it with \`lifeboat replicate ID --to ${f.location}\`.`,
    );
}

function workflowError(execution: ExecutionRecord): LifeboatError {
  return new LifeboatError(
    'WORKFLOW_FAILED',
    `The backup workflow ${execution.name} failed: ${describeStepError(execution.error)}`,
    'See `lifeboat backups --status failed` for the recorded error.',
  );
}

function printTreeResult(result: TreeBackupResult, options: BackupOptions, storage: StorageSummary): void {
  const m = result.manifest;
  noticeType(options.type, m);
  const t = m.stats.tree!;
  sayPathProblems('warning', result.warnings);
  sayPathProblems('skipped', result.skipped);
  const summary = {
    ...commonSummary(m),
    files_new: t.files_new,
    files_changed: t.files_changed,
    files_unmodified: t.files_unmodified,
    file_bytes_new: t.file_bytes_new,
    file_bytes_changed: t.file_bytes_changed,
    file_bytes_unmodified: t.file_bytes_unmodified,
    dirs: t.dirs,
    symlinks: t.symlinks,
    skipped: result.skipped,
    warnings: result.warnings,
    duration_ms: result.durationMs,
    storage,
  };
  if (options.json) {
    printJson(summary);
  } else {
    sayStorage(storage);
    say(
      `Backup ${m.id} of "${m.name}" (${m.backup_type}) completed: ` +
        `${t.files_new} new, ${t.files_changed} changed, ${t.files_unmodified} unmodified files ` +
        `(${formatBytes(m.stats.original_size_bytes)}), ${count(t.dirs, 'directory', 'directories')}; ` +
        `${formatBytes(m.stats.final_size_bytes)} stored; ${(result.durationMs / 1000).toFixed(1)} s.` +
        (result.warnings.length > 0 ? ` ${result.warnings.length} warning(s) above.` : ''),
    );
    process.stdout.write(`${m.id}\n`);
  }
  // Like restic: the snapshot is saved, but something was not backed up as it should be.
  if (result.warnings.length > 0) process.exitCode = ExitCode.warnings;
}

function noticeType(requested: BackupType, m: SnapshotManifest): void {
  if (requested !== m.backup_type) {
    say(
      `No earlier ${requested === 'differential' ? 'full ' : ''}backup of "${m.name}": this one is a full backup.`,
    );
  }
}

function commonSummary(m: SnapshotManifest) {
  return {
    id: m.id,
    name: m.name,
    backup_type: m.backup_type,
    target_type: m.target_type,
    parent_backup_id: m.parent_backup_id,
    status: 'completed',
    original_size_bytes: m.stats.original_size_bytes,
    compressed_size_bytes: m.stats.compressed_size_bytes,
    final_size_bytes: m.stats.final_size_bytes,
    chunks_new: m.stats.chunks_new,
    chunks_reused: m.stats.chunks_reused,
    bytes_new: m.stats.bytes_new,
    bytes_reused: m.stats.bytes_reused,
    checksum_algorithm: m.checksum_algorithm,
    checksum_value: m.checksum_value,
    started_at: m.started_at,
    completed_at: m.completed_at,
  };
}

/** The kind of a recorded target; undefined when there is none (the workflow reports that). */
function targetKind(options: BackupOptions): Promise<string | undefined> {
  return withSystem(
    options,
    async ({ catalog }) => (await catalog.getTarget(options.target!))?.target_config.kind,
  );
}

/** A database target: its dump streams through the workflow; the result is a stream's. */
async function runDumpBackup(target: string, options: BackupOptions): Promise<void> {
  const progress = new ByteProgress('backup');
  let result: StreamBackupResult | undefined;
  const storage = await runBackupWorkflow(
    options,
    { target, backup_type: options.type, strict: options.strict ?? false, replicas: options.replicateTo },
    progress,
    {
      onProgress: (_files, bytes) => progress.update(bytes),
      onStreamResult: (r) => (result = r),
    },
  );
  if (!result)
    throw new LifeboatError('WORKFLOW_FAILED', 'The backup step reported nothing.', 'This is a bug.');
  printStreamResult(result, options, storage);
}

function printStreamResult(
  result: StreamBackupResult,
  options: BackupOptions,
  storage: StorageSummary,
): void {
  const m = result.manifest;
  noticeType(options.type, m);
  const source = m.source as { tool?: { name: string; version: string }; tables?: unknown[] } | undefined;
  if (options.json) {
    printJson({
      ...commonSummary(m),
      ...(source ? { source: { ...source, tables: undefined }, tables: source.tables?.length ?? 0 } : {}),
      duration_ms: result.durationMs,
      storage,
    });
  } else {
    sayStorage(storage);
    say(
      `Backup ${m.id} of "${m.name}" (${m.backup_type}) completed: ${formatBytes(m.stats.original_size_bytes)} read` +
        (source?.tool
          ? ` from ${source.tool.name} (${count(source.tables?.length ?? 0, 'table')} checksummed)`
          : '') +
        `, ${formatBytes(m.stats.final_size_bytes)} stored; ${m.stats.chunks_new} new and ${m.stats.chunks_reused} reused chunks; ` +
        `${(result.durationMs / 1000).toFixed(1)} s.`,
    );
    process.stdout.write(`${m.id}\n`);
  }
}

async function runStreamBackup(options: BackupOptions): Promise<void> {
  if (options.name === undefined) {
    throw new InputError(
      'A stream backup needs --name NAME.',
      'Pass --name NAME, e.g. `pg_dump db | lifeboat backup --stdin --name db`.',
    );
  }
  const name = options.name;
  // isatty, not process.stdin: touching process.stdin makes fd 0 non-blocking, and reads then fail with EAGAIN.
  if (isatty(0)) {
    throw new InputError(
      '--stdin is a terminal, not a stream of data.',
      'Pipe the data in, e.g. `tar -c dir | lifeboat backup --stdin --name dir`.',
    );
  }
  validateBackupName(name);
  const progress = new ByteProgress('backup');
  let result: StreamBackupResult | undefined;
  const storage = await runBackupWorkflow(
    options,
    { target: name, backup_type: options.type, source: { kind: 'stream' }, replicas: options.replicateTo },
    progress,
    {
      stream: readReusing(0),
      onProgress: (_files, bytes) => progress.update(bytes),
      onStreamResult: (r) => (result = r),
    },
  );
  if (!result)
    throw new LifeboatError('WORKFLOW_FAILED', 'The backup step reported nothing.', 'This is a bug.');
  printStreamResult(result, options, storage);
}
