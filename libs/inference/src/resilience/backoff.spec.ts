import { fullJitterBackoffMs, parseRetryAfterMs } from './backoff';

describe('fullJitterBackoffMs', () => {
  it('draws from [0, min(cap, base·2^retry))', () => {
    expect(fullJitterBackoffMs(0, () => 0.999)).toBe(49);
    expect(fullJitterBackoffMs(1, () => 0.5)).toBe(50);
    expect(fullJitterBackoffMs(3, () => 0.999)).toBe(399);
    expect(fullJitterBackoffMs(10, () => 0.999)).toBe(999);
    expect(fullJitterBackoffMs(5, () => 0)).toBe(0);
  });

  it('stays within bounds for random draws', () => {
    for (let retry = 0; retry < 8; retry += 1) {
      for (let i = 0; i < 200; i += 1) {
        const wait = fullJitterBackoffMs(retry);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(Math.min(1_000, 50 * 2 ** retry));
      }
    }
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3_000);
    expect(parseRetryAfterMs(['0'], now)).toBe(0);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('-1', now)).toBeUndefined();
    expect(parseRetryAfterMs('1.5', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
  });
});
