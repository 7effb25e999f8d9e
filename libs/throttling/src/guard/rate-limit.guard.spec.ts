import { EventEmitter } from 'node:events';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Public, validateOptions } from '@infergate/common';
import { ThrottlingModuleOptions } from '../throttling.options';
import { SkipThrottle, Throttle } from '@nestjs/throttler';
import type { Principal } from '@infergate/contracts';
import type { PlanResolver } from '../plans';
import type { ConcurrencyCharge, LimitState, PlanLimits, RateLimitDecision, RateLimitRequest, RateLimitStore } from '../rate-limit.types';
import { QuotaService } from '../quota/quota.service';
import type { OrganizationNames } from './organization-names';
import { PLAN_THROTTLER, RateLimitGuard } from './rate-limit.guard';
import { QuotaExhaustedException, RateLimitedException } from './rate-limit.errors';
import { RateLimitThrottlerStorage } from './throttler-storage.adapter';

const principal = { kind: 'application', subject: 'app-1', orgId: 'org-1', projectIds: [] } as unknown as Principal;
const limits: PlanLimits & { plan: string } = {
  plan: 'p',
  rateLimits: { application: { rate: 1, per: 'second', burst: 5 } },
  quotas: { application: { day: 10 } },
  concurrency: { organization: 2 },
};
const bucket: LimitState = { name: 'application', kind: 'bucket', limit: 5, remaining: 3, resetSeconds: 2, windowSeconds: 5 };

class FakeStore implements RateLimitStore {
  consumed: RateLimitRequest[] = [];
  released: { concurrency: readonly ConcurrencyCharge[]; leaseId: string }[] = [];
  constructor(private readonly decision: RateLimitDecision) {}
  consume(request: RateLimitRequest): Promise<RateLimitDecision> {
    this.consumed.push(request);
    return Promise.resolve(this.decision);
  }
  release(concurrency: readonly ConcurrencyCharge[], leaseId: string): Promise<void> {
    this.released.push({ concurrency, leaseId });
    return Promise.resolve();
  }
  quotaUsage(): Promise<number[]> {
    return Promise.resolve([]);
  }
}

class Controller {
  handler(): void {}
}

async function setup(
  decision: RateLimitDecision,
  params: Record<string, string> = {},
  controller: { prototype: { handler(): void } } = Controller,
) {
  const store = new FakeStore(decision);
  const plans = { limitsFor: jest.fn(() => limits) } as unknown as PlanResolver;
  const organizations = { nameOf: jest.fn(() => Promise.resolve('org-name')) } as unknown as OrganizationNames;
  const config = validateOptions(ThrottlingModuleOptions, { leaseMs: 1234 }, 'throttling');
  const guard = new RateLimitGuard(
    { throttlers: [{ name: PLAN_THROTTLER, limit: Number.POSITIVE_INFINITY, ttl: 60_000 }] },
    new RateLimitThrottlerStorage(store),
    new Reflector(),
    new QuotaService(plans, organizations, store, config),
  );
  await guard.onModuleInit();
  const raw = Object.assign(new EventEmitter(), { destroyed: false, writableFinished: false });
  const headers: Record<string, string> = {};
  const reply = { raw, headers: (h: Record<string, string>) => Object.assign(headers, h) };
  const request: Record<string, unknown> = { principal, params };
  const context = {
    getType: () => 'http',
    getHandler: () => controller.prototype.handler,
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  return { guard, store, plans, raw, headers, context, request };
}

describe('RateLimitGuard', () => {
  it('charges the plan limits once, sets the RateLimit fields and releases the leases exactly once', async () => {
    const { guard, store, plans, raw, headers, context } = await setup({ allowed: true, states: [bucket] }, { model: 'resnet' });
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(plans.limitsFor).toHaveBeenCalledWith({ orgId: 'org-1', orgName: 'org-name', applicationId: 'app-1' });
    expect(store.consumed).toHaveLength(1);
    expect(store.consumed[0].concurrency).toEqual([
      { name: 'organization-concurrency', key: 'concurrency:organization:org-1', limit: 2, leaseMs: 1234 },
    ]);
    expect(headers).toEqual({ 'RateLimit-Policy': '"application";q=5;w=5', RateLimit: '"application";r=3;t=2' });
    expect(store.released).toHaveLength(0);
    raw.emit('close');
    raw.emit('close');
    expect(store.released).toEqual([{ concurrency: store.consumed[0].concurrency, leaseId: store.consumed[0].leaseId }]);
  });

  it('refuses with rate-limited (Retry-After ≥ 1) and charges no lease to release', async () => {
    const denied = { ...bucket, remaining: 0 };
    const { guard, store, raw, context } = await setup({ allowed: false, states: [denied], denied, retryAfterSeconds: 0.3 });
    const error = await guard.canActivate(context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedException);
    expect((error as RateLimitedException).headers).toMatchObject({ 'Retry-After': '1', RateLimit: '"application";r=0;t=2' });
    raw.emit('close');
    expect(store.released).toHaveLength(0);
  });

  it('refuses a used-up quota with quota-exhausted, naming it and its reset', async () => {
    const denied: LimitState = {
      name: 'application-day',
      kind: 'quota',
      limit: 10,
      remaining: 0,
      resetSeconds: 3600,
      windowSeconds: 86400,
    };
    const { guard, context } = await setup({ allowed: false, states: [bucket, denied], denied, retryAfterSeconds: 3600 });
    const error = (await guard.canActivate(context).catch((e: unknown) => e)) as QuotaExhaustedException;
    expect(error).toBeInstanceOf(QuotaExhaustedException);
    expect(error.extensions).toMatchObject({ quota: 'application-day', resetsAt: expect.stringMatching(/T00:00:00\.000Z$/) });
  });

  it('refuses a non-public route without a principal instead of letting it through free', async () => {
    const { guard, context, request, store } = await setup({ allowed: true, states: [] });
    delete request.principal;
    await expect(guard.canActivate(context)).rejects.toMatchObject({ status: 401 });
    expect(store.consumed).toHaveLength(0);
  });

  it('charges nothing on @Public() and @SkipThrottle() routes, and still charges the other routes of their controller', async () => {
    class Exempt {
      @Public()
      handler(): void {}
      other(): void {}
    }
    @SkipThrottle()
    class Skipped {
      handler(): void {}
    }
    for (const controller of [Exempt, Skipped]) {
      const { guard, context, store, headers } = await setup({ allowed: true, states: [bucket] }, {}, controller);
      await expect(guard.canActivate(context)).resolves.toBe(true);
      await expect(guard.canActivate(context)).resolves.toBe(true);
      expect(store.consumed).toHaveLength(0);
      expect(headers).toEqual({});
    }
    const { guard, context, store } = await setup(
      { allowed: true, states: [bucket] },
      {},
      { prototype: { handler: Exempt.prototype.other } },
    );
    Object.assign(context, { getClass: () => Exempt });
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(store.consumed).toHaveLength(1);
  });

  it('charges a handler that @SkipThrottle({ default: false }) re-enables under a skipped class', async () => {
    @SkipThrottle()
    class Skipped {
      @SkipThrottle({ default: false })
      handler(): void {}
      other(): void {}
    }
    const enabled = await setup({ allowed: true, states: [bucket] }, {}, Skipped);
    await expect(enabled.guard.canActivate(enabled.context)).resolves.toBe(true);
    expect(enabled.store.consumed).toHaveLength(1);
    const skipped = await setup({ allowed: true, states: [bucket] }, {}, { prototype: { handler: Skipped.prototype.other } });
    Object.assign(skipped.context, { getClass: () => Skipped });
    await expect(skipped.guard.canActivate(skipped.context)).resolves.toBe(true);
    expect(skipped.store.consumed).toHaveLength(0);
  });

  it('adds a @Throttle() route limit as one more bucket of the same decision, per caller and route', async () => {
    class Limited {
      @Throttle({ default: { limit: 3, ttl: 30_000 } })
      handler(): void {}
    }
    const { guard, store, context } = await setup({ allowed: true, states: [bucket] }, {}, Limited);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(store.consumed).toHaveLength(1);
    const buckets = store.consumed[0].buckets;
    expect(buckets.map((b) => b.name)).toEqual(['application', 'route']);
    expect(buckets[1]).toEqual({
      name: 'route',
      key: 'bucket:route:Limited.handler:default:application:app-1',
      ratePerSecond: 0.1,
      burst: 3,
      cost: 1,
    });
    // The plan's own charges are all there too: one atomic decision, not two.
    expect(store.consumed[0].quotas.map((q) => q.name)).toEqual(['application-day']);
    expect(store.consumed[0].concurrency).toHaveLength(1);
  });

  it('refuses with the route limit named when the @Throttle() bucket is the one exhausted', async () => {
    class Limited {
      @Throttle({ default: { limit: 1, ttl: 1000 } })
      handler(): void {}
    }
    const denied: LimitState = { name: 'route', kind: 'bucket', limit: 1, remaining: 0, resetSeconds: 1, windowSeconds: 1 };
    const { guard, context } = await setup({ allowed: false, states: [bucket, denied], denied, retryAfterSeconds: 1 }, {}, Limited);
    const error = (await guard.canActivate(context).catch((e: unknown) => e)) as RateLimitedException;
    expect(error).toBeInstanceOf(RateLimitedException);
    expect(error.extensions).toMatchObject({ limit: 'route' });
  });

  it('reads each route decorator once, not on every request', async () => {
    const { guard, context } = await setup({ allowed: true, states: [bucket] });
    const spy = jest.spyOn(Reflect, 'getMetadata');
    await guard.canActivate(context);
    const first = spy.mock.calls.length;
    await guard.canActivate(context);
    await guard.canActivate(context);
    const later = spy.mock.calls.length - first;
    spy.mockRestore();
    expect(first).toBeGreaterThan(0);
    expect(later).toBe(0);
  });
});
