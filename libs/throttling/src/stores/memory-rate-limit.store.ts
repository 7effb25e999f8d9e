import type {
  BucketCharge,
  ConcurrencyCharge,
  LimitState,
  QuotaCharge,
  RateLimitDecision,
  RateLimitRequest,
  RateLimitStore,
} from '../rate-limit.types';
import { ceilSeconds, quotaPeriod, type QuotaPeriod } from './periods';

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

/** The concurrency leases of one key. */
interface LeaseSet {
  /** Lease id → expiry (epoch ms). */
  held: Map<string, number>;
  /**
   * No lease expires before this (epoch ms): expired leases are looked for only once it has passed,
   * not on every decision. It may be early (the earliest lease was released), never late.
   */
  nextExpiry: number;
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
  private readonly leases = new Map<string, LeaseSet>();
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
      const leases = this.leases.get(charge.key);
      if (!leases) continue;
      leases.held.delete(leaseId);
      if (leases.held.size === 0) this.leases.delete(charge.key);
    }
    return Promise.resolve();
  }

  quotaUsage(quotas: readonly Pick<QuotaCharge, 'key' | 'period'>[]): Promise<number[]> {
    const now = this.now();
    return Promise.resolve(quotas.map((quota) => this.quotaUsed(quota.key, quotaPeriod(quota.period, now))));
  }

  /** Synchronous decision (the memory store never waits). Checks every limit first, charges only when all allow. */
  decide(request: RateLimitRequest): RateLimitDecision {
    const now = this.now();
    this.maybeSweep(now);
    const { buckets, quotas, concurrency } = request;
    let denied: LimitState | undefined;
    let retryAfterMs = 0;

    // 1. Check every limit; nothing is written yet.
    const bucketTokens = new Array<number>(buckets.length);
    for (let i = 0; i < buckets.length; i += 1) {
      const charge = buckets[i];
      const tokens = this.tokensAt(charge, now);
      bucketTokens[i] = tokens;
      if (denied || tokens >= charge.cost) continue;
      denied = this.bucketState(charge, tokens);
      retryAfterMs = ((charge.cost - tokens) * 1000) / charge.ratePerSecond;
    }
    const periods = new Array<QuotaPeriod>(quotas.length);
    const used = new Array<number>(quotas.length);
    for (let i = 0; i < quotas.length; i += 1) {
      const charge = quotas[i];
      const period = quotaPeriod(charge.period, now);
      periods[i] = period;
      used[i] = this.quotaUsed(charge.key, period);
      if (denied || used[i] + charge.cost <= charge.limit) continue;
      denied = this.quotaLimitState(charge, used[i], period.endMs - now, period.endMs - period.startMs);
      retryAfterMs = period.endMs - now;
    }
    const active = new Array<LeaseSet | undefined>(concurrency.length);
    for (let i = 0; i < concurrency.length; i += 1) {
      const charge = concurrency[i];
      const leases = this.activeLeases(charge.key, now);
      active[i] = leases;
      const heldCount = leases?.held.size ?? 0;
      if (denied || heldCount < charge.limit || leases?.held.has(request.leaseId)) continue;
      denied = { name: charge.name, kind: 'concurrency', limit: charge.limit, remaining: 0, resetSeconds: 0, windowSeconds: 0 };
      retryAfterMs = 1000;
    }

    // 2. Charge only when everything allows.
    const allowed = denied === undefined;
    const states: LimitState[] = [];
    for (let i = 0; i < buckets.length; i += 1) {
      const charge = buckets[i];
      let tokens = bucketTokens[i];
      if (allowed) {
        tokens -= charge.cost;
        const idleAt = now + Math.ceil(((charge.burst - tokens) * 1000) / charge.ratePerSecond);
        this.buckets.set(this.bucketKey(charge), { tokens, at: now, idleAt });
      }
      states.push(this.bucketState(charge, tokens));
    }
    for (let i = 0; i < quotas.length; i += 1) {
      const charge = quotas[i];
      const period = periods[i];
      let count = used[i];
      if (allowed && charge.cost > 0) {
        count += charge.cost;
        this.quotas.set(`${charge.key}:${period.id}`, { used: count, endMs: period.endMs });
      }
      states.push(this.quotaLimitState(charge, count, period.endMs - now, period.endMs - period.startMs));
    }
    for (let i = 0; i < concurrency.length; i += 1) {
      const charge = concurrency[i];
      let leases = active[i];
      if (allowed) {
        const expiresAt = now + charge.leaseMs;
        if (!leases) {
          leases = { held: new Map(), nextExpiry: expiresAt };
          this.leases.set(charge.key, leases);
        }
        leases.held.set(request.leaseId, expiresAt);
        leases.nextExpiry = Math.min(leases.nextExpiry, expiresAt);
      }
      states.push({
        name: charge.name,
        kind: 'concurrency',
        limit: charge.limit,
        remaining: Math.max(0, charge.limit - (leases?.held.size ?? 0)),
        resetSeconds: 0,
        windowSeconds: 0,
      });
    }
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

  /** Units spent under `key` in `period` (0 for a period that has not started or is over). */
  private quotaUsed(key: string, period: QuotaPeriod): number {
    return this.quotas.get(`${key}:${period.id}`)?.used ?? 0;
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

  /** The unexpired leases of a key (expired ones are dropped once one can have expired), or undefined when none is held. */
  private activeLeases(key: string, now: number): LeaseSet | undefined {
    const leases = this.leases.get(key);
    if (!leases || leases.nextExpiry > now) return leases;
    let nextExpiry = Number.POSITIVE_INFINITY;
    for (const [leaseId, expiresAt] of leases.held) {
      if (expiresAt <= now) leases.held.delete(leaseId);
      else nextExpiry = Math.min(nextExpiry, expiresAt);
    }
    leases.nextExpiry = nextExpiry;
    if (leases.held.size > 0) return leases;
    this.leases.delete(key);
    return undefined;
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
    for (const key of [...this.leases.keys()]) this.activeLeases(key, now);
  }
}
