import type { Repository } from '../../repository/repository';
import type { Catalog } from '../ports/catalog';
import type { ObjectStore } from '../ports/object-store';
import type { EventPublisher } from '../ports/events';
import type { ScheduleRegistry } from '../ports/schedule-registry';
import type { SecretReader } from '../ports/secrets';
import type { OwnFile } from '../../sources/filesystem/own-files';
import type { WorkerFiles } from './worker-files';

/** Who asked: written into every audit entry. */
export interface Actor {
  user_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
}

/**
 * What a workflow step needs, built once by a composition root (the local engine, a Lambda
 * handler, the Fargate entry point) from its adapters.
 */
export interface ServiceContext {
  catalog: Catalog;
  /** The repository, opened on first use (unlocking its key once per process). */
  repository(): Promise<Repository>;
  /**
   * Where the repository lives, recorded on each backup; for a cloud store, the requests it has
   * made so far in this process, by kind (what the provider bills besides bytes).
   */
  storage: { backend: string; location: string; requests?: () => Record<string, number> };
  events: EventPublisher;
  actor: Actor;
  now(): Date;
  /** Sources estimated above this many bytes run on Fargate (locally: the same worker). */
  fargateThresholdBytes: number;
  /** Another store named by a repository URL (a replica): where copies of backups go. */
  openStore(url: string): Promise<OpenedStore>;
  /** Reads database passwords kept in Secrets Manager; absent where AWS cannot be reached. */
  secrets?: SecretReader;
  /** Where schedules fire from besides the catalog (EventBridge Scheduler in AWS); none locally. */
  scheduleRegistry?: ScheduleRegistry;
  /** Where the workers see the operator's files (AWS: the EFS mount); absent locally. */
  workerFiles?: WorkerFiles;
  /**
   * Lifeboat's own files on this machine (a local repository, the catalog, the key file): a file
   * backup that finds them in its tree leaves them out, a restore leaves them alone (OwnFiles).
   * None on AWS, where none of them is on a worker's disk.
   */
  ownFiles?: OwnFile[];
}

export interface OpenedStore {
  store: ObjectStore;
  backend: string;
  /** The URL without options, as the catalog records it. */
  location: string;
}
