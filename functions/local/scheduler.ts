import type { BackupSchedule } from '../core/model/schedule';
import type { ServiceContext } from '../core/services/context';
import { scheduledTimes } from '../core/services/schedules/cron';
import { scheduledBackupInput, scheduledExecutionName } from '../core/services/schedules/schedules';
import type { ExecutionRecord, LocalEngine } from './engine';

export interface SchedulerOptions {
  /** Missed runs while nothing was running: one run at start (default), or none. */
  catchUp?: 'once' | 'none';
  /** How often the schedules are looked at (default 15 s). */
  tickMs?: number;
  onRun?: (schedule: BackupSchedule, time: Date, run: ExecutionRecord) => void;
  onError?: (schedule: BackupSchedule, error: unknown) => void;
}

/**
 * EventBridge Scheduler's part locally: fires each enabled schedule's backup workflow at its
 * cron times in its time zone. The execution name is derived from schedule and time, and the
 * engine runs a name once, so a restart (or two schedulers) cannot run a time twice.
 */
export class LocalScheduler {
  private readonly checkedUntil = new Map<string, Date>();
  private readonly running = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly engine: LocalEngine,
    private readonly options: SchedulerOptions = {},
  ) {}

  start(): void {
    const tick = () => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.options.tickMs ?? 15_000);
  }

  /** Stops firing; resolves when the runs already started have finished. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await Promise.allSettled([...this.running]);
  }

  /** Starts what is due at `now`; the runs go on in the background. */
  async tick(now = this.ctx.now()): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.ctx.catalog.listSchedules({ limit: 1000, cursor });
      for (const schedule of page.items) if (schedule.enabled) await this.fire(schedule, now);
      cursor = page.next;
    } while (cursor);
  }

  private async fire(schedule: BackupSchedule, now: Date): Promise<void> {
    const since = this.checkedUntil.get(schedule.id) ?? (await this.catchUpFrom(schedule, now));
    this.checkedUntil.set(schedule.id, now);
    const due = scheduledTimes(schedule.schedule_cron, schedule.timezone, since, { until: now });
    // Missed times collapse into one run: the latest (a backup is of the present, not of the past).
    const time = due[due.length - 1];
    if (!time) return;
    const run = this.engine
      .run('backup', scheduledBackupInput(schedule, time), scheduledExecutionName(schedule, time))
      .then(
        (record) => this.options.onRun?.(schedule, time, record),
        (error: unknown) => this.options.onError?.(schedule, error),
      );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /**
   * Where a schedule's first look starts: with catch-up, just after its latest backup (or its
   * creation), so a time missed while stopped runs now; without, at this moment.
   */
  private async catchUpFrom(schedule: BackupSchedule, now: Date): Promise<Date> {
    if (this.options.catchUp === 'none') return now;
    const [latest] = (await this.ctx.catalog.listBackupsBySchedule(schedule.id, { limit: 1 })).items;
    const from = latest?.scheduled_at ?? latest?.created_at ?? schedule.created_at;
    return new Date(from);
  }
}
