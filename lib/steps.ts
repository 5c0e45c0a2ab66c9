import type { FileAccess } from './file-system';

/**
 * What each workflow step may touch in AWS, and its memory (its timeout is its Task's
 * TimeoutSeconds in the ASL file, so Step Functions and Lambda give up together): the
 * deployment's least-privilege table. A step not
 * listed here fails the synth (a new step must be given its rights on purpose).
 *
 * - `backup`: writes the repository with a write-only key (FORMAT.md §3.7), reads only index
 *   objects and never deletes.
 * - `read`: opens the repository (restore, verification, replication to copies).
 * - `prune`: read, rewrite the index, delete (retention and GC).
 * - `catalog`: the catalog and events only (failure records).
 *
 * `files` is what a step does with the operator's files on the EFS mount: the backup reads them
 * (and Prepare sizes a tree never backed up), the restore writes them, and the two validations
 * look at the target before and after.
 */
export type Duty = 'backup' | 'read' | 'prune' | 'catalog';

export interface StepProfile {
  readonly duty: Duty;
  /** Reads database passwords from Secrets Manager (sources and restore targets). */
  readonly secrets: boolean;
  /** Lambda memory; CPU grows with it (1769 MB is one full vCPU). */
  readonly memoryMb: number;
  /** The operator's files (the EFS mount, where the stack has one). */
  readonly files: FileAccess;
  /** Lambda's /tmp, where it is more than the default 512 MiB. */
  readonly scratchGiB?: number;
}

const quick = (duty: Duty, secrets = false, files: FileAccess = 'none'): StepProfile => ({
  duty,
  secrets,
  memoryMb: 512,
  files,
});
const heavy = (duty: Duty, secrets: boolean, files: FileAccess = 'none'): StepProfile => ({
  duty,
  secrets,
  memoryMb: 3008,
  files,
});

export const STEP_PROFILES: Readonly<Record<string, StepProfile>> = {
  // Sizes a tree that was never backed up, to choose between Lambda and Fargate.
  PrepareBackup: quick('backup', true, 'read'),
  RunBackup: heavy('backup', true, 'read'),
  ReplicateBackup: heavy('read', false),
  CommitBackup: quick('backup'),
  RecordBackupFailure: quick('catalog'),
  // A data directory must be empty before a restore starts.
  ValidateRestore: quick('read', true, 'read'),
  PlanRestore: quick('read', true),
  RunRestore: heavy('read', true, 'write'),
  ValidateRecovery: { ...quick('read', true, 'read'), memoryMb: 1024 },
  FinalizeRestore: quick('catalog'),
  RecordRestoreFailure: quick('catalog'),
  StartVerification: quick('read'),
  // A restore test restores a file tree into /tmp: Lambda's most, 10 GiB (more runs elsewhere).
  RunVerification: { ...heavy('read', true), scratchGiB: 10 },
  RecordVerificationFailure: quick('catalog'),
  ApplyRetention: { ...quick('prune'), memoryMb: 1024 },
  CollectGarbage: heavy('prune', false),
  RecordRetentionFailure: quick('catalog'),
};

export function profileOf(step: string): StepProfile {
  const profile = STEP_PROFILES[step];
  if (!profile)
    throw new Error(
      `The workflows name a step "${step}" that lib/steps.ts gives no rights: add it to STEP_PROFILES.`,
    );
  return profile;
}
