import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ConcurrencyCharge, RateLimitDecision, RateLimitRequest, RateLimitStore } from '../rate-limit.types';

/** What ThrottlerStorage.increment answers (@nestjs/throttler does not export the record type itself). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * @nestjs/throttler's storage, implemented over the RATE_LIMIT_STORE port (memory or Redis). The
 * framework's own `increment` (a named throttler's limit per ttl) becomes one token bucket (`limit`
 * tokens refilled over `ttl`), so even plain ThrottlerGuard use is exact across replicas. The plan
 * throttler charges all of a request's scopes at once through QuotaService instead.
 */
export class RateLimitThrottlerStorage implements ThrottlerStorage {
  constructor(readonly store: RateLimitStore) {}

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const windowMs = Math.max(1, ttl);
    const decision = await this.store.consume({
      buckets: [
        { name: throttlerName, key: `throttler:${throttlerName}:${key}`, ratePerSecond: (limit * 1000) / windowMs, burst: limit, cost: 1 },
      ],
      quotas: [],
      concurrency: [],
      leaseId: '',
    });
    const state = decision.denied ?? decision.states[0];
    const remaining = state ? state.remaining : 0;
    const timeToExpire = Math.max(0, Math.ceil(state?.resetSeconds ?? 0));
    return {
      totalHits: decision.allowed ? limit - remaining : limit + 1,
      timeToExpire,
      isBlocked: !decision.allowed,
      timeToBlockExpire: decision.allowed ? 0 : Math.max(1, Math.ceil(decision.retryAfterSeconds ?? 1)),
    };
  }

  /** Every scope of one request, checked and charged atomically. */
  decide(request: RateLimitRequest): Promise<RateLimitDecision> {
    return this.store.consume(request);
  }

  release(concurrency: readonly ConcurrencyCharge[], leaseId: string): Promise<void> {
    return this.store.release(concurrency, leaseId);
  }
}
