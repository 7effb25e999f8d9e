import type { Principal } from '@infergate/contracts';
import { VerifiedTokenCache } from './verified-token.cache';

const principal = { subject: 's' } as Principal;

describe(VerifiedTokenCache.name, () => {
  let now: number;
  beforeEach(() => {
    now = 1_000_000_000;
  });

  it('never serves an entry at or after the token expiry', () => {
    const sut = new VerifiedTokenCache({ now: () => now });
    sut.set('a', { principal, expiresAt: now / 1000 + 10 });
    expect(sut.get('a')).toBeDefined();
    now += 10_000;
    expect(sut.get('a')).toBeUndefined();
    sut.set('b', { principal, expiresAt: now / 1000 - 1 });
    expect(sut.size).toBe(0);
  });

  it('stays within its bound, evicting the least recently used', () => {
    const sut = new VerifiedTokenCache({ maxEntries: 3, now: () => now });
    for (const key of ['a', 'b', 'c']) sut.set(key, { principal, expiresAt: now / 1000 + 60 });
    sut.get('a');
    sut.set('d', { principal, expiresAt: now / 1000 + 60 });
    expect(sut.size).toBe(3);
    expect(sut.get('b')).toBeUndefined();
    expect(sut.get('a')).toBeDefined();
  });

  it('keys by a digest of the token, not the token', () => {
    expect(VerifiedTokenCache.keyOf('secret-token')).not.toContain('secret');
    expect(VerifiedTokenCache.keyOf('secret-token')).toHaveLength(43);
  });
});
