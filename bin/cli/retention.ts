import { ConflictError, LifeboatError } from '../../functions/core/errors';
import type { GcReport } from '../../functions/repository/gc';
import {
  collectGarbage,
  type RetentionResult,
} from '../../functions/core/services/workflows/retention-steps';
import { describeStepError } from '../../functions/core/services/workflows/step-failure';
import { STEPS } from '../../functions/core/services/workflows/steps';
import { LocalEngine } from '../../functions/local/engine';
import { formatBytes, printJson, say, type GlobalOptions } from './output';
import { watchSteps } from './workflow';
import { withSystem } from './with-system';

interface RetentionOptions extends GlobalOptions {
  schedule?: string;
  dryRun?: boolean;
}

function describeGc(gc: GcReport | { deferred: string }): string {
  if ('deferred' in gc) return `garbage collection deferred: ${gc.deferred}`;
  return `${gc.dry_run ? 'would delete' : 'deleted'} ${gc.packs_deleted} of ${gc.packs_total} packs (${formatBytes(gc.bytes_freed)})`;
}

/** The retention workflow: each schedule's policy applied, then garbage collected. */
export async function runRetentionApply(options: RetentionOptions): Promise<void> {
  let failure: unknown;
  await withSystem(
    options,
    async (system) => {
      const engine = new LocalEngine(system.ctx, { steps: watchSteps(STEPS, (error) => (failure = error)) });
      const run = await engine.run('retention', {
        ...(options.schedule ? { schedule: options.schedule } : {}),
        dry_run: options.dryRun ?? false,
      });
      if (run.status !== 'SUCCEEDED')
        throw (
          failure ??
          new LifeboatError(
            'WORKFLOW_FAILED',
            `Retention failed: ${describeStepError(run.error)}`,
            'See `lifeboat audit`.',
          )
        );
      const output = run.output as {
        retention: { result: RetentionResult };
        gc: { result: GcReport | { deferred: string } };
      };
      const retention = output.retention.result;
      const gc = output.gc.result;
      if (options.json) return printJson({ ...retention, gc });
      for (const s of retention.schedules)
        say(
          `${s.schedule} (${s.target}): ${s.kept} kept, ${s.removed.length} ${retention.dry_run ? 'would be forgotten' : 'forgotten'}` +
            (s.removed.length ? `: ${s.removed.map((r) => r.id).join(', ')}` : ''),
        );
      if (retention.schedules.length === 0) say('No schedule has retention rules; everything is kept.');
      say(describeGc(gc));
    },
    { requireRepository: true },
  );
}

/** Garbage collection alone, under the fence; a refusal (backups writing) is an error here. */
export async function runGc(options: GlobalOptions & { dryRun?: boolean }): Promise<void> {
  await withSystem(
    options,
    async (system) => {
      const report = await collectGarbage(system.ctx, { dry_run: options.dryRun ?? false });
      if ('deferred' in report)
        throw new ConflictError(report.deferred, 'Run `lifeboat gc` again when they have finished.');
      if (options.json) return printJson(report);
      say(`${describeGc(report)}; ${report.live_chunks} chunks in use by ${report.snapshots} snapshot(s).`);
    },
    { requireRepository: true },
  );
}
