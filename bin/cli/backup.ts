import { basename, resolve } from 'node:path';
import { isatty } from 'node:tty';
import { readReusing } from '../../functions/adapters/local/fd-source';
import { ExitCode, InputError } from '../../functions/core/errors';
import { backupStream, validateBackupName } from '../../functions/core/services/backup-stream';
import { openOrInitLocalRepository, resolveSettings } from '../../functions/local/home';
import type { Repository } from '../../functions/repository/repository';
import type { BackupType, SnapshotManifest } from '../../functions/repository/snapshot';
import { readExcludeFile } from '../../functions/sources/filesystem/exclude';
import { backupTree } from '../../functions/sources/filesystem/backup';
import { scanTreeSize } from '../../functions/sources/filesystem/scan';
import { announceNewRepository } from './init';
import { count, formatBytes, printJson, say, type GlobalOptions } from './output';
import { ByteProgress, TreeProgress } from './progress';

interface BackupOptions extends GlobalOptions {
  stdin?: boolean;
  name?: string;
  type: BackupType;
  exclude: string[];
  excludeFile: string[];
  oneFileSystem?: boolean;
  strict?: boolean;
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
  if (options.stdin && paths.length > 0) {
    throw new InputError(
      'Give either paths or --stdin, not both.',
      'Back up files with `lifeboat backup PATH...`, a stream with `--stdin --name NAME`.',
    );
  }
  if (!options.stdin && paths.length === 0) {
    throw new InputError(
      'Nothing to back up.',
      'Name paths (`lifeboat backup /srv/data`) or pipe a stream with --stdin (`pg_dump db | lifeboat backup --stdin --name db`).',
    );
  }
  if (options.stdin) return runStreamBackup(options);
  const name = options.name ?? defaultName(paths);
  // Before anything is created: a typo must not leave a new repository and key behind.
  validateBackupName(name);
  const excludes = [...options.exclude, ...options.excludeFile.flatMap(readExcludeFile)];
  const repository = await openRepository(options);
  const progress = new TreeProgress('backup');
  let finished = false;
  // The total for the ETA: counted beside the backup, only when a person watches.
  if (progress.visible) {
    void scanTreeSize(paths, excludes, () => finished).then((bytes) => {
      if (!finished) progress.setTotal(bytes);
    });
  }
  let result;
  try {
    result = await backupTree(repository, {
      paths,
      name,
      backupType: options.type,
      excludes,
      oneFileSystem: options.oneFileSystem,
      strict: options.strict,
      onProgress: (p) => progress.update(p.files, p.bytes),
    });
  } finally {
    finished = true;
    progress.stop();
  }
  const m = result.manifest;
  noticeType(result.requestedType, m);
  const t = m.stats.tree!;
  for (const w of result.warnings) say(`warning: ${w.path}: ${w.problem}`);
  for (const s of result.skipped) say(`skipped: ${s.path}: ${s.problem}`);
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
  };
  if (options.json) {
    printJson(summary);
  } else {
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

async function openRepository(options: BackupOptions): Promise<Repository> {
  const settings = resolveSettings(options);
  const { repository, created } = await openOrInitLocalRepository(settings);
  if (created) announceNewRepository(settings, repository.config.repo_id, created.keyFileCreated);
  return repository;
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
  const repository = await openRepository(options);
  const progress = new ByteProgress('backup');
  const source = readReusing(0);
  let result;
  try {
    result = await backupStream(repository, source, {
      name,
      backupType: options.type,
      onProgress: (bytes) => progress.update(bytes),
    });
  } finally {
    progress.stop();
  }
  const m = result.manifest;
  noticeType(result.requestedType, m);
  if (options.json) {
    printJson({ ...commonSummary(m), duration_ms: result.durationMs });
  } else {
    say(
      `Backup ${m.id} of "${m.name}" (${m.backup_type}) completed: ${formatBytes(m.stats.original_size_bytes)} read, ` +
        `${formatBytes(m.stats.final_size_bytes)} stored; ${m.stats.chunks_new} new and ${m.stats.chunks_reused} reused chunks; ` +
        `${(result.durationMs / 1000).toFixed(1)} s.`,
    );
    process.stdout.write(`${m.id}\n`);
  }
}
