import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import {
  ConditionFailedError,
  INDEX_NAMES,
  type IndexKeys,
  type RecordKey,
  type RecordPage,
  type RecordQuery,
  type RecordStore,
  type StoredRecord,
  type WriteCondition,
} from '../../../core/ports/record-store';
import { decodeCursor, encodeCursor } from '../../../core/services/catalog/cursor';

interface Row {
  pk: string;
  sk: string;
  version: number;
  doc: string;
  isk: string;
}

const INDEX_COLUMNS = INDEX_NAMES.flatMap((name) => [`${name}pk`, `${name}sk`]);

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS records (
     pk TEXT NOT NULL,
     sk TEXT NOT NULL,
     version INTEGER NOT NULL,
     doc TEXT NOT NULL,
     ${INDEX_COLUMNS.map((c) => `${c} TEXT`).join(',\n     ')},
     PRIMARY KEY (pk, sk)
   ) WITHOUT ROWID`,
  ...INDEX_NAMES.map(
    (name) =>
      `CREATE INDEX IF NOT EXISTS ${name} ON records (${name}pk, ${name}sk, pk, sk) WHERE ${name}pk IS NOT NULL`,
  ),
];

/**
 * The catalog's records in one SQLite file (node:sqlite): the same single-table layout as
 * DynamoDB, with a partial index per GSI. Several processes (the scheduler, a CLI) may use the
 * file at once: WAL mode, and writers wait for each other instead of failing.
 */
export class SqliteRecordStore implements RecordStore {
  readonly kind = 'sqlite' as const;
  private readonly db: DatabaseSync;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA busy_timeout = 10000');
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = NORMAL');
    for (const statement of SCHEMA) this.db.exec(statement);
  }

  get(key: RecordKey): Promise<StoredRecord | undefined> {
    const row = this.db
      .prepare('SELECT pk, sk, version, doc, sk AS isk FROM records WHERE pk = ? AND sk = ?')
      .get(key.pk, key.sk) as Row | undefined;
    return Promise.resolve(row ? toRecord(row) : undefined);
  }

  put(
    key: RecordKey,
    doc: Record<string, unknown>,
    indexes: IndexKeys,
    condition: WriteCondition,
  ): Promise<number> {
    const indexValues: SQLInputValue[] = INDEX_NAMES.flatMap((name) => [
      indexes[name]?.pk ?? null,
      indexes[name]?.sk ?? null,
    ]);
    const json = JSON.stringify(doc);
    if ('absent' in condition) {
      const inserted = this.db
        .prepare(
          `INSERT INTO records (pk, sk, version, doc, ${INDEX_COLUMNS.join(', ')})
           VALUES (?, ?, 1, ?, ${INDEX_COLUMNS.map(() => '?').join(', ')})
           ON CONFLICT (pk, sk) DO NOTHING`,
        )
        .run(key.pk, key.sk, json, ...indexValues);
      if (Number(inserted.changes) !== 1) return Promise.reject(new ConditionFailedError(key));
      return Promise.resolve(1);
    }
    const updated = this.db
      .prepare(
        `UPDATE records SET version = version + 1, doc = ?, ${INDEX_COLUMNS.map((c) => `${c} = ?`).join(', ')}
         WHERE pk = ? AND sk = ? AND version = ?`,
      )
      .run(json, ...indexValues, key.pk, key.sk, condition.version);
    if (Number(updated.changes) !== 1) return Promise.reject(new ConditionFailedError(key));
    return Promise.resolve(condition.version + 1);
  }

  delete(key: RecordKey, version: number): Promise<void> {
    const deleted = this.db
      .prepare('DELETE FROM records WHERE pk = ? AND sk = ? AND version = ?')
      .run(key.pk, key.sk, version);
    if (Number(deleted.changes) !== 1) return Promise.reject(new ConditionFailedError(key));
    return Promise.resolve();
  }

  query(query: RecordQuery): Promise<RecordPage> {
    const [pkColumn, skColumn] =
      query.index === 'table' ? ['pk', 'sk'] : [`${query.index}pk`, `${query.index}sk`];
    const where = [`${pkColumn} = ?`];
    const params: SQLInputValue[] = [query.pk];
    if (query.skFrom !== undefined) {
      where.push(`${skColumn} >= ?`);
      params.push(query.skFrom);
    }
    if (query.skTo !== undefined) {
      where.push(`${skColumn} < ?`);
      params.push(query.skTo);
    }
    // Ties on the index's sort key are broken by the record key, so a cursor is a unique position.
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    if (after) {
      where.push(`(${skColumn}, pk, sk) ${query.descending ? '<' : '>'} (?, ?, ?)`);
      params.push(after.isk ?? '', after.pk ?? '', after.sk ?? '');
    }
    const order = query.descending ? 'DESC' : 'ASC';
    const rows = this.db
      .prepare(
        `SELECT pk, sk, version, doc, ${skColumn} AS isk FROM records WHERE ${where.join(' AND ')}
         ORDER BY ${skColumn} ${order}, pk ${order}, sk ${order} LIMIT ?`,
      )
      .all(...params, query.limit + 1) as unknown as Row[];
    const more = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return Promise.resolve({
      items: items.map(toRecord),
      ...(more && last ? { next: encodeCursor({ isk: last.isk, pk: last.pk, sk: last.sk }) } : {}),
    });
  }

  close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }
}

function toRecord(row: Row): StoredRecord {
  return {
    key: { pk: row.pk, sk: row.sk },
    version: row.version,
    doc: JSON.parse(row.doc) as Record<string, unknown>,
  };
}
