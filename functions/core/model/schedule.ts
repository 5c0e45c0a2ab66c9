import { z } from 'zod';
import { IdSchema, JsonObjectSchema, NameSchema, TimestampSchema } from './common';
import { BackupTypeSchema, TargetTypeSchema } from './enums';

/** The seed's constraint backup_schedules_cron_valid, kept as the first check of a cron field. */
export const SEED_CRON_PATTERN = /^[0-9*,-/]+ [0-9*,-/]+ [0-9*,-/]+ [0-9*,-/]+ [0-9*,-/]+$/;

/**
 * How many snapshots a schedule keeps (restic's and borg's rules). Buckets are counted in the
 * schedule's time zone; `keep_within` is a duration such as "30d" or "12h".
 */
export const RetentionPolicySchema = z
  .object({
    keep_last: z.number().int().positive().optional(),
    keep_hourly: z.number().int().positive().optional(),
    keep_daily: z.number().int().positive().optional(),
    keep_weekly: z.number().int().positive().optional(),
    keep_monthly: z.number().int().positive().optional(),
    keep_yearly: z.number().int().positive().optional(),
    keep_within: z
      .string()
      .regex(/^(\d+[yMwdhm])+$/, 'is a duration such as 30d, 12h or 1y6M')
      .optional(),
  })
  .strict();
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;

/** Where a schedule's backups go. Cloud backends come with the cloud-targets issue. */
export const StorageConfigSchema = z.object({
  backend: z.enum(['local', 's3', 'azure']),
  location: z.string().min(1),
  /** Repository URLs each backup is copied to after it is written (3-2-1). */
  replicas: z.array(z.string().min(1)).optional(),
});
export type StorageConfig = z.infer<typeof StorageConfigSchema>;

export const BackupScheduleSchema = z.object({
  id: IdSchema,
  name: NameSchema,
  description: z.string().nullable(),
  backup_type: BackupTypeSchema,
  target_type: TargetTypeSchema,
  /** `{ target: NAME }`: the target record is read when the schedule runs, so edits to it apply. */
  target_config: z.object({ target: NameSchema }).and(JsonObjectSchema),
  schedule_cron: z.string().regex(SEED_CRON_PATTERN, 'is not a 5-field cron expression'),
  timezone: z.string().min(1),
  enabled: z.boolean(),
  retention_policy: RetentionPolicySchema,
  storage_config: StorageConfigSchema,
  encryption_enabled: z.boolean(),
  compression_enabled: z.boolean(),
  verification_enabled: z.boolean(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  created_by: z.string().nullable(),
});
export type BackupSchedule = z.infer<typeof BackupScheduleSchema>;
