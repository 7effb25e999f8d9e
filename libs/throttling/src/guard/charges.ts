import type { Principal } from '@infergate/contracts';
import type { BucketCharge, ConcurrencyCharge, LimitScope, PlanLimits, QuotaCharge, RateLimitRequest } from '../rate-limit.types';

/** What a request is charged against, besides its principal. */
export interface ChargeTarget {
  /** The model the route addresses (its `:model` parameter), when it addresses one. */
  model?: string;
  /**
   * Quota units this request spends. One per request today; inference routes will set it from the
   * model version's cost (per request, or per input element/token) — the hook for that.
   */
  cost?: number;
}

export interface ChargeInput extends ChargeTarget {
  principal: Pick<Principal, 'kind' | 'subject' | 'orgId' | 'projectIds'>;
  limits: PlanLimits;
  leaseMs: number;
  leaseId: string;
}

/** Tokens per second of a plan's rate limit. */
export function ratePerSecond(limit: { rate: number; per: 'second' | 'minute' }): number {
  return limit.per === 'minute' ? limit.rate / 60 : limit.rate;
}

/**
 * The store key of each scope. Ids are UUIDs or registry names; keys stay bounded because every
 * part is one identifier. The store adds its own prefix (and hash tag).
 */
export const limitKeys = {
  bucket: (scope: LimitScope, id?: string): string => (id === undefined ? `bucket:${scope}` : `bucket:${scope}:${id}`),
  quota: (scope: 'organization' | 'application', id: string, period: 'day' | 'month'): string => `quota:${scope}:${id}:${period}`,
  concurrency: (scope: 'organization' | 'model', id: string): string => `concurrency:${scope}:${id}`,
};

/**
 * Every limit that applies to one request, to be checked and charged together:
 * - buckets: `user` or `application` (by principal kind), `project` (the principal's FIRST project id:
 *   a principal's requests are not attributed to a project yet, and charging every project it belongs
 *   to would let one noisy project member starve the others), `organization`, `model` (when the route
 *   names one) and `global` — each only when the plan sets it;
 * - quotas: organization and application, per day and per month, spending `cost` units;
 * - concurrency: organization, and model when the route names one.
 */
export function buildRateLimitRequest(input: ChargeInput): RateLimitRequest {
  const { principal, limits, model } = input;
  const cost = input.cost ?? 1;
  const ids: Partial<Record<LimitScope, string | null>> = {
    user: principal.kind === 'user' ? principal.subject : undefined,
    application: principal.kind === 'application' ? principal.subject : undefined,
    project: principal.projectIds[0],
    organization: principal.orgId ?? undefined,
    model,
    global: null,
  };

  const buckets: BucketCharge[] = [];
  for (const scope of ['user', 'application', 'project', 'organization', 'model', 'global'] as const) {
    const limit = limits.rateLimits[scope];
    const id = ids[scope];
    if (!limit || id === undefined) continue;
    buckets.push({
      name: scope,
      key: limitKeys.bucket(scope, id ?? undefined),
      ratePerSecond: ratePerSecond(limit),
      burst: limit.burst,
      cost: 1,
    });
  }

  const quotas: QuotaCharge[] = [];
  for (const scope of ['organization', 'application'] as const) {
    const id = ids[scope];
    const quota = limits.quotas[scope];
    if (!quota || !id) continue;
    for (const period of ['day', 'month'] as const) {
      const limit = quota[period];
      if (limit === undefined) continue;
      quotas.push({ name: `${scope}-${period}`, key: limitKeys.quota(scope, id, period), limit, period, cost });
    }
  }

  const concurrency: ConcurrencyCharge[] = [];
  for (const scope of ['organization', 'model'] as const) {
    const id = ids[scope];
    const limit = limits.concurrency[scope];
    if (limit === undefined || !id) continue;
    concurrency.push({ name: `${scope}-concurrency`, key: limitKeys.concurrency(scope, id), limit, leaseMs: input.leaseMs });
  }

  return { buckets, quotas, concurrency, leaseId: input.leaseId };
}
