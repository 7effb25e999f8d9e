import type {
  BucketCharge,
  ConcurrencyCharge,
  LimitState,
  QuotaCharge,
  RateLimitDecision,
  RateLimitRequest,
  RateLimitStore,
} from '../rate-limit.types';
import { ceilSeconds, quotaPeriod } from './periods';

interface BucketState {
  tokens: number;
  /** Epoch ms of the last update. */
  at: number;
  /** Epoch ms when the bucket is full again and may be forgotten. */
  idleAt: number;
}

interface QuotaState {
  used: number;
  /** End of the period (epoch ms): the counter is gone after it. */
  endMs: number;
}

export interface MemoryRateLimitStoreOptions {
  /** The clock (epoch ms); tests move it. */
  now?: () => number;
  /** Run the sweep of idle state at most this often (ms). */
  sweepIntervalMs?: number;
}

/**
 * Exact within one process (JavaScript runs one decision at a time): token buckets with millisecond
 * precision, quotas per UTC day/month, concurrency leases that expire. A decision checks every limit
 * first and charges only when all allow. Idle state (full buckets, past periods, expired leases) is
 * swept, so memory stays bounded by the number of active keys.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, BucketState>();
  private readonly quotas = new Map<string, QuotaState>();
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly now: () => number;
  private readonly sweepIntervalMs: number;
  private lastSweep: number;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
    this.lastSweep = this.now();
  }

  /** How many keys the store holds (buckets, quota counters, concurrency keys). */
  get size(): number {
    return this.buckets.size + this.quotas.size + this.leases.size;
  }

  consume(request: RateLimitRequest): Promise<RateLimitDecision> {
    return Promise.resolve(this.decide(request));
  }

  release(concurrency: readonly ConcurrencyCharge[], leaseId: string): Promise<void> {
    for (const charge of concurrency) {
      const held = this.leases.get(charge.key);
      if (!held) continue;
      held.delete(leaseId);
      if (held.size === 0) this.leases.delete(charge.key);
    }
    return Promise.resolve();
  }

  quotaUsage(quotas: readonly Pick<QuotaCharge, 'key' | 'period'>[]): Promise<number[]> {
    const now = this.now();
    return Promise.resolve(quotas.map((quota) => this.quotaState(quota, now)?.used ?? 0));
  }

  /** Synchronous decision (the memory store never waits). */
  decide(request: RateLimitRequest): RateLimitDecision {
    const now = this.now();
    this.maybeSweep(now);
    const states: LimitState[] = [];
    let denied: LimitState | undefined;
    let retryAfterMs = 0;

    // 1. Check every limit; nothing is written yet.
    const bucketTokens = request.buckets.map((charge) => this.tokensAt(charge, now));
    request.buckets.forEach((charge, i) => {
      if (denied || bucketTokens[i] >= charge.cost) return;
      denied = this.bucketState(charge, bucketTokens[i]);
      retryAfterMs = ((charge.cost - bucketTokens[i]) * 1000) / charge.ratePerSecond;
    });
    const periods = request.quotas.map((charge) => quotaPeriod(charge.period, now));
    const used = request.quotas.map((charge) => this.quotaState(charge, now)?.used ?? 0);
    request.quotas.forEach((charge, i) => {
      if (denied || used[i] + charge.cost <= charge.limit) return;
      denied = this.quotaLimitState(charge, used[i], periods[i].endMs - now, periods[i].endMs - periods[i].startMs);
      retryAfterMs = periods[i].endMs - now;
    });
    const active = request.concurrency.map((charge) => this.activeLeases(charge.key, now));
    request.concurrency.forEach((charge, i) => {
      const held = active[i];
      if (denied || held.has(request.leaseId) || held.size < charge.limit) return;
      denied = { name: charge.name, kind: 'concurrency', limit: charge.limit, remaining: 0, resetSeconds: 0, windowSeconds: 0 };
      retryAfterMs = 1000;
    });

    // 2. Charge only when everything allows.
    const allowed = denied === undefined;
    request.buckets.forEach((charge, i) => {
      let tokens = bucketTokens[i];
      if (allowed) {
        tokens -= charge.cost;
        const idleAt = now + Math.ceil(((charge.burst - tokens) * 1000) / charge.ratePerSecond);
        this.buckets.set(this.bucketKey(charge), { tokens, at: now, idleAt });
      }
      states.push(this.bucketState(charge, tokens));
    });
    request.quotas.forEach((charge, i) => {
      const period = periods[i];
      let count = used[i];
      if (allowed && charge.cost > 0) {
        count += charge.cost;
        this.quotas.set(`${charge.key}:${period.id}`, { used: count, endMs: period.endMs });
      }
      states.push(this.quotaLimitState(charge, count, period.endMs - now, period.endMs - period.startMs));
    });
    request.concurrency.forEach((charge, i) => {
      const held = active[i];
      if (allowed) {
        held.set(request.leaseId, now + charge.leaseMs);
        this.leases.set(charge.key, held);
      }
      states.push({
        name: charge.name,
        kind: 'concurrency',
        limit: charge.limit,
        remaining: Math.max(0, charge.limit - held.size),
        resetSeconds: 0,
        windowSeconds: 0,
      });
    });
    if (allowed) return { allowed: true, states };
    return { allowed: false, states, denied, retryAfterSeconds: ceilSeconds(retryAfterMs, 1) };
  }

  private bucketKey(charge: BucketCharge): string {
    // Buckets with different settings under one key would fight over one state; the settings are part of the policy.
    return charge.key;
  }

  private tokensAt(charge: BucketCharge, now: number): number {
    const state = this.buckets.get(this.bucketKey(charge));
    if (!state) return charge.burst;
    const elapsed = Math.max(0, now - state.at);
    return Math.min(charge.burst, state.tokens + (elapsed * charge.ratePerSecond) / 1000);
  }

  private bucketState(charge: BucketCharge, tokens: number): LimitState {
    return {
      name: charge.name,
      kind: 'bucket',
      limit: charge.burst,
      remaining: Math.max(0, Math.floor(tokens + 1e-9)),
      resetSeconds: ceilSeconds(((charge.burst - tokens) * 1000) / charge.ratePerSecond),
      windowSeconds: ceilSeconds((charge.burst * 1000) / charge.ratePerSecond, 1),
    };
  }

  private quotaState(charge: Pick<QuotaCharge, 'key' | 'period'>, now: number): QuotaState | undefined {
    const period = quotaPeriod(charge.period, now);
    const state = this.quotas.get(`${charge.key}:${period.id}`);
    return state && state.endMs > now ? state : undefined;
  }

  private quotaLimitState(charge: QuotaCharge, used: number, untilEndMs: number, lengthMs: number): LimitState {
    return {
      name: charge.name,
      kind: 'quota',
      limit: charge.limit,
      remaining: Math.max(0, charge.limit - used),
      resetSeconds: ceilSeconds(untilEndMs),
      windowSeconds: ceilSeconds(lengthMs),
    };
  }

  /** The unexpired leases of a key (expired ones are dropped). */
  private activeLeases(key: string, now: number): Map<string, number> {
    const held = this.leases.get(key);
    if (!held) return new Map();
    for (const [leaseId, expiresAt] of held) if (expiresAt <= now) held.delete(leaseId);
    return held;
  }

  private maybeSweep(now: number): void {
    if (now - this.lastSweep < this.sweepIntervalMs) return;
    this.lastSweep = now;
    this.sweep(now);
  }

  /** Forgets full buckets, past quota periods and expired leases. */
  sweep(now = this.now()): void {
    for (const [key, state] of this.buckets) if (state.idleAt <= now) this.buckets.delete(key);
    for (const [key, state] of this.quotas) if (state.endMs <= now) this.quotas.delete(key);
    for (const [key] of this.leases) if (this.activeLeases(key, now).size === 0) this.leases.delete(key);
  }
}
