import { isatty } from 'node:tty';
import { FdSink } from '../../functions/adapters/local/fd-sink';
import { InputError } from '../../functions/core/errors';
import { restoreStream } from '../../functions/core/services/restore-stream';
import { openLocalRepository, resolveSettings } from '../../functions/local/home';
import { formatBytes, say, type GlobalOptions } from './output';
import { ByteProgress } from './progress';

interface RestoreOptions extends GlobalOptions {
  stdout?: boolean;
}

export async function runRestore(reference: string, options: RestoreOptions): Promise<void> {
  if (!options.stdout) {
    throw new InputError(
      'Where to? Nothing restored.',
      'Pass --stdout to write the backed-up stream to standard output, e.g. `lifeboat restore latest:db --stdout | psql db`.',
    );
  }
  if (isatty(1)) {
    throw new InputError(
      'Standard output is a terminal: the restored bytes would be written to the screen.',
      'Redirect or pipe it, e.g. `lifeboat restore latest:db --stdout > db.sql`.',
    );
  }
  const repository = await openLocalRepository(resolveSettings(options));
  const manifest = await repository.resolveSnapshot(reference);
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
