import { z } from 'zod';
import { IdSchema, JsonObjectSchema, TimestampSchema } from './common';
import { BackupStatusSchema, BackupTypeSchema, TargetTypeSchema } from './enums';

const Bytes = z.number().int().nonnegative().nullable();

/** One backup execution (the seed's `backups`). Its id is the id of the snapshot it commits. */
export const BackupSchema = z.object({
  id: IdSchema,
  schedule_id: IdSchema.nullable(),
  backup_type: BackupTypeSchema,
  target_type: TargetTypeSchema,
  /** The target's name. */
  target_identifier: z.string().min(1),
  parent_backup_id: IdSchema.nullable(),
  status: BackupStatusSchema,
  progress: z.number().int().min(0).max(100),
  original_size_bytes: Bytes,
  compressed_size_bytes: Bytes,
  final_size_bytes: Bytes,
  encryption_enabled: z.boolean(),
  /** Which key slot's key encrypted it (never key material). */
  encryption_key_id: z.string().nullable(),
  compression_algorithm: z.string().nullable(),
  storage_backend: z.string().min(1),
  storage_location: z.string().nullable(),
  storage_metadata: JsonObjectSchema.nullable(),
  checksum_algorithm: z.string(),
  checksum_value: z.string().nullable(),
  scheduled_at: TimestampSchema.nullable(),
  started_at: TimestampSchema.nullable(),
  completed_at: TimestampSchema.nullable(),
  retention_until: TimestampSchema.nullable(),
  metadata: JsonObjectSchema.nullable(),
  error_message: z.string().nullable(),
  created_at: TimestampSchema,
});
export type Backup = z.infer<typeof BackupSchema>;
