import { ExitCode, LifeboatError } from '../../functions/core/errors';
import { VerificationTypeSchema } from '../../functions/core/model/enums';
import type { BackupVerification } from '../../functions/core/model/verification';
import { describeStepError } from '../../functions/core/services/workflows/step-failure';
import { STEPS } from '../../functions/core/services/workflows/steps';
import { LocalEngine } from '../../functions/local/engine';
import { InputError } from '../../functions/core/errors';
import { formatTable, printJson, say, type GlobalOptions } from './output';
import { watchSteps } from './workflow';
import { withSystem } from './with-system';

interface VerifyOptions extends GlobalOptions {
  type: string;
}

/** Runs the verify workflow on one backup and reports the recorded verification. */
export async function runVerify(reference: string, options: VerifyOptions): Promise<void> {
  const type = VerificationTypeSchema.safeParse(options.type);
  if (!type.success)
    throw new InputError(
      `"${options.type}" is not a verification type.`,
      `Use one of: ${VerificationTypeSchema.options.join(', ')}.`,
    );
  let failure: unknown;
  await withSystem(
    options,
    async (system) => {
      const engine = new LocalEngine(system.ctx, { steps: watchSteps(STEPS, (error) => (failure = error)) });
      const run = await engine.run('verify', { backup: reference, verification_type: type.data });
      const id = (run.output as { started?: { verification_id?: string } } | undefined)?.started
        ?.verification_id;
      const record = id ? await system.catalog.getVerification(id) : undefined;
      if (run.status !== 'SUCCEEDED' || !record)
        throw (
          failure ??
          new LifeboatError(
            'WORKFLOW_FAILED',
            `The verification failed to run: ${describeStepError(run.error)}`,
            'Run it again.',
          )
        );
      report(record, options);
    },
    { requireRepository: true },
  );
}

/** A verification's verdict; a failed one sets exit status 11. */
export function report(v: BackupVerification, options: GlobalOptions): void {
  if (options.json) printJson(v);
  else {
    const parts = [
      v.checksum_valid === null ? undefined : `checksum ${v.checksum_valid ? 'valid' : 'INVALID'}`,
      v.data_integrity_verified === null
        ? undefined
        : `data integrity ${v.data_integrity_verified ? 'verified' : 'DAMAGED'}`,
      v.restore_test_passed === null
        ? undefined
        : `restore test ${v.restore_test_passed ? 'passed' : 'FAILED'}`,
    ].filter(Boolean);
    say(
      `Verification ${v.id} of backup ${v.backup_id} (${v.verification_type}): ${v.status}; ${parts.join(', ')}.`,
    );
  }
  if (v.status !== 'passed') {
    // A restore test that could not run (no room to restore into) says why and what to do instead.
    const test = (v.verification_details as { restore_test?: { error?: unknown; hint?: unknown } } | null)
      ?.restore_test;
    if (!options.json) {
      if (typeof test?.error === 'string') say(`  ${test.error}`);
      say(
        typeof test?.hint === 'string'
          ? `  ${test.hint}`
          : '  Run `lifeboat check --read-data` for a full report of the repository.',
      );
    }
    process.exitCode = ExitCode.integrity;
  }
}

interface VerificationsOptions extends GlobalOptions {
  backup?: string;
  limit: number;
}

/** Lists recorded verifications, newest first (all, or those of one backup). */
export function runVerifications(options: VerificationsOptions): Promise<void> {
  return withSystem(options, async (system) => {
    const page = options.backup
      ? await system.catalog.listVerificationsByBackup(options.backup, { limit: options.limit })
      : await system.catalog.listVerifications({ limit: options.limit });
    if (options.json) return printJson(page);
    if (page.items.length === 0) return say('No verifications recorded.');
    const rows = [
      ['ID', 'BACKUP', 'TYPE', 'STATUS', 'COMPLETED', 'ERROR'],
      ...page.items.map((v) => [
        v.id,
        v.backup_id,
        v.verification_type,
        v.status,
        v.completed_at ?? '-',
        v.error_message ?? '',
      ]),
    ];
    process.stdout.write(`${formatTable(rows)}\n`);
  });
}
