import { EventEmitter } from 'node:events';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ServiceUnavailableException, validateOptions } from '@infergate/common';
import { ThrottlingModuleOptions } from '../throttling.options';
import type { Principal } from '@infergate/contracts';
import { GatewayMetrics } from '@infergate/observability';
import type { PlanResolver } from '../plans';
import type { LimitState, PlanLimits, RateLimitDecision, RateLimitStore } from '../rate-limit.types';
import { QuotaService } from '../quota/quota.service';
import type { OrganizationNames } from './organization-names';
import { PLAN_THROTTLER, RateLimitGuard } from './rate-limit.guard';
import { RateLimitThrottlerStorage } from './throttler-storage.adapter';

const principal = { kind: 'application', subject: 'app-1', orgId: 'org-1', projectIds: [] } as unknown as Principal;
const limits: PlanLimits & { plan: string } = { plan: 'p', rateLimits: {}, quotas: {}, concurrency: {} };
const state = (name: string, kind: LimitState['kind'], limit: number, remaining: number): LimitState => ({
  name,
  kind,
  limit,
  remaining,
  resetSeconds: 1,
  windowSeconds: 1,
});

/** The guard over a store that answers `decide` (or throws it), with a real metric catalogue. */
async function decideWith(decide: RateLimitDecision | Error): Promise<GatewayMetrics> {
  const store: RateLimitStore = {
    consume: () => (decide instanceof Error ? Promise.reject(decide) : Promise.resolve(decide)),
    release: () => Promise.resolve(),
    quotaUsage: () => Promise.resolve([]),
  };
  const metrics = new GatewayMetrics({ processMetrics: false });
  const guard = new RateLimitGuard(
    { throttlers: [{ name: PLAN_THROTTLER, limit: Number.POSITIVE_INFINITY, ttl: 60_000 }] },
    new RateLimitThrottlerStorage(store),
    new Reflector(),
    new QuotaService(
      { limitsFor: () => limits } as unknown as PlanResolver,
      { nameOf: () => Promise.resolve('org-name') } as unknown as OrganizationNames,
      store,
      validateOptions(ThrottlingModuleOptions, { leaseMs: 1000 }, 'throttling'),
      metrics,
    ),
  );
  await guard.onModuleInit();
  const reply = { raw: Object.assign(new EventEmitter(), { destroyed: false, writableFinished: false }), headers: () => undefined };
  class Controller {
    handler(): void {}
  }
  const context = {
    getType: () => 'http',
    getHandler: () => Controller.prototype.handler,
    getClass: () => Controller,
    switchToHttp: () => ({ getRequest: () => ({ principal, params: {} }), getResponse: () => reply }),
  } as unknown as ExecutionContext;
  await guard.canActivate(context).catch(() => undefined);
  return metrics;
}

const decisions = async (metrics: GatewayMetrics) =>
  (await metrics.rateLimitDecisions.get()).values.map((v) => ({ ...v.labels, value: v.value }));

describe('RateLimitGuard metrics', () => {
  it('counts an admitted request as scope "all", outcome "allowed", and sets the organization’s quota use', async () => {
    const metrics = await decideWith({
      allowed: true,
      states: [
        state('application', 'bucket', 5, 4),
        state('organization-day', 'quota', 100, 58),
        state('application-month', 'quota', 9, 1),
      ],
    });
    expect(await decisions(metrics)).toEqual([{ scope: 'all', outcome: 'allowed', value: 1 }]);
    expect((await metrics.quotaUsed.get()).values).toEqual([{ labels: { org: 'org-1', period: 'day' }, value: 42 }]);
  });

  it.each([
    ['an application bucket', state('application', 'bucket', 5, 0), 'application', 'limited'],
    ['an organization quota', state('organization-month', 'quota', 10, 0), 'organization', 'quota_exhausted'],
    ['a model concurrency limit', state('model-concurrency', 'concurrency', 2, 0), 'model', 'concurrency'],
  ])('counts a refusal by %s under its scope and outcome', async (_name, denied, scope, outcome) => {
    const metrics = await decideWith({ allowed: false, states: [denied], denied, retryAfterSeconds: 1 });
    expect(await decisions(metrics)).toEqual([{ scope, outcome, value: 1 }]);
  });

  it('counts an unreachable store as "unavailable"', async () => {
    const metrics = await decideWith(new ServiceUnavailableException());
    expect(await decisions(metrics)).toEqual([{ scope: 'all', outcome: 'unavailable', value: 1 }]);
  });
});
