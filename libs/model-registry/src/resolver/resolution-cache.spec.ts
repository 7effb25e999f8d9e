import { ResolutionCache } from './resolution-cache';

describe(ResolutionCache.name, () => {
  let now = 0;
  const sut = new ResolutionCache<string>(5_000, () => now);

  beforeEach(() => {
    now = 1_000;
    sut.invalidateAll();
  });

  it('keeps an entry for its TTL and not a millisecond longer', () => {
    sut.set('k', 'v');
    now += 4_999;
    expect(sut.get('k')).toBe('v');
    now += 1;
    expect(sut.get('k')).toBeUndefined();
    expect(sut.size).toBe(0);
  });

  it('forgets everything on invalidation', () => {
    sut.set('a', '1');
    sut.set('b', '2');
    sut.invalidateAll();
    expect([sut.get('a'), sut.get('b')]).toEqual([undefined, undefined]);
  });
});
