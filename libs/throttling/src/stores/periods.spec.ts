import { quotaPeriod } from './periods';

describe('quotaPeriod', () => {
  it('names the UTC day and month containing the instant', () => {
    const now = Date.UTC(2026, 10, 26, 13, 45);
    expect(quotaPeriod('day', now)).toEqual({ id: 'd:2026-11-26', startMs: Date.UTC(2026, 10, 26), endMs: Date.UTC(2026, 10, 27) });
    expect(quotaPeriod('month', now)).toEqual({ id: 'm:2026-11', startMs: Date.UTC(2026, 10, 1), endMs: Date.UTC(2026, 11, 1) });
  });

  it('moves to the next period at the boundary, and back, although the last one is remembered', () => {
    const lastMsOfYear = Date.UTC(2027, 0, 1) - 1;
    expect(quotaPeriod('day', lastMsOfYear).id).toBe('d:2026-12-31');
    expect(quotaPeriod('month', lastMsOfYear).id).toBe('m:2026-12');
    expect(quotaPeriod('day', lastMsOfYear + 1).id).toBe('d:2027-01-01');
    expect(quotaPeriod('month', lastMsOfYear + 1)).toEqual({ id: 'm:2027-01', startMs: Date.UTC(2027, 0, 1), endMs: Date.UTC(2027, 1, 1) });
    // A clock stepped back (or a test's fake clock) gets the earlier period again.
    expect(quotaPeriod('day', lastMsOfYear).id).toBe('d:2026-12-31');
  });
});
