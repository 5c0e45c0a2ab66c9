import { resolve } from 'node:path';
import { walFetch, walPush } from '../../functions/core/services/wal-archive';
import { asRepositoryWriter } from '../../functions/core/services/workflows/backup-steps';
import { newUlid } from '../../functions/repository/ids';
import { say, type GlobalOptions } from './output';
import { withSystem } from './with-system';

interface WalOptions extends GlobalOptions {
  target: string;
}

/**
 * PostgreSQL's archive_command: `lifeboat wal-push %p --target NAME`. Exit 0 only once the file
 * is in the repository (or was already, unchanged): PostgreSQL keeps the file and retries
 * otherwise.
 */
export function runWalPush(file: string, options: WalOptions): Promise<void> {
  return withSystem(options, async ({ ctx }) => {
    const repo = await ctx.repository();
    const id = newUlid(Date.now());
    const result = await asRepositoryWriter(ctx, id, () => walPush(repo, options.target, resolve(file), id));
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else say(`${result.file} ${result.stored ? 'archived' : 'was already archived'}.`);
  });
}

/**
 * PostgreSQL's restore_command: `lifeboat wal-fetch %f %p --target NAME`. Exit 1 when the
 * archive does not hold the file, which is how recovery learns it has reached the end.
 */
export function runWalFetch(name: string, dest: string, options: WalOptions): Promise<void> {
  return withSystem(
    options,
    async ({ ctx }) => {
      const found = await walFetch(await ctx.repository(), options.target, name, resolve(dest));
      if (!found) {
        say(`${name} is not in the archive of "${options.target}".`);
        process.exitCode = 1;
      }
    },
    { requireRepository: true },
  );
}
