import { z } from 'zod';
import { ConflictError, RecordNotFoundError } from '../../errors';
import { NameSchema } from '../../model/common';
import type { BackupSchedule } from '../../model/schedule';
import type { WorkflowStarter } from '../../ports/workflows';
import type { ServiceContext } from '../context';
import { addTarget } from '../targets';
import { addSchedule, scheduledBackupInput, scheduledExecutionName } from './schedules';

/**
 * What EventBridge Scheduler delivers at each scheduled time: the schedule's name, the time
 * (`<aws.scheduler.scheduled-time>`), and for schedules declared in the deployment (CDK
 * context) their definition, recorded in the catalog on first run.
 */
export const ScheduledRunSchema = z
  .object({
    schedule: NameSchema,
    scheduled_time: z.iso.datetime({ offset: true }),
    declared: z
      .object({
        schedule: z.object({
          name: NameSchema,
          target: NameSchema,
          cron: z.string(),
          timezone: z.string().optional(),
          backup_type: z.string().optional(),
          retention: z.string().optional(),
          verify: z.boolean().optional(),
        }),
        target: z
          .object({ name: NameSchema, target_config: z.unknown(), description: z.string().optional() })
          .optional(),
      })
      .optional(),
  })
  .strict();

export interface ScheduledRunResult {
  status: 'started' | 'already_started' | 'disabled';
  schedule_id: string;
  execution_name?: string;
}

/**
 * A schedule fires: the backup workflow starts under a name made of the schedule and the
 * scheduled minute, so however often the delivery is retried one backup runs. A disabled schedule
 * starts nothing. A declared schedule missing from the catalog is recorded first (with its
 * declared target when that is missing too).
 */
export async function startScheduledBackup(
  ctx: ServiceContext,
  starter: WorkflowStarter,
  input: unknown,
): Promise<ScheduledRunResult> {
  const run = ScheduledRunSchema.parse(input);
  const schedule = (await ctx.catalog.getScheduleByName(run.schedule)) ?? (await recordDeclared(ctx, run));
  if (!schedule.enabled) return { status: 'disabled', schedule_id: schedule.id };
  const time = new Date(run.scheduled_time);
  const name = scheduledExecutionName(schedule, time);
  const status = await starter.start('backup', scheduledBackupInput(schedule, time), name);
  return { status, schedule_id: schedule.id, execution_name: name };
}

async function recordDeclared(
  ctx: ServiceContext,
  run: z.infer<typeof ScheduledRunSchema>,
): Promise<BackupSchedule> {
  const declared = run.declared;
  if (!declared)
    throw new RecordNotFoundError(
      'schedule',
      run.schedule,
      'The schedule was deleted from the catalog but not from EventBridge Scheduler: delete it there too, or create it again.',
    );
  const target = declared.target;
  if (target && !(await ctx.catalog.getTarget(target.name)))
    await ignoreConflict(() =>
      addTarget(ctx, {
        name: target.name,
        target_config: target.target_config,
        description: target.description ?? null,
      }),
    );
  await ignoreConflict(() => addSchedule(ctx, declared.schedule));
  const schedule = await ctx.catalog.getScheduleByName(run.schedule);
  if (!schedule) throw new RecordNotFoundError('schedule', run.schedule);
  return schedule;
}

/** Two deliveries racing to record the same declaration: the second finds it recorded. */
async function ignoreConflict(record: () => Promise<unknown>): Promise<void> {
  try {
    await record();
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}
