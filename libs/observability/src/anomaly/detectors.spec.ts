import { DEFAULT_THRESHOLDS } from './anomaly.types';
import { AuthFailureDetector } from './auth-failure.detector';
import { EnumerationDetector } from './enumeration.detector';
import { NewSourceDetector } from './new-source.detector';
import { sourcePrefix } from './source-prefix';

const START = Date.UTC(2026, 0, 5, 0, 0, 0);

describe(AuthFailureDetector.name, () => {
  const sut = () => new AuthFailureDetector({ ...DEFAULT_THRESHOLDS, authFailuresPerMinute: 30 });

  it('flags more than the threshold of failures from one IP within a minute, once', () => {
    const detector = sut();
    const results = Array.from({ length: 40 }, (_, i) => detector.record('203.0.113.7', START + i * 500));
    expect(results.slice(0, 30).every((r) => r === null)).toBe(true);
    expect(results[30]).toBe(31);
    expect(results.slice(31).every((r) => r === null)).toBe(true);
  });

  it('does not flag a day of steady failures below the threshold (20 a minute), nor other IPs of a burst', () => {
    const detector = sut();
    for (let i = 0; i < 20 * 60 * 24; i += 1) expect(detector.record('198.51.100.1', START + i * 3_000)).toBeNull();
    for (let i = 0; i < 30; i += 1) expect(detector.record(`192.0.2.${i}`, START + i)).toBeNull();
  });

  it('forgets failures older than a minute', () => {
    const detector = sut();
    for (let i = 0; i < 30; i += 1) detector.record('203.0.113.8', START + i * 100);
    expect(detector.record('203.0.113.8', START + 70_000)).toBeNull();
  });
});

describe(EnumerationDetector.name, () => {
  const sut = () => new EnumerationDetector({ ...DEFAULT_THRESHOLDS, distinctNotFoundPerMinute: 50 });

  it('flags 100 distinct paths answered 404 within a minute, once', () => {
    const detector = sut();
    const flags = Array.from({ length: 100 }, (_, i) => detector.record('ip:203.0.113.9', `/v1/models/guess-${i}`, START + i * 100)).filter(
      (r) => r !== null,
    );
    expect(flags).toEqual([51]);
  });

  it('does not flag 100 requests to the same missing path', () => {
    const detector = sut();
    for (let i = 0; i < 100; i += 1) expect(detector.record('ip:203.0.113.10', '/v1/models/stale-link', START + i * 100)).toBeNull();
  });

  it('does not flag distinct 404s spread over more than a minute each', () => {
    const detector = sut();
    for (let i = 0; i < 500; i += 1) expect(detector.record('principal:app', `/v1/models/m-${i}`, START + i * 2_000)).toBeNull();
  });
});

describe(NewSourceDetector.name, () => {
  const thresholds = { ...DEFAULT_THRESHOLDS, sourceLearningSeconds: 3_600, sourceLearningRequests: 20 };

  it('learns an application’s networks, then flags a new /24 exactly once', () => {
    const sut = new NewSourceDetector(thresholds);
    for (let i = 0; i < 100; i += 1) {
      expect(sut.record('app-1', i % 2 ? '10.1.2.3' : '10.9.8.7', START + i * 60_000)).toBeNull();
    }
    const later = START + 2 * 3_600_000;
    expect(sut.record('app-1', '10.1.2.250', later)).toBeNull(); // same /24
    expect(sut.record('app-1', '203.0.113.50', later + 1)).toBe('203.0.113.0/24');
    expect(sut.record('app-1', '203.0.113.51', later + 2)).toBeNull();
    expect(sut.record('app-1', '203.0.113.50', later + 3)).toBeNull();
  });

  it('does not flag during the learning period, nor other applications', () => {
    const sut = new NewSourceDetector(thresholds);
    expect(sut.record('app-2', '10.0.0.1', START)).toBeNull();
    expect(sut.record('app-2', '198.51.100.1', START + 1_000)).toBeNull();
    for (let i = 0; i < 30; i += 1) sut.record('app-2', '10.0.0.1', START + 2 * 3_600_000 + i);
    expect(sut.record('app-3', '192.0.2.1', START + 3 * 3_600_000)).toBeNull();
  });

  it('groups IPv6 sources by /48', () => {
    const sut = new NewSourceDetector(thresholds);
    for (let i = 0; i < 30; i += 1) sut.record('app-4', '2001:db8:aaaa:1::1', START + i * 200_000);
    const later = START + 3 * 3_600_000;
    expect(sut.record('app-4', '2001:db8:aaaa:ffff::9', later)).toBeNull();
    expect(sut.record('app-4', '2001:db8:bbbb::1', later + 1)).toBe('2001:db8:bbbb::/48');
  });
});

describe(sourcePrefix.name, () => {
  it.each([
    ['192.0.2.17', '192.0.2.0/24'],
    ['::ffff:192.0.2.17', '192.0.2.0/24'],
    ['2001:db8::1', '2001:db8:0::/48'],
    ['2001:0DB8:0001:0002::', '2001:db8:1::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0::/48'],
    ['not-an-ip', null],
    ['', null],
  ])('%s → %s', (address, prefix) => {
    expect(sourcePrefix(address)).toBe(prefix);
  });
});
