import { Logger } from '@nestjs/common';
import { ServiceUnavailableException } from '@infergate/common';
import type { ThrottlingOptions } from '../throttling.options';
import type { ConcurrencyCharge, QuotaCharge, RateLimitDecision, RateLimitRequest, RateLimitStore } from '../rate-limit.types';
import { MemoryRateLimitStore } from './memory-rate-limit.store';

/** Longest a decision waits for a Redis that has gone silent before the fail mode applies. */
export const RATE_LIMIT_REDIS_TIMEOUT_MS = 50;
/** Longest a decision waits for a Redis that is answering other decisions, i.e. busy, not gone. */
export const RATE_LIMIT_REDIS_BUSY_LIMIT_MS = 1_000;

/** A shared store that can say it is disconnected without trying (RedisRateLimitStore). */
export interface SharedRateLimitStore extends RateLimitStore {
  isReady?(): boolean;
}

export interface ResilientConfig {
  throttling: Pick<ThrottlingOptions, 'failMode' | 'expectedReplicas'>;
}

class SharedStoreTimeout extends Error {
  constructor() {
    super(`rate-limit store did not answer within ${RATE_LIMIT_REDIS_TIMEOUT_MS} ms`);
  }
}

/**
 * Puts the configured fail mode in front of the shared (Redis) store. When a decision cannot be made
 * by Redis (disconnected, error, or silent for 50 ms — see `call`):
 * - `fail-closed`: a 503 problem, at once;
 * - `fail-open`: a local per-replica MemoryRateLimitStore decides, with every limit divided by
 *   `throttling.expectedReplicas`, so the replicas together stay near the configured limit.
 * Nothing is queued or replayed; every decision tries Redis again, so it recovers by itself.
 */
export class ResilientRateLimitStore implements RateLimitStore {
  private readonly logger = new Logger('RateLimitStore');
  private readonly failOpen: boolean;
  private readonly replicas: number;
  private degraded = false;
  /** When the shared store last answered anything (performance.now()). */
  private lastAnswerAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly shared: SharedRateLimitStore,
    config: ResilientConfig,
    private readonly local: MemoryRateLimitStore = new MemoryRateLimitStore(),
    private readonly timeoutMs = RATE_LIMIT_REDIS_TIMEOUT_MS,
  ) {
    this.failOpen = config.throttling.failMode === 'fail-open';
    this.replicas = Math.max(1, Math.floor(config.throttling.expectedReplicas || 1));
  }

  /** Whether the last decision had to do without Redis. */
  get isDegraded(): boolean {
    return this.degraded;
  }

  async consume(request: RateLimitRequest): Promise<RateLimitDecision> {
    try {
      const decision = await this.call(() => this.shared.consume(request));
      this.recovered();
      return decision;
    } catch (error) {
      this.unavailable(error);
      if (!this.failOpen) throw new ServiceUnavailableException('Rate limits cannot be checked right now. Retry later.', 1);
      return this.local.decide(divide(request, this.replicas));
    }
  }

  async release(concurrency: readonly ConcurrencyCharge[], leaseId: string): Promise<void> {
    await this.local.release(concurrency, leaseId);
    try {
      await this.call(() => this.shared.release(concurrency, leaseId));
    } catch (error) {
      // The lease expires by itself (leaseMs); nothing is queued for later.
      this.unavailable(error);
    }
  }

  async quotaUsage(quotas: readonly Pick<QuotaCharge, 'key' | 'period'>[]): Promise<number[]> {
    try {
      return await this.call(() => this.shared.quotaUsage(quotas));
    } catch (error) {
      this.unavailable(error);
      throw new ServiceUnavailableException('Usage cannot be read right now. Retry later.', 1);
    }
  }

  /**
   * Runs one shared-store operation with a liveness-aware deadline. After `timeoutMs` without an answer
   * the decision waits one more turn of the event loop (a reply already in the socket buffer is read
   * first), then fails — unless the store answered other calls since this one was sent: then it is
   * busy (a burst, a loaded event loop), not gone, and the call may wait up to the busy limit. A
   * killed Redis fails at once (not connected); a hung one within about `timeoutMs`.
   */
  private call<T>(operation: () => Promise<T>): Promise<T> {
    if (this.shared.isReady && !this.shared.isReady()) return Promise.reject(new Error('redis is not connected'));
    const sentAt = performance.now();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const expire = (): void => {
        setImmediate(() => {
          if (settled) return;
          const busy = this.lastAnswerAt > sentAt && performance.now() - sentAt < RATE_LIMIT_REDIS_BUSY_LIMIT_MS;
          if (busy) {
            timer = setTimeout(expire, this.timeoutMs);
            return;
          }
          settled = true;
          reject(new SharedStoreTimeout());
        });
      };
      timer = setTimeout(expire, this.timeoutMs);
      operation().then(
        (value) => {
          this.lastAnswerAt = performance.now();
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private unavailable(error: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(
      { event: 'throttling.store.unavailable', mode: this.failOpen ? 'fail-open' : 'fail-closed', err: error },
      `rate-limit store unavailable; ${this.failOpen ? `limiting locally at 1/${this.replicas} of each limit` : 'refusing with 503'}`,
    );
  }

  private recovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.log({ event: 'throttling.store.recovered' }, 'rate-limit store reachable again');
  }
}

/** The request with every limit divided by the replica count (rates and bursts proportionally, counts at least 1). */
export function divide(request: RateLimitRequest, replicas: number): RateLimitRequest {
  if (replicas <= 1) return request;
  const share = (limit: number): number => Math.max(1, Math.floor(limit / replicas));
  return {
    leaseId: request.leaseId,
    buckets: request.buckets.map((b) => ({ ...b, ratePerSecond: b.ratePerSecond / replicas, burst: share(b.burst) })),
    quotas: request.quotas.map((q) => ({ ...q, limit: share(q.limit) })),
    concurrency: request.concurrency.map((c) => ({ ...c, limit: share(c.limit) })),
  };
}
