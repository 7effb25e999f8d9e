import type { RateLimitDecision, RateLimitRequest, RateLimitStore } from '../rate-limit.types';
import { RateLimitThrottlerStorage } from './throttler-storage.adapter';

function fakeStore(decision: RateLimitDecision): { store: RateLimitStore; calls: RateLimitRequest[] } {
  const calls: RateLimitRequest[] = [];
  const store: RateLimitStore = {
    consume: (request) => {
      calls.push(request);
      return Promise.resolve(decision);
    },
    release: () => Promise.resolve(),
    quotaUsage: () => Promise.resolve([]),
  };
  return { store, calls };
}

describe('RateLimitThrottlerStorage (ThrottlerStorage over RATE_LIMIT_STORE)', () => {
  it('turns a named throttler (limit per ttl) into one token bucket', async () => {
    const { store, calls } = fakeStore({
      allowed: true,
      states: [{ name: 'burst', kind: 'bucket', limit: 10, remaining: 7, resetSeconds: 1.5, windowSeconds: 60 }],
    });
    const record = await new RateLimitThrottlerStorage(store).increment('k', 60_000, 10, 60_000, 'burst');
    expect(calls[0].buckets).toEqual([{ name: 'burst', key: 'throttler:burst:k', ratePerSecond: 10 / 60, burst: 10, cost: 1 }]);
    expect(record).toEqual({ totalHits: 3, timeToExpire: 2, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('reports a refusal as blocked, with a wait of at least one second', async () => {
    const denied = { name: 'burst', kind: 'bucket' as const, limit: 10, remaining: 0, resetSeconds: 0.2, windowSeconds: 60 };
    const { store } = fakeStore({ allowed: false, states: [denied], denied, retryAfterSeconds: 0.2 });
    const record = await new RateLimitThrottlerStorage(store).increment('k', 60_000, 10, 60_000, 'burst');
    expect(record).toMatchObject({ totalHits: 11, isBlocked: true, timeToBlockExpire: 1 });
  });
});
