import { rpoStatus } from '../../functions/core/services/dashboard';

const now = new Date('2026-11-27T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

test("a schedule's RPO is its interval, with a tenth of it (at least 5 minutes) for the run in flight", () => {
  const daily = 86_400;
  expect(rpoStatus(true, hoursAgo(24), daily, now)).toBe('ok');
  expect(rpoStatus(true, hoursAgo(26), daily, now)).toBe('ok');
  expect(rpoStatus(true, hoursAgo(26.5), daily, now)).toBe('late');
  expect(rpoStatus(true, hoursAgo(49), daily, now)).toBe('late');
  // Every 15 minutes: grace is the 5-minute floor, not 90 seconds.
  expect(rpoStatus(true, hoursAgo(19 / 60), 900, now)).toBe('ok');
  expect(rpoStatus(true, hoursAgo(21 / 60), 900, now)).toBe('late');
});

test('never completed, disabled, and an expression with one run left are told apart', () => {
  expect(rpoStatus(true, null, 86_400, now)).toBe('never');
  expect(rpoStatus(false, hoursAgo(500), 86_400, now)).toBe('disabled');
  expect(rpoStatus(false, null, 86_400, now)).toBe('disabled');
  expect(rpoStatus(true, hoursAgo(500), null, now)).toBe('ok');
});
