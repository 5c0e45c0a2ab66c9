import { z } from 'zod';
import { IdSchema, JsonObjectSchema, TimestampSchema } from './common';
import { VerificationStatusSchema, VerificationTypeSchema } from './enums';

/** One verification of a backup (the seed's `backup_verifications`). */
export const BackupVerificationSchema = z.object({
  id: IdSchema,
  backup_id: IdSchema,
  verification_type: VerificationTypeSchema,
  status: VerificationStatusSchema,
  checksum_valid: z.boolean().nullable(),
  restore_test_passed: z.boolean().nullable(),
  data_integrity_verified: z.boolean().nullable(),
  verification_details: JsonObjectSchema.nullable(),
  error_message: z.string().nullable(),
  started_at: TimestampSchema.nullable(),
  completed_at: TimestampSchema.nullable(),
  created_at: TimestampSchema,
});
export type BackupVerification = z.infer<typeof BackupVerificationSchema>;
