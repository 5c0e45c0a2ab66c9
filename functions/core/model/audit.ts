import { z } from 'zod';
import { IdSchema, JsonObjectSchema, TimestampSchema } from './common';

/** One recorded action (the seed's `backup_audit_log`). Entries are never changed or deleted. */
export const AuditEntrySchema = z.object({
  id: IdSchema,
  /** What kind of operation: create, update, delete, run, restore, verify, gc, ... */
  operation_type: z.string().min(1).max(50),
  /** schedule, backup, recovery_job, verification, target, repository */
  entity_type: z.string().min(1).max(50),
  entity_id: z.string().nullable(),
  /** Who: the local user name, or the IAM principal in AWS. */
  user_id: z.string().nullable(),
  /** What exactly, in words a person reads: "schedule.create", "backup.delete", ... */
  action: z.string().min(1).max(100),
  details: JsonObjectSchema.nullable(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  timestamp: TimestampSchema,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
