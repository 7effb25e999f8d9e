import { ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AuthenticationRequiredException, IS_PUBLIC_KEY, RouteMetadataCache } from '@infergate/common';
import type { AuthenticatedRequest, Principal } from '@infergate/contracts';
import { GatewayMetrics, LabelChildren, withSpan } from '@infergate/observability';
import { PlanResolver } from '../plans';
import type { LimitState, PlanLimits, RateLimitDecision, RateLimitRequest } from '../rate-limit.types';
import { buildRateLimitRequest, type ChargeTarget } from './charges';
import { OrganizationNames } from './organization-names';
import { closestToExhaustion, rateLimitHeaders } from './rate-limit-headers';
import { nextPeriodStart, QuotaExhaustedException, RateLimitedException, retryAfterSeconds } from './rate-limit.errors';
import { RateLimitThrottlerStorage } from './throttler-storage.adapter';
import { THROTTLING_OPTIONS, type ThrottlingModuleOptions } from '../throttling.options';

/** The metadata key of @SkipThrottle() (@nestjs/throttler sets it per throttler name but does not export it). */
const THROTTLER_SKIP = 'THROTTLER:SKIP';

/** The one named throttler the module configures; its limits come from the caller's plan. */
export const PLAN_THROTTLER = 'plan';

/** The plan a request was charged under and its limits, for later stages (usage, metrics, additional units). */
export interface ThrottledRequest extends AuthenticatedRequest {
  rateLimit?: { plan: string; limits: PlanLimits; decision: RateLimitDecision };
}

/**
 * APP_GUARD 3, after authentication and the route-level policy check: a request that those refuse
 * never gets here and spends nothing. Charges every scope that applies (see buildRateLimitRequest) in
 * one atomic store call; answers with the RateLimit fields of the limit closest to exhaustion, or a
 * 429 problem with Retry-After. Concurrency leases are released exactly once, when the response
 * finishes or the client goes away. `@Public()` and `@SkipThrottle({ plan: true })` routes pass untouched.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly decisions = new LabelChildren((scope, outcome) => this.metrics!.rateLimitDecisions.labels(scope, outcome));
  /** Per route: exempt from the plan's limits (@Public() or @SkipThrottle({ plan: true })). */
  private readonly exemptRoutes = new RouteMetadataCache(
    (targets) =>
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true ||
      this.reflector.getAllAndOverride<boolean>(THROTTLER_SKIP + PLAN_THROTTLER, targets) === true,
  );

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storageService: ThrottlerStorage,
    reflector: Reflector,
    private readonly plans: PlanResolver,
    private readonly organizations: OrganizationNames,
    @Inject(THROTTLING_OPTIONS) private readonly throttling: ThrottlingModuleOptions,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {
    super(options, storageService, reflector);
  }

  /**
   * With the plan throttler alone (the module's configuration), a request goes straight to charge():
   * the base class would read six route metadata keys and await three value resolutions per request
   * to work out a limit and ttl that the plan-based charge never uses. Whether a route is exempt
   * (@Public(), @SkipThrottle({ plan: true })) is read once per route. With any other throttler
   * configured, every request goes through the base class (shouldSkip, handleRequest) as before.
   */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.throttlers.length !== 1 || this.throttlers[0].name !== PLAN_THROTTLER) return super.canActivate(context);
    if (context.getType() !== 'http' || this.exemptRoutes.of(context)) return Promise.resolve(true);
    return withSpan('rate_limit', () => this.charge(context));
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return Promise.resolve(true);
    return Promise.resolve(this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true);
  }

  protected override handleRequest(requestProps: ThrottlerRequest): Promise<boolean> {
    if (requestProps.throttler.name !== PLAN_THROTTLER) return super.handleRequest(requestProps);
    return withSpan('rate_limit', () => this.charge(requestProps.context));
  }

  private async charge(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & ThrottledRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const principal = request.principal;
    // Deny by default: a non-public route without a principal is a wiring error, never free.
    if (!principal) throw new AuthenticationRequiredException();

    const limits = await this.limitsOf(principal);
    const charges = buildRateLimitRequest({
      principal,
      limits,
      leaseMs: this.throttling.leaseMs,
      leaseId: randomUUID(),
      ...this.chargeTarget(context),
    });
    const storage = this.storageService as RateLimitThrottlerStorage;
    let decision: RateLimitDecision;
    try {
      decision = await storage.decide(charges);
    } catch (error) {
      this.metrics?.rateLimitDecisions.labels('all', 'unavailable').inc();
      throw error;
    }
    request.rateLimit = { plan: limits.plan, limits, decision };
    this.recordMetrics(principal, decision);

    if (!decision.allowed) throw this.refusal(decision, charges);
    const closest = closestToExhaustion(decision.states);
    if (closest) void reply.headers(rateLimitHeaders(closest));
    if (charges.concurrency.length > 0) this.releaseOnClose(reply, storage, charges);
    return true;
  }

  /**
   * Charges `units` more against the caller's quotas (organization and application, day and month),
   * atomically, after the guard admitted the request: for work whose size is known only once the
   * handler has read the body (an inference call's rows, tensor elements or tokens). Rate-limit
   * buckets and concurrency are per request and not charged again. Throws the same 429 quota problem
   * as the guard when a quota cannot cover the units (and then charges none of them).
   */
  async chargeAdditionalUnits(request: ThrottledRequest, units: number): Promise<void> {
    const principal = request.principal;
    if (!principal || units <= 0) return;
    // The plan the guard resolved for this request; resolved again only for a request it did not see.
    const limits = request.rateLimit?.limits ?? (await this.limitsOf(principal));
    const charges = buildRateLimitRequest({
      principal,
      limits,
      leaseMs: this.throttling.leaseMs,
      leaseId: randomUUID(),
      cost: units,
    });
    if (charges.quotas.length === 0) return;
    const quotasOnly: RateLimitRequest = { ...charges, buckets: [], concurrency: [] };
    const decision = await (this.storageService as RateLimitThrottlerStorage).decide(quotasOnly);
    this.recordMetrics(principal, decision);
    if (!decision.allowed) throw this.refusal(decision, quotasOnly);
  }

  /**
   * What the route adds to the charge: the `:model` parameter (inference routes) and the quota cost of
   * 1 per request; work sized by the body is charged on top by chargeAdditionalUnits.
   */
  protected chargeTarget(context: ExecutionContext): ChargeTarget {
    const params = context.switchToHttp().getRequest<{ params?: Record<string, string | undefined> }>().params;
    const model = params?.model;
    return { ...(model ? { model } : {}), cost: 1 };
  }

  private async limitsOf(principal: Principal): Promise<PlanLimits & { plan: string }> {
    const orgId = principal.orgId ?? '';
    const orgName = orgId ? ((await this.organizations.nameOf(orgId)) ?? '') : '';
    return this.plans.limitsFor({
      orgId,
      orgName,
      ...(principal.kind === 'application' ? { applicationId: principal.subject } : {}),
      ...(principal.projectIds[0] ? { projectId: principal.projectIds[0] } : {}),
    });
  }

  /** The decision by deciding scope and outcome, and the organization's quota use (units spent this period). */
  private recordMetrics(principal: Principal, decision: RateLimitDecision): void {
    if (!this.metrics) return;
    const denied = decision.denied;
    if (!denied) this.decisions.of('all', 'allowed').inc();
    else {
      const outcome = denied.kind === 'quota' ? 'quota_exhausted' : denied.kind === 'concurrency' ? 'concurrency' : 'limited';
      // Bucket names are scopes; quota and concurrency names are `<scope>-<period|concurrency>`.
      this.decisions.of(denied.name.split('-')[0], outcome).inc();
    }
    if (!principal.orgId) return;
    for (const state of decision.states) {
      if (state.kind !== 'quota' || !state.name.startsWith('organization-')) continue;
      this.metrics.recordQuotaUse(principal.orgId, state.name.slice('organization-'.length), state.limit - state.remaining);
    }
  }

  private refusal(decision: RateLimitDecision, charges: RateLimitRequest): Error {
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

  private releaseOnClose(reply: FastifyReply, storage: RateLimitThrottlerStorage, charges: RateLimitRequest): void {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      storage.release(charges.concurrency, charges.leaseId).catch((error: unknown) => {
        // The lease expires after leaseMs anyway.
        this.logger.warn({ err: error, event: 'throttling.release_failed' }, 'concurrency lease release failed');
      });
    };
    // 'close' fires once the response has been sent or the connection has gone, whichever first.
    reply.raw.once('close', release);
    if (reply.raw.destroyed || reply.raw.writableFinished) release();
  }
}
