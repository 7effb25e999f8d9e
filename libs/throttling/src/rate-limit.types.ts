/** Who or what a limit applies to. All that apply to a request are charged together, or none is. */
export const LIMIT_SCOPES = ['user', 'application', 'project', 'organization', 'model', 'global'] as const;
export type LimitScope = (typeof LIMIT_SCOPES)[number];

/** A token bucket: `ratePerSecond` tokens refill continuously up to `burst`; a request takes `cost`. */
export interface BucketCharge {
  /** Stable, bounded name for headers and metrics, e.g. "application". */
  name: string;
  /** Store key (without the store's own prefix), e.g. "bucket:application:<id>". */
  key: string;
  ratePerSecond: number;
  burst: number;
  cost: number;
}

/** A quota of units per calendar day or month (UTC), reset at the period's boundary. */
export interface QuotaCharge {
  name: string;
  key: string;
  limit: number;
  period: 'day' | 'month';
  cost: number;
}

/** At most `limit` requests in flight; each holds a lease that expires after `leaseMs` if never released. */
export interface ConcurrencyCharge {
  name: string;
  key: string;
  limit: number;
  leaseMs: number;
}

export interface RateLimitRequest {
  buckets: readonly BucketCharge[];
  quotas: readonly QuotaCharge[];
  concurrency: readonly ConcurrencyCharge[];
  /** Identifies this request's concurrency leases, so that release frees exactly them. */
  leaseId: string;
}

/** One limit's state after a decision, as the RateLimit headers report it. */
export interface LimitState {
  name: string;
  kind: 'bucket' | 'quota' | 'concurrency';
  /** The quota (`q`) of the policy: burst, quota limit, or concurrency limit. */
  limit: number;
  /** What is left after this decision (never negative). */
  remaining: number;
  /** Seconds until the limit has fully recovered (`t`), ≥ 0. */
  resetSeconds: number;
  /** The policy window (`w`) in seconds. */
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  states: LimitState[];
  /** The first limit that refused, when not allowed. */
  denied?: LimitState;
  /** When not allowed: seconds until a retry can succeed (≥ 1). */
  retryAfterSeconds?: number;
}

/**
 * Checks and charges every limit of a request atomically: if any refuses, nothing is charged. The
 * memory store is exact within one process; the Redis store is exact across replicas (one Lua script,
 * one round trip, every key with a TTL, all keys of a decision in one hash slot).
 */
export interface RateLimitStore {
  consume(request: RateLimitRequest): Promise<RateLimitDecision>;
  /** Frees the concurrency leases `consume` took for `leaseId`. */
  release(concurrency: readonly ConcurrencyCharge[], leaseId: string): Promise<void>;
  /** Units used so far in the current period of each quota (for GET /v1/usage). */
  quotaUsage(quotas: readonly Pick<QuotaCharge, 'key' | 'period'>[]): Promise<number[]>;
}

export const RATE_LIMIT_STORE = Symbol('RateLimitStore');

/** A plan's limits, as written in plans/*.yaml. */
export interface PlanLimits {
  rateLimits: Partial<Record<LimitScope, { rate: number; per: 'second' | 'minute'; burst: number }>>;
  quotas: Partial<Record<'organization' | 'application', { day?: number; month?: number }>>;
  concurrency: Partial<Record<'organization' | 'model', number>>;
}

export interface Plan extends PlanLimits {
  name: string;
  description?: string;
}

/** Which plan applies: organizations by name or id; applications and projects may override parts. */
export interface PlanAssignments {
  defaultPlan: string;
  organizations: Record<string, string>;
  applications: Record<string, Partial<PlanLimits>>;
  projects: Record<string, Partial<PlanLimits>>;
}

/** The validated plan set (plans/*.yaml), with a content-hash version. */
export interface PlanSet {
  version: string;
  plans: Record<string, Plan>;
  assignments: PlanAssignments;
}
