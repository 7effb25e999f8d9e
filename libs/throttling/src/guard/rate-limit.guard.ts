import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AuthenticationRequiredException, IS_PUBLIC_KEY, RouteMetadataCache } from '@infergate/common';
import { SPAN_NAMES, traced } from '@infergate/observability';
import { QuotaService, type ThrottledRequest } from '../quota/quota.service';
import type { BucketCharge, RateLimitRequest } from '../rate-limit.types';
import { buildRateLimitRequest, type ChargeTarget } from './charges';
import { closestToExhaustion, rateLimitHeaders } from './rate-limit-headers';
import { RateLimitedException, retryAfterSeconds } from './rate-limit.errors';
import { RouteMetadataReflector } from './route-metadata.reflector';

/**
 * The throttler whose limits come from the caller's plan: @nestjs/throttler's `default` one, so that
 * the decorators work as their documentation says — a bare @SkipThrottle() exempts a route from the
 * plan, @SkipThrottle({ default: false }) re-enables it on a handler of a skipped class, and
 * @Throttle({ default: { limit, ttl } }) adds a route limit on top of the plan.
 */
export const PLAN_THROTTLER = 'default';

/** The bucket name (RateLimit fields, metrics scope, problem detail) of a route's @Throttle() limit. */
export const ROUTE_LIMIT = 'route';

/** The charge target of a route that names no model (shared: it is only read). */
const ONE_UNIT: ChargeTarget = Object.freeze({ cost: 1 });

const SKIP = Promise.resolve(true);
const DO_NOT_SKIP = Promise.resolve(false);

/**
 * APP_GUARD 3, after authentication and the route-level policy check: a request that those refuse
 * never gets here and spends nothing. ThrottlerGuard.canActivate runs as designed (skip decorators,
 * route limit and ttl, tracker, key generator); this class supplies its hooks:
 * - shouldSkip: not HTTP, or @Public() (read once per route);
 * - handleRequest for the plan throttler (`default`): charges every scope of the caller's plan (see
 *   buildRateLimitRequest) in ONE atomic store call; answers with the RateLimit fields of the limit
 *   closest to exhaustion, or a 429 problem with Retry-After; concurrency leases are released exactly
 *   once, when the response finishes or the client goes away;
 * - a route limit, @Throttle({ default: { limit, ttl } }) on the handler or its class: `limit`
 *   requests per `ttl` ms per caller and route, as a token bucket (`limit` tokens refilled over
 *   `ttl`) named `route`, charged in the SAME atomic decision as the plan, so a request the route
 *   limit refuses spends none of the plan and the reverse. It can only make a route stricter than the
 *   plan, never looser. The bucket is keyed by getTracker (the principal) and generateKey (controller
 *   and handler), or by the functions the decorator gives. `blockDuration` does not apply: a token
 *   bucket admits the caller again as soon as one token has refilled (Retry-After says when).
 *   `ignoreUserAgents` does not apply to the plan either: a header must never lift a plan's limits;
 * - any other named throttler a team configures is left to the base class's handleRequest (one
 *   bucket in the same store through RateLimitThrottlerStorage), refused as a 429 problem.
 * The module's `default` throttler carries no limit of its own (Infinity): a finite limit in
 * handleRequest can only come from @Throttle() on the route, which is how a route limit is told apart.
 * The base class resolves its six metadata keys per request through RouteMetadataReflector (cached per
 * route), so the cost stays close to charging directly (bench/throttler-guard.bench.ts).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly publicRoutes = new RouteMetadataCache(
    (targets) => this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true,
  );

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storageService: ThrottlerStorage,
    reflector: Reflector,
    private readonly quotas: QuotaService,
  ) {
    super(options, storageService, new RouteMetadataReflector(reflector));
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http' || this.publicRoutes.of(context) ? SKIP : DO_NOT_SKIP;
  }

  protected override handleRequest(requestProps: ThrottlerRequest): Promise<boolean> {
    if (requestProps.throttler.name !== PLAN_THROTTLER) return super.handleRequest(requestProps);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- traced() calls it on `this`, without a closure per request
    return traced(SPAN_NAMES.rateLimit, this.charge, this, requestProps);
  }

  /** The caller, for route limits: the principal (every throttled route has one), else the client address. */
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = (req as ThrottledRequest).principal;
    return principal ? Promise.resolve(`${principal.kind}:${principal.subject}`) : super.getTracker(req);
  }

  /** Readable and bounded (identifiers only), and no SHA-256 per request as the base class does. */
  protected override generateKey(context: ExecutionContext, tracker: string, name: string): string {
    return `${context.getClass().name}.${context.getHandler().name}:${name}:${tracker}`;
  }

  /** Another named throttler refused: the same 429 problem+json as the plan's limits, not a bare ThrottlerException. */
  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = retryAfterSeconds(detail.timeToBlockExpire);
    const state = {
      name: ROUTE_LIMIT,
      kind: 'bucket' as const,
      limit: detail.limit,
      remaining: 0,
      resetSeconds: retryAfter,
      windowSeconds: Math.max(1, detail.ttl / 1000),
    };
    return Promise.reject(new RateLimitedException(state, retryAfter, rateLimitHeaders(state)));
  }

  private async charge(props: ThrottlerRequest): Promise<boolean> {
    const context = props.context;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & ThrottledRequest>();
    const reply = http.getResponse<FastifyReply>();
    const principal = request.principal;
    // Deny by default: a non-public route without a principal is a wiring error, never free.
    if (!principal) throw new AuthenticationRequiredException();

    const limits = await this.quotas.limitsOf(principal);
    const target = this.chargeTarget(context);
    const concurrency = limits.concurrency;
    let charges = buildRateLimitRequest({
      principal,
      limits,
      leaseMs: this.quotas.leaseMs,
      // A lease id only names concurrency leases; a plan without concurrency limits takes none.
      leaseId: concurrency.organization === undefined && concurrency.model === undefined ? '' : randomUUID(),
      model: target.model,
      cost: target.cost,
    });
    if (Number.isFinite(props.limit) && props.limit > 0) {
      charges = { ...charges, buckets: [...charges.buckets, await this.routeBucket(props, request)] };
    }
    const decision = await this.quotas.decide(principal, charges);
    request.rateLimit = { plan: limits.plan, limits, decision };

    if (!decision.allowed) throw this.quotas.refusal(decision, charges);
    const closest = closestToExhaustion(decision.states);
    if (closest) void reply.headers(rateLimitHeaders(closest));
    if (charges.concurrency.length > 0) this.releaseOnClose(reply, charges);
    return true;
  }

  /** The @Throttle() limit of the route as one more bucket of the request's decision. */
  private async routeBucket(props: ThrottlerRequest, request: ThrottledRequest): Promise<BucketCharge> {
    const tracker = await props.getTracker(request, props.context);
    const key = props.generateKey(props.context, tracker, props.throttler.name ?? PLAN_THROTTLER);
    const windowMs = Math.max(1, props.ttl);
    return { name: ROUTE_LIMIT, key: `bucket:route:${key}`, ratePerSecond: (props.limit * 1000) / windowMs, burst: props.limit, cost: 1 };
  }

  /**
   * What the route adds to the charge: the `:model` parameter (inference routes) and the quota cost of
   * 1 per request; work sized by the body is charged on top through QuotaService.chargeUnits.
   */
  protected chargeTarget(context: ExecutionContext): ChargeTarget {
    const params = context.switchToHttp().getRequest<{ params?: Record<string, string | undefined> }>().params;
    const model = params?.model;
    return model ? { model, cost: 1 } : ONE_UNIT;
  }

  private releaseOnClose(reply: FastifyReply, charges: RateLimitRequest): void {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.quotas.release(charges.concurrency, charges.leaseId).catch((error: unknown) => {
        // The lease expires after leaseMs anyway.
        this.logger.warn({ err: error, event: 'throttling.release_failed' }, 'concurrency lease release failed');
      });
    };
    // 'close' fires once the response has been sent or the connection has gone, whichever first.
    reply.raw.once('close', release);
    if (reply.raw.destroyed || reply.raw.writableFinished) release();
  }
}
