import { InputError } from '../../core/errors';
import type { DatabaseConnection, DatabaseKind, DatabaseTargetConfig } from '../../core/model/target';
import type { ByteSink } from '../../core/ports/byte-sink';
import type { ResolvedCredential } from './credentials';
import type { TableStat } from './table-stats';

/** What `lifeboat target test` reports about a database. */
export interface DatabaseProbe {
  server_version: string;
  database: string;
  size_bytes: number;
  tool: { name: string; version: string };
}

/** What every database backup records about its source in the snapshot manifest. */
export interface DatabaseSourceInfo {
  kind: DatabaseKind;
  database: string;
  server: { host: string; port: number; user: string };
  tool: { name: string; version: string };
  tables: TableStat[];
}

/** A dump in progress: its bytes, and what the backup records about it once it is done. */
export interface DatabaseDump {
  /** The dump's bytes; throws if the tool fails, even after its last byte. */
  stream: AsyncIterable<Buffer>;
  /**
   * Resolves after the stream has ended: the source's description for the manifest (a logical
   * dump's DatabaseSourceInfo with its table checksums, or a base backup's own description).
   */
  info(): Promise<{ kind: string }>;
  /** Stops the tool and releases connections (after a failure elsewhere); idempotent. */
  close(): Promise<void>;
}

/** Which part of a backup to restore; empty lists restore everything. */
export interface TableSelection {
  schemas: readonly string[];
  tables: readonly string[];
}

export interface DatabaseRestoreRequest extends TableSelection {
  database: string;
  overwrite: boolean;
  /** Names staging objects, so a retried step finds (and replaces) its own leftovers. */
  jobId: string;
}

export interface RestoredDatabase {
  database: string;
  /** An existing database was replaced. */
  replaced: boolean;
  /** Restored into an existing database (partial restore). */
  into_existing: boolean;
}

/** One engine's way to probe, dump, restore and check a database (functions/sources/<engine>). */
export interface DatabaseStrategy {
  kind: DatabaseKind;
  probe(config: DatabaseTargetConfig, credential: ResolvedCredential): Promise<DatabaseProbe>;
  /** `target` is the target's name (a base backup names the WAL archive that completes it). */
  dump(config: DatabaseTargetConfig, credential: ResolvedCredential, target: string): Promise<DatabaseDump>;
  /** Parses the manifest's `source` of a backup this strategy made. */
  sourceInfo(raw: unknown): DatabaseSourceInfo;
  /** Refuses a restore that may not go ahead (an existing database without overwrite). */
  checkRestore(
    conn: DatabaseConnection,
    credential: ResolvedCredential,
    request: Omit<DatabaseRestoreRequest, 'jobId'>,
  ): Promise<void>;
  /** Restores the dump that `feed` writes into the sink it is given. */
  restore(
    conn: DatabaseConnection,
    credential: ResolvedCredential,
    info: DatabaseSourceInfo,
    request: DatabaseRestoreRequest,
    feed: (sink: ByteSink) => Promise<void>,
  ): Promise<RestoredDatabase>;
  /** The checksums of a database's tables now, to compare with the recorded ones. */
  tableStats(
    conn: DatabaseConnection,
    credential: ResolvedCredential,
    database: string,
    selection: TableSelection,
  ): Promise<TableStat[]>;
  dropDatabase(conn: DatabaseConnection, credential: ResolvedCredential, database: string): Promise<void>;
}

/** A strategy's own kind of target config (the registry hands each strategy only its own). */
export function configOf<K extends DatabaseKind>(
  kind: K,
  config: DatabaseTargetConfig,
): Extract<DatabaseTargetConfig, { kind: K }> {
  if (config.kind !== kind)
    throw new InputError(
      `A ${config.kind} target is not a ${kind} database.`,
      'This is a bug; please report it.',
    );
  return config as Extract<DatabaseTargetConfig, { kind: K }>;
}
