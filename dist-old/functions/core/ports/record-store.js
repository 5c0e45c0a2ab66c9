"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ConditionFailedError = exports.INDEX_NAMES = void 0;
/**
 * The storage under the catalog: single records with a composite key, optimistic versions and up
 * to six secondary indexes, the shape of one DynamoDB table with GSIs. SQLite implements the same
 * shape locally, so the catalog's logic (functions/core/services/catalog) is written once and
 * both adapters are thin.
 *
 * Every write touches one record and is conditional: create only if absent, replace or delete
 * only at the version read. No multi-record transactions (dynalite has none).
 */
exports.INDEX_NAMES = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5', 'gsi6'];
/** A write's condition did not hold: the record exists, is gone, or changed since it was read. */
class ConditionFailedError extends Error {
    key;
    constructor(key) {
        super(`conditional write failed for ${key.pk} ${key.sk}`);
        this.key = key;
        this.name = 'ConditionFailedError';
    }
}
exports.ConditionFailedError = ConditionFailedError;
//# sourceMappingURL=record-store.js.map