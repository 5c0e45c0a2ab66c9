"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ScheduledRunSchema = void 0;
exports.startScheduledBackup = startScheduledBackup;
const zod_1 = require("zod");
const errors_1 = require("../../errors");
const common_1 = require("../../model/common");
const targets_1 = require("../targets");
const schedules_1 = require("./schedules");
/**
 * What EventBridge Scheduler delivers at each scheduled time: the schedule's name, the time
 * (`<aws.scheduler.scheduled-time>`), and for schedules declared in the deployment (CDK
 * context) their definition, recorded in the catalog on first run.
 */
exports.ScheduledRunSchema = zod_1.z
    .object({
    schedule: common_1.NameSchema,
    scheduled_time: zod_1.z.iso.datetime({ offset: true }),
    declared: zod_1.z
        .object({
        schedule: zod_1.z.object({
            name: common_1.NameSchema,
            target: common_1.NameSchema,
            cron: zod_1.z.string(),
            timezone: zod_1.z.string().optional(),
            backup_type: zod_1.z.string().optional(),
            retention: zod_1.z.string().optional(),
            verify: zod_1.z.boolean().optional(),
        }),
        target: zod_1.z
            .object({ name: common_1.NameSchema, target_config: zod_1.z.unknown(), description: zod_1.z.string().optional() })
            .optional(),
    })
        .optional(),
})
    .strict();
/**
 * A schedule fires: the backup workflow starts under a name made of the schedule and the
 * scheduled minute, so however often the delivery is retried one backup runs. A disabled schedule
 * starts nothing. A declared schedule missing from the catalog is recorded first (with its
 * declared target when that is missing too).
 */
async function startScheduledBackup(ctx, starter, input) {
    const run = exports.ScheduledRunSchema.parse(input);
    const schedule = (await ctx.catalog.getScheduleByName(run.schedule)) ?? (await recordDeclared(ctx, run));
    if (!schedule.enabled)
        return { status: 'disabled', schedule_id: schedule.id };
    const time = new Date(run.scheduled_time);
    const name = (0, schedules_1.scheduledExecutionName)(schedule, time);
    const status = await starter.start('backup', (0, schedules_1.scheduledBackupInput)(schedule, time), name);
    return { status, schedule_id: schedule.id, execution_name: name };
}
async function recordDeclared(ctx, run) {
    const declared = run.declared;
    if (!declared)
        throw new errors_1.RecordNotFoundError('schedule', run.schedule, 'The schedule was deleted from the catalog but not from EventBridge Scheduler: delete it there too, or create it again.');
    const target = declared.target;
    if (target && !(await ctx.catalog.getTarget(target.name)))
        await ignoreConflict(() => (0, targets_1.addTarget)(ctx, {
            name: target.name,
            target_config: target.target_config,
            description: target.description ?? null,
        }));
    await ignoreConflict(() => (0, schedules_1.addSchedule)(ctx, declared.schedule));
    const schedule = await ctx.catalog.getScheduleByName(run.schedule);
    if (!schedule)
        throw new errors_1.RecordNotFoundError('schedule', run.schedule);
    return schedule;
}
/** Two deliveries racing to record the same declaration: the second finds it recorded. */
async function ignoreConflict(record) {
    try {
        await record();
    }
    catch (error) {
        if (!(error instanceof errors_1.ConflictError))
            throw error;
    }
}
//# sourceMappingURL=scheduled-run.js.map