import type { LimitState } from '../rate-limit.types';
import { closestToExhaustion, rateLimitHeaders } from './rate-limit-headers';
import { nextPeriodStart, QuotaExhaustedException, RateLimitedException, retryAfterSeconds } from './rate-limit.errors';

const state = (over: Partial<LimitState>): LimitState => ({
  name: 'application',
  kind: 'bucket',
  limit: 10,
  remaining: 5,
  resetSeconds: 2.5,
  windowSeconds: 10,
  ...over,
});

describe('RateLimit headers', () => {
  it('formats the draft-ietf-httpapi-ratelimit-headers fields with integers', () => {
    expect(rateLimitHeaders(state({ remaining: 4.7, resetSeconds: 2.1, windowSeconds: 0.4 }))).toEqual({
      'RateLimit-Policy': '"application";q=10;w=1',
      RateLimit: '"application";r=4;t=3',
    });
    expect(
      rateLimitHeaders(
        state({ name: 'organization-day', kind: 'quota', limit: 1000, remaining: 0, resetSeconds: 0, windowSeconds: 86400 }),
      ),
    ).toEqual({
      'RateLimit-Policy': '"organization-day";q=1000;w=86400',
      RateLimit: '"organization-day";r=0;t=0',
    });
  });

  it('escapes the name as a structured-field string', () => {
    expect(rateLimitHeaders(state({ name: 'a"b\\c' }))['RateLimit-Policy']).toBe('"a\\"b\\\\c";q=10;w=10');
  });

  it('names the limit closest to exhaustion: smallest remaining share, then fewest remaining, then longest reset', () => {
    const org = state({ name: 'organization', limit: 100, remaining: 20 });
    const app = state({ name: 'application', limit: 10, remaining: 5 });
    const quota = state({ name: 'organization-day', kind: 'quota', limit: 1000, remaining: 150 });
    expect(closestToExhaustion([app, org, quota])?.name).toBe('organization-day');
    expect(closestToExhaustion([app, org])?.name).toBe('organization');
    expect(closestToExhaustion([state({ name: 'a', limit: 4, remaining: 2 }), state({ name: 'b', limit: 2, remaining: 1 })])?.name).toBe(
      'b',
    );
    expect(closestToExhaustion([state({ name: 'a', resetSeconds: 1 }), state({ name: 'b', resetSeconds: 9 })])?.name).toBe('b');
    expect(closestToExhaustion([])).toBeUndefined();
  });

  it('names a concurrency limit only when no windowed limit applies', () => {
    const inFlight = state({ name: 'organization-concurrency', kind: 'concurrency', limit: 2, remaining: 0, windowSeconds: 1 });
    expect(closestToExhaustion([inFlight, state({ remaining: 9 })])?.name).toBe('application');
    expect(closestToExhaustion([inFlight])?.name).toBe('organization-concurrency');
  });
});

describe('429 problems', () => {
  it('rate-limited carries Retry-After and the RateLimit fields', () => {
    const denied = state({ remaining: 0 });
    const error = new RateLimitedException(denied, 3, rateLimitHeaders(denied));
    expect(error.status).toBe(429);
    expect(error.type).toBe('urn:infergate:problem:rate-limited');
    expect(error.headers).toEqual({
      'Retry-After': '3',
      'RateLimit-Policy': '"application";q=10;w=10',
      RateLimit: '"application";r=0;t=3',
    });
  });

  it('quota-exhausted names the quota and its reset time', () => {
    const denied = state({ name: 'application-day', kind: 'quota', limit: 3, remaining: 0 });
    const error = new QuotaExhaustedException(denied, new Date('2026-11-27T00:00:00Z'), 3600, {});
    expect(error.type).toBe('urn:infergate:problem:quota-exhausted');
    expect(error.detail).toBe('The application-day quota of 3 units is exhausted; it resets at 2026-11-27T00:00:00.000Z.');
    expect(error.extensions).toEqual({ quota: 'application-day', limit: 3, resetsAt: '2026-11-27T00:00:00.000Z' });
    expect(error.headers['Retry-After']).toBe('3600');
  });

  it('Retry-After is a whole number of seconds, at least 1', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(0.01)).toBe(1);
    expect(retryAfterSeconds(1.2)).toBe(2);
    expect(retryAfterSeconds(undefined)).toBe(1);
  });

  it('quotas reset at the next UTC day or month', () => {
    const now = new Date('2026-12-31T23:59:59.999Z');
    expect(nextPeriodStart('day', now).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(nextPeriodStart('month', new Date('2026-02-10T05:00:00Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});
