"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.INFRASTRUCTURE_PLACEHOLDERS = exports.STEP_PLACEHOLDERS = exports.WORKER_COMMANDS = exports.STEPS = void 0;
const backup_steps_1 = require("./backup-steps");
const replicate_step_1 = require("./replicate-step");
const restore_steps_1 = require("./restore-steps");
const retention_steps_1 = require("./retention-steps");
const verify_steps_1 = require("./verify-steps");
/**
 * The steps, by the placeholder the state machines name them with (`${RunBackupFunctionArn}`):
 * the CDK app substitutes each with its Lambda function, the local engine with the function here.
 */
exports.STEPS = {
    PrepareBackupFunctionArn: backup_steps_1.prepareBackup,
    RunBackupFunctionArn: (ctx, input) => (0, backup_steps_1.runBackup)(ctx, input),
    ReplicateBackupFunctionArn: replicate_step_1.replicateStep,
    CommitBackupFunctionArn: backup_steps_1.commitBackup,
    RecordBackupFailureFunctionArn: backup_steps_1.recordBackupFailure,
    ValidateRestoreFunctionArn: restore_steps_1.validateRestore,
    PlanRestoreFunctionArn: restore_steps_1.planRestore,
    RunRestoreFunctionArn: (ctx, input) => (0, restore_steps_1.runRestore)(ctx, input),
    ValidateRecoveryFunctionArn: restore_steps_1.validateRecovery,
    FinalizeRestoreFunctionArn: restore_steps_1.finalizeRestore,
    RecordRestoreFailureFunctionArn: restore_steps_1.recordRestoreFailure,
    StartVerificationFunctionArn: verify_steps_1.startVerification,
    RunVerificationFunctionArn: verify_steps_1.runVerification,
    RecordVerificationFailureFunctionArn: verify_steps_1.recordVerificationFailure,
    ApplyRetentionFunctionArn: retention_steps_1.applyRetention,
    CollectGarbageFunctionArn: retention_steps_1.collectGarbage,
    RecordRetentionFailureFunctionArn: retention_steps_1.recordRetentionFailure,
};
/** What the Fargate worker runs, by its container command: the same functions as the Lambda route. */
exports.WORKER_COMMANDS = {
    'run-backup': { step: 'RunBackupFunctionArn', env: 'BACKUP_ID', field: 'backup_id' },
    'run-restore': { step: 'RunRestoreFunctionArn', env: 'RECOVERY_JOB_ID', field: 'recovery_job_id' },
};
/**
 * Every step placeholder the state machines may use, implemented or not yet: the CDK app
 * substitutes these, and a test checks the ASL files name no other.
 */
exports.STEP_PLACEHOLDERS = [
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
];
/** Placeholders that name infrastructure rather than a step (substituted by the CDK app). */
exports.INFRASTRUCTURE_PLACEHOLDERS = [
    'ClusterArn',
    'BackupTaskDefinitionArn',
    'RestoreTaskDefinitionArn',
    'WorkerSubnetIds',
    'WorkerSecurityGroupIds',
    'WorkerAssignPublicIp',
];
//# sourceMappingURL=steps.js.map