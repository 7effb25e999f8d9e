import { validateOptions } from '@infergate/common';
import { IdentityModuleOptions } from '../identity.options';
import { AuthenticationThrottledException } from './authentication.errors';
import { FailedAuthLimiter } from './failed-auth.limiter';

describe(FailedAuthLimiter.name, () => {
  const config = validateOptions(
    IdentityModuleOptions,
    { failedAuthSlowAfter: 3, failedAuthBlockAfter: 6, failedAuthWindowSeconds: 60, failedAuthBlockSeconds: 120 },
    'identity',
  );
  let sut: FailedAuthLimiter;
  const t0 = 1_000_000;

  beforeEach(() => {
    sut = new FailedAuthLimiter(config);
  });

  it('delays answers after the slow threshold, growing with each failure', () => {
    const delays = [1, 2, 3, 4, 5].map((i) => sut.recordFailure('10.0.0.1', t0 + i));
    expect(delays).toEqual([0, 0, 0, 200, 400]);
  });

  it('blocks the source at the block threshold for the configured time, then lets it in again', () => {
    for (let i = 0; i < 6; i += 1) sut.recordFailure('10.0.0.1', t0 + i);
    expect(() => sut.assertAllowed('10.0.0.1', t0 + 10)).toThrow(AuthenticationThrottledException);
    try {
      sut.assertAllowed('10.0.0.1', t0 + 10);
    } catch (error) {
      expect((error as AuthenticationThrottledException).headers['Retry-After']).toBe('120');
    }
    expect(() => sut.assertAllowed('10.0.0.2', t0 + 10)).not.toThrow();
    expect(() => sut.assertAllowed('10.0.0.1', t0 + 5 + 120_000)).not.toThrow();
  });

  it('forgets failures older than the window', () => {
    for (let i = 0; i < 5; i += 1) sut.recordFailure('10.0.0.1', t0 + i);
    expect(sut.recordFailure('10.0.0.1', t0 + 61_000)).toBe(0);
    expect(() => sut.assertAllowed('10.0.0.1', t0 + 61_001)).not.toThrow();
  });
});
