"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.LocalScheduler = void 0;
const cron_1 = require("../core/services/schedules/cron");
const schedules_1 = require("../core/services/schedules/schedules");
/**
 * EventBridge Scheduler's part locally: fires each enabled schedule's backup workflow at its
 * cron times in its time zone. The execution name is derived from schedule and time, and the
 * engine runs a name once, so a restart (or two schedulers) cannot run a time twice.
 */
class LocalScheduler {
    ctx;
    engine;
    options;
    checkedUntil = new Map();
    running = new Set();
    timer;
    ticking;
    constructor(ctx, engine, options = {}) {
        this.ctx = ctx;
        this.engine = engine;
        this.options = options;
    }
    start() {
        const tick = () => {
            this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
        };
        tick();
        this.timer = setInterval(tick, this.options.tickMs ?? 15_000);
    }
    /** Stops firing; resolves when the runs already started have finished. */
    async stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = undefined;
        await this.ticking;
        await Promise.allSettled([...this.running]);
    }
    /** Starts what is due at `now`; the runs go on in the background. */
    async tick(now = this.ctx.now()) {
        let cursor;
        do {
            const page = await this.ctx.catalog.listSchedules({ limit: 1000, cursor });
            for (const schedule of page.items)
                if (schedule.enabled)
                    await this.fire(schedule, now);
            cursor = page.next;
        } while (cursor);
    }
    async fire(schedule, now) {
        const since = this.checkedUntil.get(schedule.id) ?? (await this.catchUpFrom(schedule, now));
        this.checkedUntil.set(schedule.id, now);
        const due = (0, cron_1.scheduledTimes)(schedule.schedule_cron, schedule.timezone, since, { until: now });
        // Missed times collapse into one run: the latest (a backup is of the present, not of the past).
        const time = due[due.length - 1];
        if (!time)
            return;
        const run = this.engine
            .run('backup', (0, schedules_1.scheduledBackupInput)(schedule, time), (0, schedules_1.scheduledExecutionName)(schedule, time))
            .then((record) => this.options.onRun?.(schedule, time, record), (error) => this.options.onError?.(schedule, error));
        this.running.add(run);
        void run.finally(() => this.running.delete(run));
    }
    /**
     * Where a schedule's first look starts: with catch-up, just after its latest backup (or its
     * creation), so a time missed while stopped runs now; without, at this moment.
     */
    async catchUpFrom(schedule, now) {
        if (this.options.catchUp === 'none')
            return now;
        const [latest] = (await this.ctx.catalog.listBackupsBySchedule(schedule.id, { limit: 1 })).items;
        const from = latest?.scheduled_at ?? latest?.created_at ?? schedule.created_at;
        return new Date(from);
    }
}
exports.LocalScheduler = LocalScheduler;
//# sourceMappingURL=scheduler.js.map