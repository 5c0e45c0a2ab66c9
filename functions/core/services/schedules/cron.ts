import { CronExpressionParser } from 'cron-parser';
import { InputError } from '../../errors';
import { SEED_CRON_PATTERN } from '../../model/schedule';

const CRON_HINT =
  'Use five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every day or "*/15 * * * 1-5" for every 15 minutes on weekdays.';

/** Throws InputError unless `expression` is a valid 5-field cron expression (the seed's rule, then a real parse). */
export function validateCron(expression: string): void {
  const trimmed = expression.trim();
  if (!SEED_CRON_PATTERN.test(trimmed))
    throw new InputError(`"${expression}" is not a 5-field cron expression.`, CRON_HINT);
  try {
    CronExpressionParser.parse(trimmed, { strict: false });
  } catch (error) {
    throw new InputError(
      `"${expression}" is not a valid cron expression: ${(error as Error).message}.`,
      CRON_HINT,
    );
  }
}

/** Throws InputError unless `zone` is an IANA time zone this runtime knows (e.g. Europe/Berlin). */
export function validateTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new InputError(
      `"${zone}" is not a known time zone.`,
      'Use an IANA name such as UTC, Europe/Berlin or America/New_York.',
    );
  }
}

/** The scheduled times after `after` (exclusive), in order, up to `count` of them or until `until` (inclusive). */
export function scheduledTimes(
  expression: string,
  zone: string,
  after: Date,
  options: { count?: number; until?: Date },
): Date[] {
  const interval = CronExpressionParser.parse(expression.trim(), {
    tz: zone,
    currentDate: after,
    ...(options.until ? { endDate: options.until } : {}),
  });
  const times: Date[] = [];
  const max = options.count ?? Number.POSITIVE_INFINITY;
  while (times.length < max && interval.hasNext()) {
    const next = interval.next().toDate();
    if (options.until && next.getTime() > options.until.getTime()) break;
    times.push(next);
  }
  return times;
}
