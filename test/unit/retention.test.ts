import { InputError } from '../../functions/core/errors';
import { formatRetentionPolicy, parseRetentionPolicy } from '../../functions/core/services/retention/policy';
import { selectRetained, subtractDuration } from '../../functions/core/services/retention/select';

describe('retention policy', () => {
  it('parses the CLI form and prints it back', () => {
    const policy = parseRetentionPolicy('keep-last=3, keep-daily=7,keep-weekly=4,keep-within=1y6M');
    expect(policy).toEqual({ keep_last: 3, keep_daily: 7, keep_weekly: 4, keep_within: '1y6M' });
    expect(formatRetentionPolicy(policy)).toBe('keep-last=3,keep-daily=7,keep-weekly=4,keep-within=1y6M');
  });

  it.each([
    ['keep-dayly=7', /not a retention rule/],
    ['keep-daily=0', /positive whole number/],
    ['keep-daily=-1', /positive whole number/],
    ['keep-daily=1.5', /positive whole number/],
    ['keep-daily=7,keep-daily=8', /given twice/],
    ['keep-within=30 days', /malformed/],
    ['keep-daily', /not a retention rule/],
  ])('refuses %s with a clear message', (text, message) => {
    expect(() => parseRetentionPolicy(text)).toThrow(InputError);
    expect(() => parseRetentionPolicy(text)).toThrow(message);
  });
});

const hoursAgo = (now: Date, h: number) => new Date(now.getTime() - h * 3600_000).toISOString();

describe('selectRetained', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  // One snapshot every 6 hours for 60 days, newest first by id.
  const snapshots = Array.from({ length: 240 }, (_, i) => ({
    id: `s${String(i).padStart(3, '0')}`,
    time: hoursAgo(now, i * 6),
  }));

  it('keeps everything without rules', () => {
    expect(selectRetained(snapshots, {}, 'UTC', now).every((d) => d.keep)).toBe(true);
  });

  it('keep-last keeps the newest N', () => {
    const kept = selectRetained(snapshots, { keep_last: 5 }, 'UTC', now).filter((d) => d.keep);
    expect(kept.map((d) => d.id)).toEqual(['s000', 's001', 's002', 's003', 's004']);
  });

  it('keep-daily keeps the newest snapshot of each of the last N days that have one', () => {
    const kept = selectRetained(snapshots, { keep_daily: 3 }, 'UTC', now).filter((d) => d.keep);
    // Days: 11-26 (12:00, 06:00, 00:00 → newest s000), 11-25 (18:00 = s003), 11-24 (s007).
    expect(kept.map((d) => d.id)).toEqual(['s000', 's003', 's007']);
    expect(kept[1]!.reasons).toEqual(['daily 2026-11-25']);
  });

  it("counts days in the schedule's time zone", () => {
    // 2026-11-25T23:30Z is still the 25th in UTC but the 26th in Berlin (UTC+1).
    const two = [
      { id: 'a', time: '2026-11-26T08:00:00.000Z' },
      { id: 'b', time: '2026-11-25T23:30:00.000Z' },
    ];
    expect(selectRetained(two, { keep_daily: 2 }, 'UTC', now).filter((d) => d.keep)).toHaveLength(2);
    expect(
      selectRetained(two, { keep_daily: 2 }, 'Europe/Berlin', now)
        .filter((d) => d.keep)
        .map((d) => d.id),
    ).toEqual(['a']);
  });

  it('keep-weekly uses ISO weeks; keep-monthly and keep-yearly buckets by calendar', () => {
    const weekly = selectRetained(snapshots, { keep_weekly: 2 }, 'UTC', now).filter((d) => d.keep);
    // 2026-11-26 is a Thursday in ISO week 48; the week before ends on Sunday 2026-11-22.
    expect(weekly.map((d) => d.reasons[0])).toEqual(['weekly 2026-W48', 'weekly 2026-W47']);
    expect(weekly[1]!.id).toBe(snapshots.find((s) => s.time.startsWith('2026-11-22T18'))!.id);
    const monthly = selectRetained(snapshots, { keep_monthly: 12 }, 'UTC', now).filter((d) => d.keep);
    expect(monthly.map((d) => d.reasons[0])).toEqual([
      'monthly 2026-11',
      'monthly 2026-10',
      'monthly 2026-09',
    ]);
    const yearly = selectRetained(snapshots, { keep_yearly: 5 }, 'UTC', now).filter((d) => d.keep);
    expect(yearly.map((d) => d.id)).toEqual(['s000']);
  });

  it('keep-within keeps everything younger than the duration, and rules combine', () => {
    const decisions = selectRetained(snapshots, { keep_within: '2d', keep_last: 1 }, 'UTC', now);
    const kept = decisions.filter((d) => d.keep);
    expect(kept).toHaveLength(9); // 0, 6, ..., 48 hours
    expect(kept[0]!.reasons).toEqual(['last', 'within 2d']);
    expect(decisions.filter((d) => !d.keep).every((d) => d.reasons.length === 0)).toBe(true);
  });

  it('subtracts calendar months and years', () => {
    expect(subtractDuration(new Date('2026-03-31T00:00:00Z'), '1M').toISOString()).toBe(
      '2026-03-03T00:00:00.000Z',
    );
    expect(subtractDuration(new Date('2026-11-26T12:00:00Z'), '1y2w3h').toISOString()).toBe(
      '2025-11-12T09:00:00.000Z',
    );
  });
});
