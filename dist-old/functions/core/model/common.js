"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.JsonObjectSchema = exports.NameSchema = exports.TimestampSchema = exports.IdSchema = void 0;
const zod_1 = require("zod");
const ids_1 = require("../../repository/ids");
/** Catalog ids are ULIDs, like snapshot ids: they sort by creation time. */
exports.IdSchema = zod_1.z.string().regex(ids_1.ULID_PATTERN, 'must be a Lifeboat id (26 characters, ULID)');
/** ISO 8601 in UTC with milliseconds, as Date.toISOString() writes it; sorts as text. */
exports.TimestampSchema = zod_1.z.iso.datetime();
/** Names of targets and schedules: shown in listings and typed in commands. */
/** The same rule as backup names (a target's name names its snapshots). */
exports.NameSchema = zod_1.z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/, 'uses 1-200 characters: letters, digits and . _ : @ + - (starting with a letter or digit)');
/** Free-form JSON objects of the seed (metadata, details, storage_metadata). */
exports.JsonObjectSchema = zod_1.z.record(zod_1.z.string(), zod_1.z.unknown());
//# sourceMappingURL=common.js.map