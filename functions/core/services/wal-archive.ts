import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, LifeboatError } from '../errors';
import type { ByteSink } from '../ports/byte-sink';
import { backupStream } from './backup-stream';
import { restoreStream } from './restore-stream';
import type { Repository } from '../../repository/repository';
import type { SnapshotManifest } from '../../repository/snapshot';
import {
  PostgresWalInfoSchema,
  walArchiveName,
  type PostgresWalInfo,
} from '../../sources/postgres/physical/source-info';
import { walCommitTimes } from '../../sources/postgres/physical/wal';

const WAL_FILE = /^[0-9A-F]{8}([0-9A-F]{16}(\.[0-9A-F]{8}\.backup|\.partial)?|\.history)$/;

/** The archived WAL files of a target, oldest first, with their manifests. */
export async function archivedWal(
  repo: Repository,
  target: string,
): Promise<{ manifest: SnapshotManifest; info: PostgresWalInfo }[]> {
  const name = walArchiveName(target);
  return (await repo.listSnapshots())
    .filter((m) => m.name === name && m.source?.kind === 'postgres-wal')
    .map((manifest) => ({ manifest, info: PostgresWalInfoSchema.parse(manifest.source) }));
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/**
 * Archives one WAL file (PostgreSQL's archive_command, `lifeboat wal-push %p`): stored as a
 * snapshot of `<target>.wal` whose source names the file. Archiving the same file again is a
 * success (PostgreSQL retries); a different file under an archived name is refused, as the
 * PostgreSQL documentation asks of an archive command.
 */
export async function walPush(
  repo: Repository,
  target: string,
  file: string,
  snapshotId: string,
): Promise<{ stored: boolean; file: string }> {
  const name = path.basename(file);
  if (!WAL_FILE.test(name))
    throw new InputError(
      `${name} is not a WAL file name.`,
      "Use `lifeboat wal-push %p --target NAME` as PostgreSQL's archive_command.",
    );
  const sha256 = await sha256File(file);
  const existing = (await archivedWal(repo, target)).find((w) => w.info.file === name);
  if (existing) {
    if (existing.info.sha256 === sha256) return { stored: false, file: name };
    throw new LifeboatError(
      'WAL_CONFLICT',
      `WAL file ${name} of "${target}" is already archived with other contents.`,
      'Two clusters archive under one target name, or the cluster was restored without a new timeline: give each cluster its own target.',
    );
  }
  const commits = name.length === 24 ? await walCommitTimes(file) : { first: null, last: null };
  await backupStream(repo, fs.createReadStream(file), {
    name: walArchiveName(target),
    backupType: 'full',
    targetType: 'database',
    snapshotId,
    parentId: null,
    describeSource: async () => ({
      kind: 'postgres-wal',
      target,
      file: name,
      sha256,
      first_commit_at: commits.first,
      last_commit_at: commits.last,
    }),
  });
  return { stored: true, file: name };
}

function fileSink(file: string): ByteSink {
  const out = fs.createWriteStream(file, { mode: 0o600 });
  return {
    write: (data) =>
      new Promise((resolve, reject) => {
        out.write(data, (error) => (error ? reject(error) : resolve()));
      }),
    end: () =>
      new Promise((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      ),
    abort: async () => {
      out.destroy();
      fs.rmSync(file, { force: true });
    },
  };
}

/**
 * Restores one archived WAL file to `dest` (PostgreSQL's restore_command, `lifeboat wal-fetch
 * %f %p`), checked against the repository's checksums; false when the archive does not have it
 * (PostgreSQL then knows it has reached the end of the archive).
 */
export async function walFetch(
  repo: Repository,
  target: string,
  name: string,
  dest: string,
): Promise<boolean> {
  const found = (await archivedWal(repo, target)).find((w) => w.info.file === name);
  if (!found) return false;
  const partial = `${dest}.lifeboat-partial`;
  await restoreStream(repo, found.manifest, fileSink(partial));
  fs.renameSync(partial, dest);
  return true;
}

/** A word for a POSIX shell: single quotes, with embedded ones closed and escaped. */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * PostgreSQL's restore_command for a target's archive: this Lifeboat (the same Node and CLI
 * script), the same home and repository. PostgreSQL runs it through its shell, so it is one
 * line with every part quoted; %f and %p are PostgreSQL's. A passphrase is never written into
 * it: a repository opened with LIFEBOAT_PASSPHRASE needs that variable in the server's
 * environment.
 */
export function walFetchCommand(
  target: string,
  repository: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const vars: [string, string][] = [
    ['LIFEBOAT_HOME', env.LIFEBOAT_HOME ?? path.join(os.homedir(), '.lifeboat')],
  ];
  for (const name of ['LIFEBOAT_KEY_FILE', 'LIFEBOAT_CATALOG']) if (env[name]) vars.push([name, env[name]!]);
  return [
    ...vars.map(([name, value]) => `${name}=${shellWord(value)}`),
    shellWord(process.execPath),
    shellWord(process.argv[1] ?? 'lifeboat'),
    'wal-fetch',
    '%f',
    '%p',
    '--target',
    shellWord(target),
    '--repo',
    shellWord(repository),
  ].join(' ');
}
