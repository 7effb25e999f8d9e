import { clientBucketKey, expandIpv6 } from './client-ip';
import { PreAuthLimiter } from './pre-auth-limiter';

describe('clientBucketKey', () => {
  it('keeps IPv4 and maps IPv4-mapped IPv6 to IPv4', () => {
    expect(clientBucketKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientBucketKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientBucketKey('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(clientBucketKey('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups IPv6 by /64, whatever the spelling', () => {
    const key = clientBucketKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    expect(clientBucketKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(key);
    expect(clientBucketKey('2001:DB8:1:2:aaaa::')).toBe(key);
    expect(clientBucketKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientBucketKey('2001:db8:1:3::1')).not.toBe(key);
    expect(clientBucketKey('::1')).toBe('0:0:0:0::/64');
  });

  it('expands IPv6 addresses', () => {
    expect(expandIpv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(expandIpv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(expandIpv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
  });

  it('keeps what is not an address apart', () => {
    expect(clientBucketKey(undefined)).toBe('unknown');
    expect(clientBucketKey('not-an-ip')).toBe('not-an-ip');
  });
});

describe('PreAuthLimiter', () => {
  it('admits the burst, then refills at the rate, per client', () => {
    let now = 1_000_000;
    const limiter = new PreAuthLimiter({ ratePerSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take('198.51.100.1').allowed)).toEqual([true, true, true, false]);
    expect(limiter.take('198.51.100.1')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    expect(limiter.take('198.51.100.2').allowed).toBe(true);
    now += 500;
    expect(limiter.take('198.51.100.1').allowed).toBe(true);
    expect(limiter.take('198.51.100.1').allowed).toBe(false);
  });

  it('counts a whole IPv6 /64 as one client', () => {
    const limiter = new PreAuthLimiter({ ratePerSecond: 1, burst: 2, now: () => 0 });
    expect(limiter.take('2001:db8::1').allowed).toBe(true);
    expect(limiter.take('2001:db8::2').allowed).toBe(true);
    expect(limiter.take('2001:db8::ffff:3').allowed).toBe(false);
    expect(limiter.take('2001:db8:0:1::1').allowed).toBe(true);
  });

  it('says how long to wait, in whole seconds', () => {
    const limiter = new PreAuthLimiter({ ratePerSecond: 0.1, burst: 1, now: () => 0 });
    limiter.take('192.0.2.1');
    expect(limiter.take('192.0.2.1').retryAfterSeconds).toBe(10);
  });

  it('keeps at most maxClients buckets, dropping the least recently seen', () => {
    const limiter = new PreAuthLimiter({ ratePerSecond: 1, burst: 1, maxClients: 2, now: () => 0 });
    limiter.take('192.0.2.1');
    limiter.take('192.0.2.2');
    limiter.take('192.0.2.1');
    limiter.take('192.0.2.3');
    expect(limiter.size).toBe(2);
    // .1 was seen more recently than .2, so it is still limited.
    expect(limiter.take('192.0.2.1').allowed).toBe(false);
  });
});
