import { InputError } from '../../functions/core/errors';
import { scheduledTimes, validateCron, validateTimeZone } from '../../functions/core/services/schedules/cron';

describe('cron', () => {
  it.each(['0 2 * * *', '*/15 * * * 1-5', '0 0 1,15 * *', '30 4 * 1-6 0'])('accepts %s', (expr) => {
    expect(() => validateCron(expr)).not.toThrow();
  });

  it.each([
    ['0 2 * *', /5-field/],
    ['0 2 * * * *', /5-field/],
    ['@daily', /5-field/],
    ['61 * * * *', /not a valid cron/],
    ['0 25 * * *', /not a valid cron/],
    ['0 2 * * MON', /5-field/],
  ])('refuses %s', (expr, message) => {
    expect(() => validateCron(expr)).toThrow(InputError);
    expect(() => validateCron(expr)).toThrow(message);
  });

  it('knows IANA time zones and refuses others', () => {
    expect(() => validateTimeZone('Europe/Berlin')).not.toThrow();
    expect(() => validateTimeZone('Mars/Olympus')).toThrow(/not a known time zone/);
  });

  it("computes the next runs in the schedule's time zone, across a DST change", () => {
    // 04:00 every day in Berlin: summer time (UTC+2) until 2026-10-25 01:00 UTC, then UTC+1.
    const times = scheduledTimes('0 4 * * *', 'Europe/Berlin', new Date('2026-10-23T00:00:00Z'), {
      count: 4,
    });
    expect(times.map((t) => t.toISOString())).toEqual([
      '2026-10-23T02:00:00.000Z',
      '2026-10-24T02:00:00.000Z',
      '2026-10-25T03:00:00.000Z',
      '2026-10-26T03:00:00.000Z',
    ]);
  });

  it('lists the times missed between two moments', () => {
    const missed = scheduledTimes('0 * * * *', 'UTC', new Date('2026-11-26T09:59:00Z'), {
      until: new Date('2026-11-26T12:00:00Z'),
    });
    expect(missed.map((t) => t.toISOString().slice(11, 16))).toEqual(['10:00', '11:00', '12:00']);
  });
});
