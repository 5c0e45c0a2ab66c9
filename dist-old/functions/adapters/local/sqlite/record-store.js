"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.SqliteRecordStore = void 0;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const node_sqlite_1 = require("node:sqlite");
const record_store_1 = require("../../../core/ports/record-store");
const cursor_1 = require("../../../core/services/catalog/cursor");
const INDEX_COLUMNS = record_store_1.INDEX_NAMES.flatMap((name) => [`${name}pk`, `${name}sk`]);
const SCHEMA = [
    `CREATE TABLE IF NOT EXISTS records (
     pk TEXT NOT NULL,
     sk TEXT NOT NULL,
     version INTEGER NOT NULL,
     doc TEXT NOT NULL,
     ${INDEX_COLUMNS.map((c) => `${c} TEXT`).join(',\n     ')},
     PRIMARY KEY (pk, sk)
   ) WITHOUT ROWID`,
    ...record_store_1.INDEX_NAMES.map((name) => `CREATE INDEX IF NOT EXISTS ${name} ON records (${name}pk, ${name}sk, pk, sk) WHERE ${name}pk IS NOT NULL`),
];
/**
 * The catalog's records in one SQLite file (node:sqlite): the same single-table layout as
 * DynamoDB, with a partial index per GSI. Several processes (the scheduler, a CLI) may use the
 * file at once: WAL mode, and writers wait for each other instead of failing.
 */
class SqliteRecordStore {
    kind = 'sqlite';
    db;
    constructor(file) {
        if (file !== ':memory:')
            fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        this.db = new node_sqlite_1.DatabaseSync(file);
        this.db.exec('PRAGMA busy_timeout = 10000');
        this.db.exec('PRAGMA journal_mode = WAL');
        this.db.exec('PRAGMA synchronous = NORMAL');
        for (const statement of SCHEMA)
            this.db.exec(statement);
    }
    get(key) {
        const row = this.db
            .prepare('SELECT pk, sk, version, doc, sk AS isk FROM records WHERE pk = ? AND sk = ?')
            .get(key.pk, key.sk);
        return Promise.resolve(row ? toRecord(row) : undefined);
    }
    put(key, doc, indexes, condition) {
        const indexValues = record_store_1.INDEX_NAMES.flatMap((name) => [
            indexes[name]?.pk ?? null,
            indexes[name]?.sk ?? null,
        ]);
        const json = JSON.stringify(doc);
        if ('absent' in condition) {
            const inserted = this.db
                .prepare(`INSERT INTO records (pk, sk, version, doc, ${INDEX_COLUMNS.join(', ')})
           VALUES (?, ?, 1, ?, ${INDEX_COLUMNS.map(() => '?').join(', ')})
           ON CONFLICT (pk, sk) DO NOTHING`)
                .run(key.pk, key.sk, json, ...indexValues);
            if (Number(inserted.changes) !== 1)
                return Promise.reject(new record_store_1.ConditionFailedError(key));
            return Promise.resolve(1);
        }
        const updated = this.db
            .prepare(`UPDATE records SET version = version + 1, doc = ?, ${INDEX_COLUMNS.map((c) => `${c} = ?`).join(', ')}
         WHERE pk = ? AND sk = ? AND version = ?`)
            .run(json, ...indexValues, key.pk, key.sk, condition.version);
        if (Number(updated.changes) !== 1)
            return Promise.reject(new record_store_1.ConditionFailedError(key));
        return Promise.resolve(condition.version + 1);
    }
    delete(key, version) {
        const deleted = this.db
            .prepare('DELETE FROM records WHERE pk = ? AND sk = ? AND version = ?')
            .run(key.pk, key.sk, version);
        if (Number(deleted.changes) !== 1)
            return Promise.reject(new record_store_1.ConditionFailedError(key));
        return Promise.resolve();
    }
    query(query) {
        const [pkColumn, skColumn] = query.index === 'table' ? ['pk', 'sk'] : [`${query.index}pk`, `${query.index}sk`];
        const where = [`${pkColumn} = ?`];
        const params = [query.pk];
        if (query.skFrom !== undefined) {
            where.push(`${skColumn} >= ?`);
            params.push(query.skFrom);
        }
        if (query.skTo !== undefined) {
            where.push(`${skColumn} < ?`);
            params.push(query.skTo);
        }
        // Ties on the index's sort key are broken by the record key, so a cursor is a unique position.
        const after = query.cursor ? (0, cursor_1.decodeCursor)(query.cursor) : undefined;
        if (after) {
            where.push(`(${skColumn}, pk, sk) ${query.descending ? '<' : '>'} (?, ?, ?)`);
            params.push(after.isk ?? '', after.pk ?? '', after.sk ?? '');
        }
        const order = query.descending ? 'DESC' : 'ASC';
        const rows = this.db
            .prepare(`SELECT pk, sk, version, doc, ${skColumn} AS isk FROM records WHERE ${where.join(' AND ')}
         ORDER BY ${skColumn} ${order}, pk ${order}, sk ${order} LIMIT ?`)
            .all(...params, query.limit + 1);
        const more = rows.length > query.limit;
        const items = rows.slice(0, query.limit);
        const last = items[items.length - 1];
        return Promise.resolve({
            items: items.map(toRecord),
            ...(more && last ? { next: (0, cursor_1.encodeCursor)({ isk: last.isk, pk: last.pk, sk: last.sk }) } : {}),
        });
    }
    close() {
        if (this.db.isOpen)
            this.db.close();
        return Promise.resolve();
    }
}
exports.SqliteRecordStore = SqliteRecordStore;
function toRecord(row) {
    return {
        key: { pk: row.pk, sk: row.sk },
        version: row.version,
        doc: JSON.parse(row.doc),
    };
}
//# sourceMappingURL=record-store.js.map