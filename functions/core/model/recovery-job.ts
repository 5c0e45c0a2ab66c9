import { z } from 'zod';
import { IdSchema, JsonObjectSchema, TimestampSchema } from './common';
import { RecoveryStatusSchema, RecoveryTypeSchema } from './enums';

export const RecoveryStepSchema = z.object({
  name: z.string().min(1),
  status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped']),
  started_at: TimestampSchema.nullable(),
  completed_at: TimestampSchema.nullable(),
  message: z.string().nullable(),
});
export type RecoveryStep = z.infer<typeof RecoveryStepSchema>;

/** One restore (the seed's `recovery_jobs`). */
export const RecoveryJobSchema = z.object({
  id: IdSchema,
  backup_id: IdSchema,
  recovery_type: RecoveryTypeSchema,
  target_config: JsonObjectSchema,
  point_in_time: TimestampSchema.nullable(),
  validate_only: z.boolean(),
  overwrite_existing: z.boolean(),
  status: RecoveryStatusSchema,
  progress: z.number().int().min(0).max(100),
  steps: z.array(RecoveryStepSchema),
  current_step: z.string().nullable(),
  started_at: TimestampSchema.nullable(),
  completed_at: TimestampSchema.nullable(),
  estimated_completion: TimestampSchema.nullable(),
  recovered_size_bytes: z.number().int().nonnegative().nullable(),
  error_message: z.string().nullable(),
  validation_results: JsonObjectSchema.nullable(),
  created_at: TimestampSchema,
  created_by: z.string().nullable(),
});
export type RecoveryJob = z.infer<typeof RecoveryJobSchema>;
