import type { ServiceContext } from '../context';
import { commitBackup, prepareBackup, recordBackupFailure, runBackup } from './backup-steps';
import { replicateStep } from './replicate-step';
import {
  finalizeRestore,
  planRestore,
  recordRestoreFailure,
  runRestore,
  validateRecovery,
  validateRestore,
} from './restore-steps';
import { applyRetention, collectGarbage, recordRetentionFailure } from './retention-steps';
import { recordVerificationFailure, runVerification, startVerification } from './verify-steps';

/** One workflow step: the core function a Lambda handler, the Fargate worker and the local engine all call. */
export type Step = (ctx: ServiceContext, input: unknown) => Promise<unknown>;

/**
 * The steps, by the placeholder the state machines name them with (`${RunBackupFunctionArn}`):
 * the CDK app substitutes each with its Lambda function, the local engine with the function here.
 */
export const STEPS: Readonly<Record<string, Step>> = {
  PrepareBackupFunctionArn: prepareBackup,
  RunBackupFunctionArn: (ctx, input) => runBackup(ctx, input),
  ReplicateBackupFunctionArn: replicateStep,
  CommitBackupFunctionArn: commitBackup,
  RecordBackupFailureFunctionArn: recordBackupFailure,
  ValidateRestoreFunctionArn: validateRestore,
  PlanRestoreFunctionArn: planRestore,
  RunRestoreFunctionArn: (ctx, input) => runRestore(ctx, input),
  ValidateRecoveryFunctionArn: validateRecovery,
  FinalizeRestoreFunctionArn: finalizeRestore,
  RecordRestoreFailureFunctionArn: recordRestoreFailure,
  StartVerificationFunctionArn: startVerification,
  RunVerificationFunctionArn: runVerification,
  RecordVerificationFailureFunctionArn: recordVerificationFailure,
  ApplyRetentionFunctionArn: applyRetention,
  CollectGarbageFunctionArn: collectGarbage,
  RecordRetentionFailureFunctionArn: recordRetentionFailure,
};

/** What the Fargate worker runs, by its container command: the same functions as the Lambda route. */
export const WORKER_COMMANDS: Readonly<Record<string, { step: string; env: string; field: string }>> = {
  'run-backup': { step: 'RunBackupFunctionArn', env: 'BACKUP_ID', field: 'backup_id' },
  'run-restore': { step: 'RunRestoreFunctionArn', env: 'RECOVERY_JOB_ID', field: 'recovery_job_id' },
};

/**
 * Every step placeholder the state machines may use, implemented or not yet: the CDK app
 * substitutes these, and a test checks the ASL files name no other.
 */
export const STEP_PLACEHOLDERS = [
  'PrepareBackupFunctionArn',
  'RunBackupFunctionArn',
  'ReplicateBackupFunctionArn',
  'CommitBackupFunctionArn',
  'RecordBackupFailureFunctionArn',
  'ValidateRestoreFunctionArn',
  'PlanRestoreFunctionArn',
  'RunRestoreFunctionArn',
  'ValidateRecoveryFunctionArn',
  'FinalizeRestoreFunctionArn',
  'RecordRestoreFailureFunctionArn',
  'StartVerificationFunctionArn',
  'RunVerificationFunctionArn',
  'RecordVerificationFailureFunctionArn',
  'ApplyRetentionFunctionArn',
  'CollectGarbageFunctionArn',
  'RecordRetentionFailureFunctionArn',
] as const;

/** Placeholders that name infrastructure rather than a step (substituted by the CDK app). */
export const INFRASTRUCTURE_PLACEHOLDERS = [
  'ClusterArn',
  'BackupTaskDefinitionArn',
  'RestoreTaskDefinitionArn',
  'WorkerSubnetIds',
  'WorkerSecurityGroupIds',
  'WorkerAssignPublicIp',
] as const;
