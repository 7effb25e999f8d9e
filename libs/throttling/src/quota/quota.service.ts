import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedRequest, Principal } from '@infergate/contracts';
import { GatewayMetrics, LabelChildren } from '@infergate/observability';
import { buildRateLimitRequest } from '../guard/charges';
import { OrganizationNames } from '../guard/organization-names';
import { closestToExhaustion, rateLimitHeaders } from '../guard/rate-limit-headers';
import { nextPeriodStart, QuotaExhaustedException, RateLimitedException, retryAfterSeconds } from '../guard/rate-limit.errors';
import { PlanResolver } from '../plans';
import {
  RATE_LIMIT_STORE,
  type LimitState,
  type PlanLimits,
  type RateLimitDecision,
  type RateLimitRequest,
  type RateLimitStore,
} from '../rate-limit.types';
import { THROTTLING_OPTIONS, type ThrottlingModuleOptions } from '../throttling.options';

/** A principal's plan limits, and the plan's name. */
export type ResolvedLimits = PlanLimits & { plan: string };

/** The plan a request was charged under and its limits, for later stages (usage, metrics, additional units). */
export interface ThrottledRequest extends AuthenticatedRequest {
  rateLimit?: { plan: string; limits: ResolvedLimits; decision: RateLimitDecision };
}

/**
 * Plans, quotas and the one atomic decision, shared by the RateLimitGuard (every scope of a request,
 * before the handler) and by handlers that learn a request's size only from its body (inference:
 * rows, tensor elements, tokens), which charge those units through `chargeUnits`. Both answer a
 * refusal with the same 429 problems and count decisions in the same metrics.
 */
@Injectable()
export class QuotaService {
  private readonly decisions = new LabelChildren((scope, outcome) => this.metrics!.rateLimitDecisions.labels(scope, outcome));

  constructor(
    private readonly plans: PlanResolver,
    private readonly organizations: OrganizationNames,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(THROTTLING_OPTIONS) private readonly options: ThrottlingModuleOptions,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {}

  /** How long a concurrency lease lives if it is never released (a crashed replica's leases expire). */
  get leaseMs(): number {
    return this.options.leaseMs;
  }

  /** The limits of the principal's plan (organization assignment, then application and project overrides). */
  async limitsOf(principal: Principal): Promise<ResolvedLimits> {
    const orgId = principal.orgId ?? '';
    const orgName = orgId ? ((await this.organizations.nameOf(orgId)) ?? '') : '';
    return this.plans.limitsFor({
      orgId,
      orgName,
      ...(principal.kind === 'application' ? { applicationId: principal.subject } : {}),
      ...(principal.projectIds[0] ? { projectId: principal.projectIds[0] } : {}),
    });
  }

  /**
   * Checks and charges every limit of `charges` in one atomic store call and records the outcome.
   * A refusal is returned, not thrown (see `refusal`), so that the caller can keep the decision; a
   * store that cannot answer throws its 503 (counted as `unavailable`).
   */
  async decide(principal: Principal, charges: RateLimitRequest): Promise<RateLimitDecision> {
    let decision: RateLimitDecision;
    try {
      decision = await this.store.consume(charges);
    } catch (error) {
      this.metrics?.rateLimitDecisions.labels('all', 'unavailable').inc();
      throw error;
    }
    this.recordMetrics(principal, decision);
    return decision;
  }

  /**
   * Charges `units` more against the caller's quotas (organization and application, day and month),
   * atomically, after the guard admitted the request: for work whose size is known only once the
   * handler has read the body. Rate-limit buckets and concurrency are per request and not charged
   * again. Throws the guard's 429 quota problem when a quota cannot cover the units (and then charges
   * none of them).
   */
  async chargeUnits(request: ThrottledRequest, units: number): Promise<void> {
    const principal = request.principal;
    if (!principal || units <= 0) return;
    // The plan the guard resolved for this request; resolved again only for a request it did not see.
    const limits = request.rateLimit?.limits ?? (await this.limitsOf(principal));
    const charges = buildRateLimitRequest({ principal, limits, leaseMs: this.leaseMs, leaseId: randomUUID(), cost: units });
    if (charges.quotas.length === 0) return;
    const quotasOnly: RateLimitRequest = { ...charges, buckets: [], concurrency: [] };
    const decision = await this.decide(principal, quotasOnly);
    if (!decision.allowed) throw this.refusal(decision, quotasOnly);
  }

  /** Frees the concurrency leases a decision took for `leaseId`. */
  release(concurrency: RateLimitRequest['concurrency'], leaseId: string): Promise<void> {
    return this.store.release(concurrency, leaseId);
  }

  /** The 429 problem for a refused decision: quota-exhausted (with its reset) or rate-limited. */
  refusal(decision: RateLimitDecision, charges: RateLimitRequest): Error {
    const denied: LimitState = decision.denied ?? closestToExhaustion(decision.states)!;
    const headers = rateLimitHeaders(denied);
    const retryAfter = retryAfterSeconds(decision.retryAfterSeconds ?? denied.resetSeconds);
    if (denied.kind === 'quota') {
      const quota = charges.quotas.find((q) => q.name === denied.name);
      const resetsAt = quota ? nextPeriodStart(quota.period, new Date()) : new Date(Date.now() + retryAfter * 1000);
      return new QuotaExhaustedException(denied, resetsAt, retryAfter, headers);
    }
    return new RateLimitedException(denied, retryAfter, headers);
  }

  /** The decision by deciding scope and outcome, and the organization's quota use (units spent this period). */
  private recordMetrics(principal: Principal, decision: RateLimitDecision): void {
    if (!this.metrics) return;
    const denied = decision.denied;
    if (!denied) this.decisions.of('all', 'allowed').inc();
    else {
      const outcome = denied.kind === 'quota' ? 'quota_exhausted' : denied.kind === 'concurrency' ? 'concurrency' : 'limited';
      // Bucket names are scopes (or `route`); quota and concurrency names are `<scope>-<period|concurrency>`.
      this.decisions.of(denied.name.split('-')[0], outcome).inc();
    }
    if (!principal.orgId) return;
    for (const state of decision.states) {
      if (state.kind !== 'quota' || !state.name.startsWith('organization-')) continue;
      this.metrics.recordQuotaUse(principal.orgId, state.name.slice('organization-'.length), state.limit - state.remaining);
    }
  }
}
