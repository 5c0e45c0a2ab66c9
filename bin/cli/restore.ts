import { isatty } from 'node:tty';
import { FdSink } from '../../functions/adapters/local/fd-sink';
import { InputError } from '../../functions/core/errors';
import { restoreStream } from '../../functions/core/services/restore-stream';
import { openLocalRepository, resolveSettings } from '../../functions/local/home';
import type { Repository } from '../../functions/repository/repository';
import type { SnapshotManifest } from '../../functions/repository/snapshot';
import { restoreTree, type OverwriteMode } from '../../functions/sources/filesystem/restore';
import { count, formatBytes, printJson, say, type GlobalOptions } from './output';
import { ByteProgress, TreeProgress } from './progress';

interface RestoreOptions extends GlobalOptions {
  stdout?: boolean;
  target?: string;
  include: string[];
  exclude: string[];
  overwrite?: OverwriteMode;
  delete?: boolean;
}

export async function runRestore(reference: string, options: RestoreOptions): Promise<void> {
  if (options.stdout && options.target) {
    throw new InputError(
      'Give either --stdout or --target, not both.',
      '--stdout is for stream backups, --target DIR for file backups.',
    );
  }
  if (!options.stdout && !options.target) {
    throw new InputError(
      'Where to? Nothing restored.',
      'Pass --target DIR for a file backup (`lifeboat restore latest:home --target /tmp/home`), or --stdout for a stream (`lifeboat restore latest:db --stdout | psql db`).',
    );
  }
  const repository = await openLocalRepository(resolveSettings(options));
  const manifest = await repository.resolveSnapshot(reference);
  if (options.target) return restoreToDirectory(repository, manifest, options.target, options);
  return restoreToStdout(repository, manifest, options);
}

async function restoreToDirectory(
  repository: Repository,
  manifest: SnapshotManifest,
  target: string,
  options: RestoreOptions,
): Promise<void> {
  const total = manifest.content.kind === 'tree' ? manifest.content.size : undefined;
  const progress = new TreeProgress('restore', total);
  let result;
  try {
    result = await restoreTree(repository, manifest, {
      target,
      includes: options.include,
      excludes: options.exclude,
      overwrite: options.overwrite,
      delete: options.delete,
      onProgress: (files, bytes) => progress.update(files, bytes),
    });
  } finally {
    progress.stop();
  }
  for (const r of result.refused) say(`refused: ${r.path}: ${r.problem}`);
  if (options.json) {
    printJson({ id: manifest.id, name: manifest.name, target, ...result });
  } else {
    say(
      `Restored ${manifest.id} of "${manifest.name}" into ${target}: ${count(result.files_restored, 'file')} ` +
        `(${formatBytes(result.bytes_restored)}), ${count(result.dirs, 'directory', 'directories')}, ${count(result.symlinks, 'symlink')}, ` +
        `${count(result.hardlinks, 'hard link')}` +
        (result.files_unchanged ? `; ${result.files_unchanged} unchanged` : '') +
        (result.files_skipped ? `; ${result.files_skipped} existing left alone` : '') +
        (result.deleted ? `; ${result.deleted} extra entries deleted` : '') +
        `; ${(result.duration_ms / 1000).toFixed(1)} s.`,
    );
  }
  // Refused entries are a warning: the rest is restored, but not everything the manifest named.
  if (result.refused.length > 0) process.exitCode = 3;
}

async function restoreToStdout(
  repository: Repository,
  manifest: SnapshotManifest,
  options: RestoreOptions,
): Promise<void> {
  if (isatty(1)) {
    throw new InputError(
      'Standard output is a terminal: the restored bytes would be written to the screen.',
      'Redirect or pipe it, e.g. `lifeboat restore latest:db --stdout > db.sql`.',
    );
  }
  const progress = new ByteProgress('restore', manifest.content.size);
  const sink = new FdSink(1);
  const started = Date.now();
  let result;
  try {
    result = await restoreStream(repository, manifest, sink, {
      onProgress: (bytes) => progress.update(bytes),
    });
  } finally {
    progress.stop();
  }
  const summary = {
    id: manifest.id,
    name: manifest.name,
    restored_bytes: result.bytes,
    checksum_value: result.checksum,
    duration_ms: Date.now() - started,
  };
  // stdout carries the data, so the summary goes to stderr even with --json.
  if (options.json) process.stderr.write(`${JSON.stringify(summary)}\n`);
  else say(`Restored ${manifest.id} of "${manifest.name}": ${formatBytes(result.bytes)}, checksum verified.`);
}
