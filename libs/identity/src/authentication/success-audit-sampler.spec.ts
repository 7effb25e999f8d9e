import { SuccessAuditSampler } from './success-audit-sampler';

describe(SuccessAuditSampler.name, () => {
  let now: number;
  const sampler = (intervalMs = 1_000, maxEntries = 3) => new SuccessAuditSampler(intervalMs, maxEntries, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('audits the first use, not the repeats within the interval, and again after it', () => {
    const sut = sampler();
    expect(sut.shouldAudit('jti-1', '10.0.0.1')).toBe(true);
    now += 999;
    expect(sut.shouldAudit('jti-1', '10.0.0.1')).toBe(false);
    now += 1;
    expect(sut.shouldAudit('jti-1', '10.0.0.1')).toBe(true);
  });

  it('audits the same credential from a new source at once', () => {
    const sut = sampler();
    expect(sut.shouldAudit('jti-1', '10.0.0.1')).toBe(true);
    expect(sut.shouldAudit('jti-1', '192.0.2.7')).toBe(true);
    expect(sut.shouldAudit('jti-2', '10.0.0.1')).toBe(true);
  });

  it('forgets the least recently audited credential beyond its bound, erring towards auditing again', () => {
    const sut = sampler(60_000, 2);
    expect(sut.shouldAudit('a', 's')).toBe(true);
    expect(sut.shouldAudit('b', 's')).toBe(true);
    expect(sut.shouldAudit('c', 's')).toBe(true);
    expect(sut.shouldAudit('b', 's')).toBe(false);
    expect(sut.shouldAudit('a', 's')).toBe(true);
  });
});
