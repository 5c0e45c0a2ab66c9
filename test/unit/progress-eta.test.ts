import { eta } from '../../bin/cli/progress';

describe('progress ETA', () => {
  it('rounds up to whole seconds, and minutes never show 60 seconds', () => {
    expect(eta(0)).toBe('0s');
    expect(eta(0.2)).toBe('1s');
    expect(eta(59)).toBe('59s');
    expect(eta(59.5)).toBe('1m00s');
    expect(eta(61)).toBe('1m01s');
    // Was "1m60s": minutes from the floor and seconds rounded up separately.
    expect(eta(119.5)).toBe('2m00s');
    expect(eta(3599.2)).toBe('60m00s');
  });
});
