import type { BackupSchedule } from '../model/schedule';

/**
 * Where schedules fire from, beside the catalog: EventBridge Scheduler in AWS (one schedule per
 * backup schedule). Locally the scheduler reads the catalog itself and there is no registry.
 */
export interface ScheduleRegistry {
  /** Refuses, before anything is written, what the registry cannot express (InputError). */
  check(schedule: BackupSchedule): void;
  /** Creates the schedule, or brings it up to date (expression, time zone, enabled). */
  put(schedule: BackupSchedule): Promise<void>;
  /** Removes it; one already gone is fine. */
  remove(name: string): Promise<void>;
}
