import { isatty } from 'node:tty';
import { readReusing } from '../../functions/adapters/local/fd-source';
import { InputError } from '../../functions/core/errors';
import { backupStream, validateBackupName } from '../../functions/core/services/backup-stream';
import { openOrInitLocalRepository, resolveSettings } from '../../functions/local/home';
import type { BackupType } from '../../functions/repository/snapshot';
import { announceNewRepository } from './init';
import { formatBytes, printJson, say, type GlobalOptions } from './output';
import { ByteProgress } from './progress';

interface BackupOptions extends GlobalOptions {
  stdin?: boolean;
  name: string;
  type: BackupType;
}

export async function runBackup(options: BackupOptions): Promise<void> {
  if (!options.stdin) {
    throw new InputError(
      'Nothing to back up.',
      'Pass --stdin and pipe the data in, e.g. `pg_dump db | lifeboat backup --stdin --name db`.',
    );
  }
  // isatty, not process.stdin: touching process.stdin makes fd 0 non-blocking, and reads then fail with EAGAIN.
  if (isatty(0)) {
    throw new InputError(
      '--stdin is a terminal, not a stream of data.',
      'Pipe the data in, e.g. `tar -c dir | lifeboat backup --stdin --name dir`.',
    );
  }
  // Before anything is created: a typo must not leave a new repository and key behind.
  validateBackupName(options.name);
  const settings = resolveSettings(options);
  const { repository, created } = await openOrInitLocalRepository(settings);
  if (created) announceNewRepository(settings, repository.config.repo_id, created.keyFileCreated);

  const progress = new ByteProgress('backup');
  const source = readReusing(0);
  let result;
  try {
    result = await backupStream(repository, source, {
      name: options.name,
      backupType: options.type,
      onProgress: (bytes) => progress.update(bytes),
    });
  } finally {
    progress.stop();
  }
  const m = result.manifest;
  if (result.requestedType !== m.backup_type) {
    say(
      `No earlier ${result.requestedType === 'differential' ? 'full ' : ''}backup of "${m.name}": this one is a full backup.`,
    );
  }
  const summary = {
    id: m.id,
    name: m.name,
    backup_type: m.backup_type,
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
    duration_ms: result.durationMs,
  };
  if (options.json) {
    printJson(summary);
  } else {
    say(
      `Backup ${m.id} of "${m.name}" (${m.backup_type}) completed: ${formatBytes(m.stats.original_size_bytes)} read, ` +
        `${formatBytes(m.stats.final_size_bytes)} stored; ${m.stats.chunks_new} new and ${m.stats.chunks_reused} reused chunks; ` +
        `${(result.durationMs / 1000).toFixed(1)} s.`,
    );
    process.stdout.write(`${m.id}\n`);
  }
}
