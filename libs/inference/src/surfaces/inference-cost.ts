import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@infergate/identity';
import type { ModelCost } from '@infergate/model-registry';
import {
  limitKeys,
  nextPeriodStart,
  QuotaExhaustedException,
  RATE_LIMIT_STORE,
  rateLimitHeaders,
  retryAfterSeconds,
  type QuotaCharge,
  type RateLimitStore,
  type ThrottledRequest,
} from '@infergate/throttling';

/** Quota units a call spends in total: `units` per request, or per input element (rows, tensor elements, tokens). */
export function callCost(cost: ModelCost, elements: number): number {
  return cost.per === 'element' ? cost.units * Math.max(1, elements) : cost.units;
}

/**
 * The rest of an inference call's quota cost. The RateLimitGuard charges every scope 1 unit before
 * the handler runs (it cannot know the version or the element count yet); once the contract check
 * has counted the elements, this charges the remaining `total - 1` units against the same
 * organization and application quotas, atomically, before anything goes upstream. Rate-limit
 * buckets and concurrency stay per request (they bound calls, not work).
 *
 * The quotas charged are the ones the guard's decision reported for this request (their names are
 * `<scope>-<period>` as buildRateLimitRequest makes them), so the plan is not looked up twice.
 * A refusal is the guard's own 429 quota-exhausted problem; the unit the guard took stays spent.
 */
@Injectable()
export class InferenceCostCharger {
  constructor(@Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore) {}

  async chargeRemainder(request: ThrottledRequest, principal: Principal, totalUnits: number): Promise<void> {
    const remainder = Math.ceil(totalUnits) - 1;
    if (remainder <= 0) return;
    const quotas = this.quotasOf(request, principal, remainder);
    if (quotas.length === 0) return;
    const decision = await this.store.consume({ buckets: [], quotas, concurrency: [], leaseId: randomUUID() });
    if (decision.allowed) return;
    const denied = decision.denied ?? decision.states[0];
    const quota = quotas.find((q) => q.name === denied.name) ?? quotas[0];
    throw new QuotaExhaustedException(
      denied,
      nextPeriodStart(quota.period, new Date()),
      retryAfterSeconds(decision.retryAfterSeconds ?? denied.resetSeconds),
      rateLimitHeaders(denied),
    );
  }

  private quotasOf(request: ThrottledRequest, principal: Principal, cost: number): QuotaCharge[] {
    const states = request.rateLimit?.decision.states ?? [];
    const quotas: QuotaCharge[] = [];
    for (const state of states) {
      if (state.kind !== 'quota') continue;
      const match = /^(organization|application)-(day|month)$/.exec(state.name);
      if (!match) continue;
      const scope = match[1] as 'organization' | 'application';
      const period = match[2] as 'day' | 'month';
      const id = scope === 'organization' ? principal.orgId : principal.kind === 'application' ? principal.subject : null;
      if (!id) continue;
      quotas.push({ name: state.name, key: limitKeys.quota(scope, id, period), limit: state.limit, period, cost });
    }
    return quotas;
  }
}
