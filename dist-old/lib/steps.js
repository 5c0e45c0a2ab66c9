"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.STEP_PROFILES = void 0;
exports.profileOf = profileOf;
const quick = (duty, secrets = false, files = 'none') => ({
    duty,
    secrets,
    memoryMb: 512,
    files,
});
const heavy = (duty, secrets, files = 'none') => ({
    duty,
    secrets,
    memoryMb: 3008,
    files,
});
exports.STEP_PROFILES = {
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
function profileOf(step) {
    const profile = exports.STEP_PROFILES[step];
    if (!profile)
        throw new Error(`The workflows name a step "${step}" that lib/steps.ts gives no rights: add it to STEP_PROFILES.`);
    return profile;
}
//# sourceMappingURL=steps.js.map