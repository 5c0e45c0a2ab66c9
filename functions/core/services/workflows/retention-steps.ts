import { z } from 'zod';
import { collectGarbage as sweep, forgetSnapshot, type GcReport } from '../../../repository/gc';
import { newUlid } from '../../../repository/ids';
import type { Backup } from '../../model/backup';
import { NameSchema } from '../../model/common';
import type { BackupSchedule } from '../../model/schedule';
import { ConflictError } from '../../errors';
import { audit } from '../audit';
import { allItems } from '../catalog/pages';
import type { ServiceContext } from '../context';
import { isEmptyPolicy } from '../retention/policy';
import { selectRetained, type RetentionDecision } from '../retention/select';
import { getScheduleByName } from '../schedules/schedules';
import { isDeadLocalRunner, runner } from './runner';
import { describeStepError, StepFailureSchema } from './step-failure';

export const RetentionRequestSchema = z
  .object({
    /** One schedule's policy; all schedules' when absent. */
    schedule: NameSchema.optional(),
    dry_run: z.boolean().default(false),
  })
  .strict();
export type RetentionRequest = z.input<typeof RetentionRequestSchema>;

export interface ScheduleRetention {
  schedule: string;
  target: string;
  kept: number;
  removed: { id: string; completed_at: string | null }[];
}

export interface RetentionResult {
  dry_run: boolean;
  schedules: ScheduleRetention[];
  removed: number;
}

/** Summaries only: a Step Functions payload stays far below its limit. */
const LISTED_PER_SCHEDULE = 200;

function completedBackups(ctx: ServiceContext, target: string): Promise<Backup[]> {
  return allItems((cursor) =>
    ctx.catalog.listBackupsByTarget(target, { limit: 1000, cursor, status: 'completed' }),
  );
}

function allSchedules(ctx: ServiceContext): Promise<BackupSchedule[]> {
  return allItems((cursor) => ctx.catalog.listSchedules({ limit: 1000, cursor }));
}

/**
 * Apply retention: for each schedule with rules, the completed backups of its target are kept
 * or forgotten by its policy (in its time zone). Forgetting removes the snapshot's manifest and
 * the catalog record; the data goes with the next garbage collection. A policy without rules
 * keeps everything.
 */
export async function applyRetention(ctx: ServiceContext, input: unknown): Promise<RetentionResult> {
  const request = RetentionRequestSchema.parse(input);
  const schedules = request.schedule
    ? [await getScheduleByName(ctx, request.schedule)]
    : await allSchedules(ctx);
  const repo = await ctx.repository();
  const result: RetentionResult = { dry_run: request.dry_run, schedules: [], removed: 0 };
  const done = new Set<string>();
  for (const schedule of schedules) {
    const target = schedule.target_config.target;
    if (isEmptyPolicy(schedule.retention_policy) || done.has(target)) continue;
    done.add(target);
    const backups = await completedBackups(ctx, target);
    const decisions: RetentionDecision[] = selectRetained(
      backups.map((b) => ({ id: b.id, time: b.completed_at ?? b.created_at })),
      schedule.retention_policy,
      schedule.timezone,
      ctx.now(),
    );
    const removed = decisions.filter((d) => !d.keep);
    const summary: ScheduleRetention = {
      schedule: schedule.name,
      target,
      kept: decisions.length - removed.length,
      removed: removed
        .slice(0, LISTED_PER_SCHEDULE)
        .map((d) => ({ id: d.id, completed_at: backups.find((b) => b.id === d.id)?.completed_at ?? null })),
    };
    result.schedules.push(summary);
    result.removed += removed.length;
    if (request.dry_run) continue;
    for (const decision of removed) {
      await forgetSnapshot(repo, decision.id);
      await ctx.catalog.deleteBackup(decision.id);
      await audit(ctx, {
        operation_type: 'delete',
        entity_type: 'backup',
        entity_id: decision.id,
        action: 'backup.forget',
        details: { schedule: schedule.name, target, policy: schedule.retention_policy },
      });
    }
  }
  return result;
}

/**
 * Collect garbage under the fence: writers that died on this host are cleared first; with
 * anyone still writing, GC does not run (it answers `deferred`, with why) rather than risk a
 * backup's chunks.
 */
export async function collectGarbage(
  ctx: ServiceContext,
  input: unknown,
): Promise<GcReport | { deferred: string }> {
  const { dry_run } = z
    .object({ dry_run: z.boolean().default(false) })
    .loose()
    .parse(input ?? {});
  const fence = await ctx.catalog.fence();
  for (const [id, runner] of Object.entries(fence.writers))
    if (isDeadLocalRunner(runner)) await ctx.catalog.leaveWriter(id);
  if (fence.gc && isDeadLocalRunner(fence.gc)) await ctx.catalog.endGc(fence.gc.id);
  const gcId = newUlid(ctx.now().getTime());
  try {
    await ctx.catalog.beginGc(gcId, { ...runner(), since: ctx.now().toISOString() });
  } catch (error) {
    // Busy (backups writing, another GC): not a failure of retention; the next run collects.
    if (error instanceof ConflictError) return { deferred: `${error.message} ${error.hint}` };
    throw error;
  }
  try {
    const report = await sweep(await ctx.repository(), { dryRun: dry_run });
    await audit(ctx, {
      operation_type: 'gc',
      entity_type: 'repository',
      entity_id: null,
      action: dry_run ? 'repository.gc.dry_run' : 'repository.gc',
      details: { ...report },
    });
    return report;
  } finally {
    await ctx.catalog.endGc(gcId);
  }
}

/** The failure path of the retention workflow. */
export async function recordRetentionFailure(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ error: string }> {
  const state = StepFailureSchema.parse(input);
  const message = describeStepError(state.error);
  await audit(ctx, {
    operation_type: 'update',
    entity_type: 'repository',
    entity_id: null,
    action: 'retention.fail',
    details: { error: message },
  });
  await ctx.events.publish({ type: 'Retention Failed', detail: { error: message } });
  return { error: message };
}
