import { z } from 'zod';

// The seed's enums (§2.2), verbatim: the catalog, the API and the repository's manifests share them.

export const BackupTypeSchema = z.enum(['full', 'incremental', 'differential']);
export type BackupType = z.infer<typeof BackupTypeSchema>;

export const TargetTypeSchema = z.enum(['database', 'filesystem', 'application']);
export type TargetType = z.infer<typeof TargetTypeSchema>;

export const BackupStatusSchema = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']);
export type BackupStatus = z.infer<typeof BackupStatusSchema>;

export const RecoveryTypeSchema = z.enum(['full', 'partial', 'point_in_time']);
export type RecoveryType = z.infer<typeof RecoveryTypeSchema>;

export const RecoveryStatusSchema = z.enum([
  'pending',
  'validating',
  'running',
  'completed',
  'failed',
  'cancelled',
]);
export type RecoveryStatus = z.infer<typeof RecoveryStatusSchema>;

export const VerificationTypeSchema = z.enum([
  'checksum',
  'restore_test',
  'integrity_check',
  'full_verification',
]);
export type VerificationType = z.infer<typeof VerificationTypeSchema>;

export const VerificationStatusSchema = z.enum(['pending', 'running', 'passed', 'failed']);
export type VerificationStatus = z.infer<typeof VerificationStatusSchema>;

/** Statuses a job can leave only by being deleted: nothing updates a finished job. */
export const FINISHED_BACKUP: readonly BackupStatus[] = ['completed', 'failed', 'cancelled'];
export const FINISHED_RECOVERY: readonly RecoveryStatus[] = ['completed', 'failed', 'cancelled'];
export const FINISHED_VERIFICATION: readonly VerificationStatus[] = ['passed', 'failed'];
