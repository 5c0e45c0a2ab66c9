import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import { lazySecretsManagerReader } from '../adapters/aws/secrets-manager/secret-reader';
import { SqliteRecordStore } from '../adapters/local/sqlite/record-store';
import type { Catalog } from '../core/ports/catalog';
import { RecordCatalog } from '../core/services/catalog/record-catalog';
import type { Actor, ServiceContext } from '../core/services/context';
import type { OwnFile } from '../sources/filesystem/own-files';
import type { Repository } from '../repository/repository';
import { LocalEventBus } from './event-bus';
import {
  openOrInitRepository,
  openRepository,
  storageContext,
  type InitResult,
  type LocalSettings,
} from './home';

/** Backups estimated above this size take the Fargate route (10 GiB; locally the same worker). */
const DEFAULT_FARGATE_THRESHOLD = 10 * 1024 ** 3;

export interface LocalSystem {
  ctx: ServiceContext;
  catalog: Catalog;
  events: LocalEventBus;
  /** Set when this run created the repository (and maybe its key file). */
  created(): InitResult | undefined;
  close(): Promise<void>;
}

function localActor(): Actor {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = `uid:${process.getuid?.() ?? 'unknown'}`;
  }
  return { user_id: user, ip_address: null, user_agent: 'lifeboat-cli' };
}

/**
 * The catalog file, one per repository (it indexes one): LIFEBOAT_HOME/catalog.db for the
 * default repository, LIFEBOAT_HOME/catalogs/<hash of its path>.db for one named with --repo.
 * LIFEBOAT_CATALOG names the file outright.
 */
export function catalogPath(settings: LocalSettings, env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIFEBOAT_CATALOG) return path.resolve(env.LIFEBOAT_CATALOG);
  if (settings.repoUrl === path.join(settings.home, 'repository'))
    return path.join(settings.home, 'catalog.db');
  const tag = createHash('sha256').update(settings.repoUrl).digest('hex').slice(0, 16);
  return path.join(settings.home, 'catalogs', `${tag}.db`);
}

/**
 * The repository when it is a directory here, the catalog's database with its journals, and the
 * key file (see OwnFiles: left out of file backups, left alone by restores).
 */
function ownFilesOf(settings: LocalSettings, env: NodeJS.ProcessEnv): OwnFile[] {
  const catalog = catalogPath(settings, env);
  return [
    ...(settings.repo.backend === 'local'
      ? [{ path: settings.repo.path, what: "Lifeboat's repository" }]
      : []),
    ...['', '-wal', '-shm', '-journal'].map((suffix) => ({
      path: catalog + suffix,
      what: "Lifeboat's catalog",
    })),
    { path: settings.keyFile, what: "Lifeboat's key file" },
  ];
}

/**
 * The local composition root: SQLite catalog, local repository (created on first use), the
 * in-process event bus, and the local user as the actor.
 */
export function localSystem(
  settings: LocalSettings,
  env: NodeJS.ProcessEnv = process.env,
  options: {
    readFrom?: LocalSettings;
    /** Already opened by the caller (to fail before anything starts): not unlocked twice. */
    repository?: Repository;
  } = {},
): LocalSystem {
  const catalog = new RecordCatalog(new SqliteRecordStore(catalogPath(settings, env)));
  const events = new LocalEventBus();
  let opened: Promise<Repository> | undefined;
  let created: InitResult | undefined;
  const threshold = Number(env.LIFEBOAT_FARGATE_THRESHOLD_BYTES || DEFAULT_FARGATE_THRESHOLD);
  const ctx: ServiceContext = {
    catalog,
    // Reading from a copy (restore --from) opens that copy with the same keys, never creates it.
    repository: () =>
      (opened ??= options.repository
        ? Promise.resolve(options.repository)
        : options.readFrom
          ? openRepository(options.readFrom)
          : openOrInitRepository(settings).then((r) => {
              created = r.created;
              return r.repository;
            })),
    ...storageContext(settings),
    events,
    actor: localActor(),
    now: () => new Date(),
    fargateThresholdBytes:
      Number.isFinite(threshold) && threshold > 0 ? threshold : DEFAULT_FARGATE_THRESHOLD,
    // Locally too: a target may keep its password in Secrets Manager (with AWS credentials here).
    secrets: lazySecretsManagerReader(),
    ownFiles: ownFilesOf(settings, env),
  };
  return { ctx, catalog, events, created: () => created, close: () => catalog.close() };
}
