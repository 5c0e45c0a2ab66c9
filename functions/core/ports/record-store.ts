/**
 * The storage under the catalog: single records with a composite key, optimistic versions and up
 * to six secondary indexes, the shape of one DynamoDB table with GSIs. SQLite implements the same
 * shape locally, so the catalog's logic (functions/core/services/catalog) is written once and
 * both adapters are thin.
 *
 * Every write touches one record and is conditional: create only if absent, replace or delete
 * only at the version read. No multi-record transactions (dynalite has none).
 */
export const INDEX_NAMES = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5', 'gsi6'] as const;
export type IndexName = (typeof INDEX_NAMES)[number];

export interface RecordKey {
  pk: string;
  sk: string;
}

/** Index keys of a record; an index it has no key for does not list it (sparse). */
export type IndexKeys = Partial<Record<IndexName, RecordKey>>;

export interface StoredRecord {
  key: RecordKey;
  /** Starts at 1, grows by one on every replace. */
  version: number;
  doc: Record<string, unknown>;
}

export interface RecordQuery {
  /** 'table' queries the records' own keys. */
  index: IndexName | 'table';
  pk: string;
  /** Sort keys in [skFrom, skTo), compared as strings. */
  skFrom?: string;
  skTo?: string;
  descending: boolean;
  limit: number;
  cursor?: string;
}

export interface RecordPage {
  items: StoredRecord[];
  /** Opaque; absent when the query is exhausted. */
  next?: string;
}

export type WriteCondition = { absent: true } | { version: number };

/** A write's condition did not hold: the record exists, is gone, or changed since it was read. */
export class ConditionFailedError extends Error {
  constructor(readonly key: RecordKey) {
    super(`conditional write failed for ${key.pk} ${key.sk}`);
    this.name = 'ConditionFailedError';
  }
}

export interface RecordStore {
  readonly kind: 'sqlite' | 'dynamodb';
  get(key: RecordKey): Promise<StoredRecord | undefined>;
  /** Writes the whole record; returns its new version. Throws ConditionFailedError. */
  put(
    key: RecordKey,
    doc: Record<string, unknown>,
    indexes: IndexKeys,
    condition: WriteCondition,
  ): Promise<number>;
  /** Throws ConditionFailedError when the record is absent or at another version. */
  delete(key: RecordKey, version: number): Promise<void>;
  query(query: RecordQuery): Promise<RecordPage>;
  close(): Promise<void>;
}
