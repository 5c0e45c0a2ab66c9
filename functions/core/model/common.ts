import { z } from 'zod';
import { ULID_PATTERN } from '../../repository/ids';

/** Catalog ids are ULIDs, like snapshot ids: they sort by creation time. */
export const IdSchema = z.string().regex(ULID_PATTERN, 'must be a Lifeboat id (26 characters, ULID)');

/** ISO 8601 in UTC with milliseconds, as Date.toISOString() writes it; sorts as text. */
export const TimestampSchema = z.iso.datetime();

/** Names of targets and schedules: shown in listings and typed in commands. */
/** The same rule as backup names (a target's name names its snapshots). */
export const NameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/,
    'uses 1-200 characters: letters, digits and . _ : @ + - (starting with a letter or digit)',
  );

/** Free-form JSON objects of the seed (metadata, details, storage_metadata). */
export const JsonObjectSchema = z.record(z.string(), z.unknown());
